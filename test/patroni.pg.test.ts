import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { systemActor } from "@/lib/auth/system-actor";
import { runBackup } from "@/lib/backup/run";
import { registerCluster } from "@/lib/clusters/mutations";
import { db } from "@/lib/db";
import { getReplicationSnapshot } from "@/lib/replication/queries";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { physicalBackupRequestSchema } from "@/lib/schemas/backup";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { SamplerFleet } from "@/lib/worker/sampler";
import { patroniUnavailable, startPatroniCluster, type PatroniCluster } from "@/test/patroni-cluster";
import { runPitrRestore } from "@/test/pitr-restore";
import { waitUntil } from "@/test/wait";

// Walden under a real HA manager: Patroni 3 with etcd (Debian's packages), three PostgreSQL
// nodes on 127.0.0.1 (ports 28100+), all archiving into one folder. Walden is given the nodes
// once; then Patroni moves the leader — `patronictl switchover`, and a failover after the
// leader's postmaster is killed — and Walden must name the new leader primary within seconds,
// record the change with its timeline, take the next physical backup from it, and restore a
// moment from before the failover across both promotions.

const unavailable = patroniUnavailable();
const run = Date.now().toString(36);
const table = `ha_${run}`;
let patroni: PatroniCluster;
let clusterId: string | undefined;
let fleet: SamplerFleet | undefined;
/** Patroni's name of the node Walden registered as its primary (Walden calls it "primary"). */
let registeredLeader: string;
const restores: string[] = [];

/** Walden's name for a Patroni node: the one registered as primary is "primary", the rest keep theirs. */
const waldenName = (patroniName: string) => (patroniName === registeredLeader ? "primary" : patroniName);

const md5Sql = `select md5(coalesce(string_agg(t::text, ',' order by id), '')) as md5 from ${table} t`;

async function waldenPrimary(): Promise<string | undefined> {
  return (await getReplicationSnapshot(clusterId!))?.primary.name;
}

async function backUp() {
  const backup = await db().backup.create({
    data: {
      clusterId: clusterId!,
      kind: "physical",
      options: physicalBackupRequestSchema.parse({ clusterId, kind: "physical" }),
      requestedBy: "test",
    },
  });
  await runBackup(backup.id, "patroni-test");
  return db().backup.findUniqueOrThrow({ where: { id: backup.id } });
}

/** Waits until Walden names `patroniName` primary; returns how long that took. */
async function waitForWaldenPrimary(patroniName: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  await waitUntil(
    `Walden to name ${waldenName(patroniName)} (${patroniName}) the primary`,
    async () => (await waldenPrimary()) === waldenName(patroniName),
    timeoutMs,
    200,
  );
  return Date.now() - started;
}

async function expectPromotionEvent(patroniName: string, timeline: number) {
  const node = waldenName(patroniName);
  // Newest first: the node may have been primary before (the registered leader, back after a failover).
  const events = await db().replicationEvent.findMany({
    where: { clusterId, node },
    orderBy: { at: "desc" },
  });
  expect(events).toContainEqual(
    expect.objectContaining({ kind: "timeline_change", toValue: String(timeline) }),
  );
  const roleChange = events.find((event) => event.kind === "role_change" && event.toValue === "primary");
  expect(roleChange?.message).toMatch(
    new RegExp(`^${node} is the primary now on timeline ${timeline} from `),
  );
}

describe.skipIf(unavailable !== null)("Walden follows a Patroni cluster", () => {
  beforeAll(async () => {
    patroni = await startPatroniCluster({ basePort: 28100 });
    const leader = await patroni.waitForLeader();
    registeredLeader = leader.name;
    const { user, password, database } = patroni.walden;
    const node = (port: number) => ({ host: "127.0.0.1", port, user, password, database });
    const cluster = await registerCluster(
      systemActor("patroni test"),
      clusterCreateSchema.parse({
        name: `patroni-${run}`,
        primary: node(leader.port),
        standbys: patroni.nodes
          .filter((other) => other !== leader)
          .map((other) => ({ name: other.name, ...node(other.port) })),
        archive: { mode: "archive_command", path: patroni.archiveDir },
      }),
      {},
    );
    clusterId = cluster.id;
    await patroni.query(leader.name, `create table ${table} (id int primary key, note text)`);
    await patroni.query(
      leader.name,
      `insert into ${table} select g, 'first ' || g from generate_series(1, 500) g`,
    );
    fleet = new SamplerFleet(inject("databaseUrl"), "patroni-test", () => {});
    fleet.start();
    await waitUntil(
      "Walden to see both replicas streaming",
      async () => {
        const view = await getReplicationSnapshot(clusterId!);
        return view?.standbys.length === 2 && view.standbys.every((standby) => standby.state === "streaming");
      },
      30_000,
      200,
    );
    expect((await backUp()).status).toBe("succeeded");
  }, 150_000);

  afterAll(async () => {
    await fleet?.stop();
    for (const id of restores) await removeInstance(instancePaths(id)).catch(() => {});
    if (clusterId) await db().cluster.delete({ where: { id: clusterId } });
    await patroni?.stop();
  }, 90_000);

  let beforeFailover: { at: string; md5: string };

  it("follows `patronictl switchover`: the new leader is primary within 5 s, on timeline 2, and backed up", async () => {
    const leader = await patroni.waitForLeader();
    const candidate = patroni.nodes.find((node) => node !== leader)!;
    const switchover = patroni.patronictl([
      "switchover",
      "--leader",
      leader.name,
      "--candidate",
      candidate.name,
      "--force",
    ]);
    expect(switchover.code, switchover.output).toBe(0);
    expect((await patroni.waitForLeader({ timeoutMs: 30_000 })).name).toBe(candidate.name);
    expect(await waitForWaldenPrimary(candidate.name, 10_000)).toBeLessThan(5_000);
    await expectPromotionEvent(candidate.name, 2);

    await patroni.query(
      candidate.name,
      `insert into ${table} select g, 'second ' || g from generate_series(501, 800) g`,
    );
    const backup = await backUp();
    expect(backup.error).toBeNull();
    expect(backup.status).toBe("succeeded");
    expect(backup.timeline).toBe(2);
    expect(backup.log).toContain(`backing up from the primary ${waldenName(candidate.name)}`);

    // The moment a restore must reach after the next promotion: noted on timeline 2.
    await patroni.query(candidate.name, `update ${table} set note = note || ' (kept)' where id % 5 = 0`);
    const [state] = await patroni.query<{ md5: string }>(candidate.name, md5Sql);
    const [clock] = await patroni.query<{ t: Date }>(candidate.name, "select clock_timestamp() as t");
    beforeFailover = { at: clock!.t.toISOString(), md5: state!.md5 };
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await patroni.query(candidate.name, `delete from ${table} where id > 700`);
  }, 90_000);

  it("follows a failover (the leader's postmaster killed): the new leader is primary within 5 s on timeline 3, and backed up", async () => {
    const leader = await patroni.waitForLeader();
    await patroni.waitForHealthy(30_000);
    patroni.killPostmaster(leader.name);
    const successor = await patroni.waitForLeader({ not: leader.name, timeoutMs: 45_000 });
    expect(await waitForWaldenPrimary(successor.name, 10_000)).toBeLessThan(5_000);
    await expectPromotionEvent(successor.name, 3);

    const backup = await backUp();
    expect(backup.error).toBeNull();
    expect(backup.status).toBe("succeeded");
    expect(backup.timeline).toBe(3);
    expect(backup.log).toContain(`backing up from the primary ${waldenName(successor.name)}`);
  }, 90_000);

  it("restores a moment from timeline 2 md5-identically after the failover", async () => {
    const leader = await patroni.waitForLeader();
    // A commit after the moment on the newest timeline, archived, so replay has WAL to stop on.
    await patroni.query(leader.name, `insert into ${table} values (100000, 'after the failover')`);
    const client = new pg.Client({ host: "127.0.0.1", port: leader.port, ...patroni.walden });
    await client.connect();
    try {
      await waitForArchived(patroni.archiveDir, await switchWal(client), 30_000);
    } finally {
      await client.end();
    }
    const restore = await runPitrRestore(clusterId!, { type: "time", value: beforeFailover.at });
    restores.push(restore.id);
    const restored = new pg.Client({
      host: "127.0.0.1",
      port: restore.port!,
      user: "walden",
      password: patroni.walden.password,
      database: "app",
    });
    await restored.connect();
    try {
      expect((await restored.query<{ md5: string }>(md5Sql)).rows[0]!.md5).toBe(beforeFailover.md5);
    } finally {
      await restored.end();
    }
  }, 90_000);
});

// Where the packages cannot be installed, the skip says why in the test report.
if (unavailable !== null) it.skip(`Patroni test skipped: ${unavailable}`, () => {});
