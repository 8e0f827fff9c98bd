import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { registerCluster } from "@/lib/clusters/mutations";
import { db } from "@/lib/db";
import { SamplerFleet } from "@/lib/worker/sampler";
import { getReplicationSnapshot, type ReplicationView } from "@/lib/replication/queries";
import { clusterStatus } from "@/lib/replication/snapshot";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import type { SamplerChildReport } from "./run-sampler-child";
import { sandboxNode } from "@/test/sandbox-cluster";
import { waitUntil } from "@/test/wait";

// kill -9 a worker while it samples (issue 7): real worker processes (the samplers only, see
// run-sampler-child.ts) over the test sandbox's cluster, registered twice. The survivor must
// own and sample the dead worker's clusters within 5 s, no cluster may ever have two samplers,
// and the API's snapshot must show the gap: its sampledAt stops, and with nobody left to take
// over, it turns stale (status "unknown") until a worker comes back. And a worker started after
// another gets its share of the fleet. About 45 s.

const sandbox = inject("sandbox");
const actor: Actor = {
  kind: "session",
  userId: "00000000-0000-0000-0000-000000000001",
  email: "test",
  role: "admin",
  label: "sampler kill test",
};
const TAKEOVER_GOAL_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Worker {
  ownerId: string;
  report(): SamplerChildReport | null;
  /** Starts sampling (the worker is spawned with --wait, so its start-up is not timed). */
  start(): void;
  kill(): Promise<void>;
}

const workers: Worker[] = [];
/** Every moment two workers reported owning the same cluster (must stay empty). */
const overlaps: string[] = [];

function spawnWorker(ownerId: string): Worker {
  // node --import tsx, not the tsx CLI: the pid is the worker itself, so SIGKILL really kills it.
  const child = spawn(process.execPath, ["--import", "tsx", "test/run-sampler-child.ts", ownerId, "--wait"], {
    cwd: path.resolve("."),
    env: process.env,
    stdio: ["pipe", "pipe", "inherit"],
  });
  let latest: SamplerChildReport | null = null;
  // A killed worker owns nothing: its locks went with its catalog session.
  let dead = false;
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    if (!line.startsWith("{")) return;
    latest = JSON.parse(line) as SamplerChildReport;
    if (dead) return;
    for (const other of workers) {
      if (other.ownerId === ownerId) continue;
      const shared = latest.owned.filter((id) => other.report()?.owned.includes(id));
      if (shared.length) overlaps.push(`${ownerId} and ${other.ownerId}: ${shared.join(", ")}`);
    }
  });
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      dead = true;
      resolve();
    }),
  );
  const worker: Worker = {
    ownerId,
    report: () => (dead && latest ? { ...latest, owned: [] } : latest),
    start: () => child.stdin!.write("start\n"),
    kill: async () => {
      dead = true;
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
  workers.push(worker);
  return worker;
}

const owns = (worker: Worker, ids: string[]) => ids.every((id) => worker.report()?.owned.includes(id));
const snapshots = async (ids: string[]) =>
  Promise.all(ids.map(async (id) => (await getReplicationSnapshot(id)) as ReplicationView | null));
/** Each cluster's snapshot was sampled after `after` by `ownerId`. */
async function freshFrom(ids: string[], ownerId: string, after: number): Promise<boolean> {
  const rows = await db().clusterSnapshot.findMany({ where: { clusterId: { in: ids } } });
  return (
    rows.length === ids.length &&
    rows.every((row) => row.ownerId === ownerId && row.sampledAt.getTime() > after)
  );
}

let clusterIds: string[] = [];
let a: Worker;
let b: Worker;
let c: Worker;

beforeAll(async () => {
  // Spawned now, started later: the tsx start-up (seconds on a busy machine) overlaps the setup.
  [a, b, c] = ["kill-test-a", "kill-test-b", "kill-test-c"].map(spawnWorker) as [Worker, Worker, Worker];
  const suffix = Date.now().toString(36);
  for (const name of [`killed-1-${suffix}`, `killed-2-${suffix}`]) {
    const cluster = await registerCluster(
      actor,
      clusterCreateSchema.parse({
        name,
        primary: sandboxNode(sandbox.cluster.primary.port),
        standbys: sandbox.cluster.standbys.map((standby) => ({
          name: standby.name,
          ...sandboxNode(standby.port),
        })),
        // Two clusters cannot share an archive folder; these are only sampled, their archives never read.
        archive: { mode: "archive_command", path: path.join(path.dirname(sandbox.cluster.archiveDir), name) },
      }),
      {},
    );
    clusterIds.push(cluster.id);
  }
  await waitUntil("the workers to be up", async () => workers.every((worker) => worker.report()), 60_000);
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill()));
  if (clusterIds.length) await db().cluster.deleteMany({ where: { id: { in: clusterIds } } });
  clusterIds = [];
});

describe("a sampling worker killed with SIGKILL", () => {
  it("has its clusters taken over by the other worker within 5 s, never sampled by both", async () => {
    a.start();
    await waitUntil("worker a to sample both clusters", async () => owns(a, clusterIds), 15_000);
    await waitUntil(
      "fresh snapshots from worker a",
      () => freshFrom(clusterIds, a.ownerId, Date.now() - 2_000),
      10_000,
    );
    b.start();
    // b is up once its lock session is: from then on it would take any cluster nobody holds.
    const catalog = new pg.Client({ connectionString: inject("databaseUrl") });
    await catalog.connect();
    try {
      await waitUntil(
        "worker b's lock session",
        async () =>
          (
            await catalog.query("select 1 from pg_stat_activity where application_name = $1", [
              `walden-sampler ${b.ownerId}`,
            ])
          ).rowCount === 1,
        15_000,
      );
    } finally {
      await catalog.end();
    }
    const bothUpAt = new Date();
    await sleep(1_500);
    expect(b.report()!.owned.filter((id) => clusterIds.includes(id))).toEqual([]);

    const killedAt = Date.now();
    await a.kill();
    // While nobody samples them, the API serves the last sample: its sampledAt stands still.
    const before = await snapshots(clusterIds);
    const ages: number[] = [];
    const takeoverMs = await waitUntil(
      "worker b to sample the orphaned clusters",
      async () => {
        // b's own word (its report comes every 250 ms) and the catalog's must both say so.
        if (!owns(b, clusterIds) || !(await freshFrom(clusterIds, b.ownerId, killedAt))) {
          const [view] = await snapshots(clusterIds.slice(0, 1));
          if (view?.sampledAt === before[0]!.sampledAt) ages.push(Date.now() - Date.parse(view.sampledAt));
          return null;
        }
        return Date.now() - killedAt;
      },
      10_000,
    );
    expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_GOAL_MS);
    // The age the API showed grew while the clusters were orphaned, then fresh data came back.
    expect(ages.length).toBeGreaterThan(1);
    expect(ages.at(-1)!).toBeGreaterThan(ages[0]!);
    const after = await snapshots(clusterIds);
    for (const [index, view] of after.entries()) {
      expect(Date.parse(view!.sampledAt)).toBeGreaterThan(Date.parse(before[index]!.sampledAt));
      expect(view!.stale).toBe(false);
      expect(view!.clusterId).toBe(clusterIds[index]);
    }

    // One sampler per cluster at any moment: no worker ever reported a cluster another held, and
    // no standby got two samples within half an interval while both workers ran.
    expect(overlaps).toEqual([]);
    const doubled = await db().$queryRaw<{ doubled: bigint }[]>`
      select count(*) as doubled from (
        select at - lag(at) over (partition by cluster_id, standby order by at) as gap
          from replication_samples
         where cluster_id::text = any(${clusterIds}) and at >= ${bothUpAt} and at < ${new Date(killedAt)}) gaps
       where gap < interval '500 milliseconds'`;
    expect(Number(doubled[0]!.doubled)).toBe(0);
  });

  it("with no worker left, the snapshot turns stale (status unknown) until a worker comes back", async () => {
    await b.kill();
    const killedAt = Date.now();
    const stale = await waitUntil(
      "the snapshot to turn stale",
      async () => {
        const [view] = await snapshots(clusterIds.slice(0, 1));
        return view?.stale ? view : null;
      },
      15_000,
    );
    expect(clusterStatus(stale)).toBe("unknown");
    expect(Date.parse(stale.sampledAt)).toBeLessThan(killedAt);

    const startedAt = Date.now();
    c.start();
    const recoveredMs = await waitUntil(
      "worker c to sample both clusters",
      async () => ((await freshFrom(clusterIds, c.ownerId, startedAt)) ? Date.now() - startedAt : null),
      10_000,
    );
    expect(recoveredMs).toBeLessThanOrEqual(TAKEOVER_GOAL_MS);
    const views = await snapshots(clusterIds);
    expect(views.map((view) => view!.stale)).toEqual([false, false]);
    expect(views.map((view) => clusterStatus(view))).not.toContain("unknown");
    expect(overlaps).toEqual([]);
    await c.kill();
  });
});

describe("a worker started after another", () => {
  it("gets its share of the clusters once the count of workers has settled, handed over without overlap", async () => {
    const databaseUrl = inject("databaseUrl");
    const first = new SamplerFleet(databaseUrl, "share-first", () => {});
    const second = new SamplerFleet(databaseUrl, "share-second", () => {});
    try {
      first.start();
      const total = await db().cluster.count({ where: { retiredAt: null } });
      await waitUntil(
        "the first worker to own every cluster",
        async () => first.ownedClusterIds.length === total,
        10_000,
      );
      second.start();
      const startedAt = Date.now();
      const seenOverlaps: string[] = [];
      await waitUntil(
        "the second worker's share",
        async () => {
          const mine = new Set(second.ownedClusterIds);
          seenOverlaps.push(...first.ownedClusterIds.filter((id) => mine.has(id)));
          return mine.size >= Math.floor(total / 2) && mine.size + first.ownedClusterIds.length === total;
        },
        20_000,
      );
      // Not before the count of workers has held for 10 s: a restarting worker must not make clusters flap.
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(9_000);
      expect(first.ownedClusterIds.length).toBe(Math.ceil(total / 2));
      expect(seenOverlaps).toEqual([]);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
