import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { systemActor } from "@/lib/auth/system-actor";
import { runBackup } from "@/lib/backup/run";
import { currentPrimary } from "@/lib/clusters/current-primary";
import { registerCluster } from "@/lib/clusters/mutations";
import { db } from "@/lib/db";
import { getReplicationSnapshot } from "@/lib/replication/queries";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import {
  failoverSandbox,
  rejoinSandboxNode,
  startSandbox,
  stopSandbox,
  stopSandboxServer,
} from "@/lib/sandbox";
import type { SandboxInfo } from "@/lib/sandbox";
import { physicalBackupRequestSchema } from "@/lib/schemas/backup";
import { sandboxClusterInput } from "@/lib/sandbox/cluster-input.pg-helper";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import { getRestoreWindow } from "@/lib/wal/restore-window";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { SamplerFleet } from "@/lib/worker/sampler";
import { runPitrRestore } from "@/test/pitr-restore";

// Issue 15 on a throwaway sandbox of its own (ports 26620+; a failover cannot be undone): the
// primary stops, standby1 is promoted, and Walden follows: names it, records the new timeline,
// backs it up; then the old primary is rewound and rejoins as a standby, and a backup taken from
// it restores md5-identically.

const options = { home: mkdtempSync(path.join(os.tmpdir(), "walden-failover-")), basePort: 26620 };
const table = "ha_orders";
let sandbox: SandboxInfo;
let clusterId: string;
let fleet: SamplerFleet;
const restores: string[] = [];

const portOf = (name: string) =>
  name === "primary"
    ? sandbox.cluster.primary.port
    : sandbox.cluster.standbys.find((standby) => standby.name === name)!.port;

async function onNode<T>(name: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const { user, password, database } = sandbox.cluster.primary;
  const client = new pg.Client({ host: "127.0.0.1", port: portOf(name), user, password, database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const md5Sql = `select md5(coalesce(string_agg(t::text, ',' order by id), '')) as md5 from ${table} t`;
const tableMd5 = async (client: pg.Client) => (await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A physical backup run by the worker's own function; with a schedule when it names a node. */
async function backUp(backupFrom?: string) {
  const schedule = backupFrom
    ? await db().backupSchedule.create({
        data: { clusterId, kind: "physical", cron: "0 3 * * *", timezone: "UTC", options: {}, backupFrom },
      })
    : null;
  const backup = await db().backup.create({
    data: {
      clusterId,
      kind: "physical",
      options: physicalBackupRequestSchema.parse({ clusterId, kind: "physical" }),
      requestedBy: "test",
      scheduleId: schedule?.id ?? null,
    },
  });
  await runBackup(backup.id, "failover-test");
  if (schedule) await db().backupSchedule.delete({ where: { id: schedule.id } });
  return db().backup.findUniqueOrThrow({ where: { id: backup.id } });
}

beforeAll(async () => {
  sandbox = await startSandbox(options);
  const cluster = await registerCluster(
    systemActor("failover test"),
    clusterCreateSchema.parse(
      sandboxClusterInput(sandbox, `failover-${Date.now().toString(36)}`, {
        archive: { mode: "archive_command", path: sandbox.cluster.archiveDir },
      }),
    ),
    {},
  );
  clusterId = cluster.id;
  await onNode("primary", async (client) => {
    await client.query(`create table ${table} (id int primary key, note text)`);
    await client.query(`insert into ${table} select g, 'before ' || g from generate_series(1, 500) g`);
  });
  fleet = new SamplerFleet(inject("databaseUrl"), "failover-test", () => {});
  fleet.start();
}, 180_000);

afterAll(async () => {
  await fleet?.stop();
  for (const id of restores) await removeInstance(instancePaths(id)).catch(() => {});
  if (clusterId) await db().cluster.delete({ where: { id: clusterId } });
  await stopSandbox(options);
  rmSync(options.home, { recursive: true, force: true });
});

it("follows a failover to standby1: named within 5 s, its timeline in the event, backed up there, the window growing", async () => {
  await until(
    async () =>
      (await getReplicationSnapshot(clusterId))?.standbys.every((s) => s.state === "streaming") ?? false,
    30_000,
    "both standbys streaming",
  );
  expect((await backUp()).status).toBe("succeeded");
  await onNode("primary", async (client) => {
    await client.query(`insert into ${table} values (0, 'after the first backup')`);
    await waitForArchived(sandbox.cluster.archiveDir, await switchWal(client));
  });
  const latestBefore = (await getRestoreWindow(clusterId)).latest;

  await stopSandboxServer(options, "primary");
  const failover = await failoverSandbox(options, "standby1", { rejoin: false });
  expect(failover).toMatchObject({ promoted: "standby1", rejoined: null, timeline: 2 });
  const promotedAt = Date.now();
  await until(
    async () => (await getReplicationSnapshot(clusterId))?.primary.name === "standby1",
    5_000,
    "Walden to name standby1 the primary",
  );
  expect(Date.now() - promotedAt).toBeLessThan(5_000);

  const events = await db().replicationEvent.findMany({ where: { clusterId, node: "standby1" } });
  expect(events).toContainEqual(
    expect.objectContaining({ kind: "timeline_change", fromValue: "1", toValue: "2" }),
  );
  const roleChange = events.find((event) => event.kind === "role_change" && event.toValue === "primary")!;
  expect(roleChange.message).toMatch(
    /^standby1 is the primary now on timeline 2 from [0-9A-F]+\/[0-9A-F]+; primary was unreachable$/,
  );
  expect((await currentPrimary(clusterId)).name).toBe("standby1");
  const nodes = await db().node.findMany({ where: { clusterId }, orderBy: { name: "asc" } });
  expect(nodes.map((n) => [n.name, n.observedRole])).toEqual([
    ["primary", "unreachable"],
    ["standby1", "primary"],
    ["standby2", "standby"],
  ]);

  await onNode("standby1", async (client) => {
    await client.query(`insert into ${table} select g, 'after ' || g from generate_series(501, 800) g`);
  });
  const backup = await backUp();
  expect(backup.error).toBeNull();
  expect(backup.timeline).toBe(2);
  expect(backup.log).toMatch(/backing up from the primary standby1/);

  await onNode("standby1", async (client) => {
    await client.query(`insert into ${table} values (801, 'later')`);
    await waitForArchived(sandbox.cluster.archiveDir, await switchWal(client));
  });
  const latestAfter = (await getRestoreWindow(clusterId)).latest;
  expect(latestBefore).not.toBeNull();
  expect(Date.parse(latestAfter!)).toBeGreaterThan(Date.parse(latestBefore!));
}, 180_000);

it("shows the old primary, rewound, as a streaming standby of the new one", async () => {
  await rejoinSandboxNode(options, "primary", "standby1");
  await until(
    async () => {
      const view = await getReplicationSnapshot(clusterId);
      const old = view?.standbys.find((standby) => standby.name === "primary");
      return old?.state === "streaming" && old.upstream === "standby1";
    },
    15_000,
    "the old primary streaming from standby1",
  );
  expect(
    await db().replicationEvent.count({
      where: { clusterId, node: "primary", kind: "role_change", fromValue: "primary", toValue: "standby" },
    }),
  ).toBe(1);
}, 120_000);

it("backs up from a standby (the rewound old primary) and restores it md5-identically", async () => {
  await onNode("standby1", async (client) => {
    await client.query(`update ${table} set note = note || ' (updated)' where id % 7 = 0`);
  });
  // The standby has replayed the update before its backup starts.
  const expected = await onNode("standby1", tableMd5);
  await until(async () => (await onNode("primary", tableMd5)) === expected, 10_000, "the standby to replay");

  const backup = await backUp("standby:primary");
  expect(backup.error).toBeNull();
  expect(backup.status).toBe("succeeded");
  expect(backup.log).toMatch(/backing up from standby primary/);

  const target = await onNode("standby1", async (client) => {
    const at = (await client.query<{ t: Date }>("select clock_timestamp() as t")).rows[0]!.t.toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await client.query(`delete from ${table} where id > 100`);
    await waitForArchived(sandbox.cluster.archiveDir, await switchWal(client));
    return at;
  });
  const restore = await runPitrRestore(clusterId, { type: "time", value: target });
  restores.push(restore.id);
  expect(restore.backupId).toBe(backup.id);
  const { user, password, database } = sandbox.cluster.primary;
  const client = new pg.Client({ host: "127.0.0.1", port: restore.port!, user, password, database });
  await client.connect();
  try {
    expect(await tableMd5(client)).toBe(expected);
  } finally {
    await client.end();
  }
}, 240_000);
