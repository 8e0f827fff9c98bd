import type pg from "pg";
import { db } from "@/lib/db";
import { stopSandboxServer, startSandbox } from "@/lib/sandbox";
import {
  lockHolders,
  processCpuMs,
  serversCpuMs,
  SnapshotWatch,
  spawnWorker,
  storedSamples,
  type Seen,
  type StoredSamples,
  type WorkerProcess,
} from "./fleet-watch";
import { CLUSTER_PREFIX, registerSandboxCluster, type Bench } from "./setup";
import { connect, fmt, now, pollUntil, sleep, summarize } from "./support";

// Fleet scale (issue 7): how many nodes one worker samples at a 1 s interval with a p99 sample
// delay within one interval; two workers splitting the fleet by advisory locks without sampling
// any node twice; and how fast the survivor takes over when the other is killed with SIGKILL.
// Workers are real child processes (the samplers of lib/worker/sampler.ts only, see
// test/run-sampler-child.ts), so their CPU and memory are their own and a kill is a real kill.
// Every registration is another copy of the sandbox cluster (3 nodes): the monitored servers
// are shared, so on a small machine they compete with the worker for the same cores.
// The part runs from run.ts (fleet()); its instruments are in fleet-watch.ts, its tables in
// print-fleet-scale.ts.

export const FLEET_PREFIX = `${CLUSTER_PREFIX}fleet-`;

export const FLEET_SETTINGS = {
  /**
   * Fleet sizes tried in turn (nodes; 3 per cluster, the bench's own cluster included);
   * WALDEN_BENCH_FLEET_STEPS=300,501 tries only those.
   */
  steps: fleetSteps(process.env.WALDEN_BENCH_FLEET_STEPS) ?? [102, 201, 300, 402, 501, 600],
  intervalMs: 1000,
  /** The goals: p99 sample delay within one interval; takeover within 5 s. */
  delayGoalMs: 1000,
  takeoverGoalMs: 5000,
  warmupMs: 3_000,
  windowMs: 10_000,
  splitWindowMs: 10_000,
  /** How often the catalog is polled for new snapshots: the resolution of the delay figures. */
  pollMs: 100,
  /** One connection per registered node lands on each sandbox server: 100 is too few. */
  maxConnections: 400,
} as const;

/**
 * WALDEN_BENCH_FLEET_BASELINE=<dir>: a checkout of an older commit (its node_modules and Prisma
 * client ready) whose sampler is measured beside this one on every fleet size, windows alternated,
 * so the two CPU figures come from the same minutes of the same machine.
 */
export const FLEET_BASELINE = process.env.WALDEN_BENCH_FLEET_BASELINE || null;
/** With a baseline: windows per side and fleet size, alternated (this, baseline, this, baseline). */
const BASELINE_ROUNDS = 2;

function fleetSteps(value: string | undefined): number[] | null {
  if (!value) return null;
  const steps = value.split(",").map(Number);
  if (steps.some((step) => !Number.isInteger(step) || step < 3))
    throw new Error(`WALDEN_BENCH_FLEET_STEPS=${value} is not a comma-separated list of node counts`);
  return steps;
}

// ---------------------------------------------------------------------------------------------
// The fleet
// ---------------------------------------------------------------------------------------------

/** Registers or removes copies of the sandbox cluster until `nodes` nodes are registered in all. */
export async function resizeFleet(bench: Bench, nodes: number): Promise<number> {
  const clusters = Math.ceil(nodes / 3);
  const ours = await db().cluster.findMany({
    where: { name: { startsWith: FLEET_PREFIX } },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  const others = (await db().cluster.count()) - ours.length;
  const wanted = Math.max(0, clusters - others);
  if (ours.length > wanted) {
    await db().cluster.deleteMany({ where: { id: { in: ours.slice(wanted).map((row) => row.id) } } });
  }
  for (let index = ours.length + 1; index <= wanted; index++) {
    await registerSandboxCluster(bench, `${FLEET_PREFIX}${String(index).padStart(3, "0")}`);
  }
  return db().node.count();
}

/**
 * Raises max_connections on the three sandbox servers (standbys first: a hot standby needs at
 * least the primary's) and restarts them, unless it is high enough already. It stays raised:
 * lowering it again needs the standbys to replay the primary's change first.
 */
export async function ensureMaxConnections(bench: Bench, value: number): Promise<boolean> {
  const ports = [...bench.sandbox.cluster.standbys.map((standby) => standby.port), bench.primaryPort];
  let raised = false;
  for (const port of ports) {
    const client = await connect(bench.node(port), "walden-bench");
    try {
      const { rows } = await client.query<{ value: number }>(
        "select current_setting('max_connections')::int as value",
      );
      if (rows[0]!.value >= value) continue;
      await client.query(`alter system set max_connections = ${value}`);
      raised = true;
    } finally {
      await client.end();
    }
  }
  if (!raised) return false;
  for (const name of ["standby2", "standby1", "primary"] as const)
    await stopSandboxServer(bench.options, name);
  await startSandbox(bench.options);
  return true;
}

/** A worker's CPU in a window, % of one core: in all, in user mode, in the kernel. */
export interface WorkerCpu {
  /**
   * CPU µs per node sample (one node read, tracked and written, in a completed tick): what the
   * work costs whether or not the worker keeps up, when a busy machine makes ticks late (a late
   * tick costs nothing meanwhile, so % of a core alone flatters a worker that falls behind).
   */
  cpuUsPerNodeSample: number;
  cpuPercent: number;
  userPercent: number;
  systemPercent: number;
}

export interface Stage extends WorkerCpu {
  nodes: number;
  clusters: number;
  delay: ReturnType<typeof summarize> & { p99: number };
  stored: StoredSamples;
  /** Clusters with no new snapshot during the window. */
  silent: number;
  /** % of one core: the three monitored servers, the catalog server (the worker's: WorkerCpu). */
  serversCpuPercent: number;
  catalogCpuPercent: number;
  rssMiB: number;
  /** The baseline checkout's sampler on the same fleet (WALDEN_BENCH_FLEET_BASELINE), or null. */
  baseline: (WorkerCpu & { delayP99: number }) | null;
  /** What the window cost the catalog, per node and day (the window's figures scaled). */
  catalog: CatalogCost;
}

/** Catalog bytes and write cost per node-day (issue 17): what a fleet's monitoring costs the catalog. */
export interface CatalogCost {
  /** Raw sample rows written per node-day. */
  sampleRows: number;
  /** Growth of replication_samples (every partition, indexes included) per node-day. */
  sampleBytes: number;
  /** WAL the catalog wrote per node-day (samples, snapshots, observed roles, events). */
  walBytes: number;
  /** Catalog server CPU seconds per node-day. */
  cpuSeconds: number;
}

async function catalogState(catalog: pg.Client) {
  const { rows } = await catalog.query<{ lsn: string; sample_bytes: number }>(
    `select pg_current_wal_lsn()::text as lsn,
       (select coalesce(sum(pg_total_relation_size(inhrelid)), 0) from pg_inherits
         where inhparent = 'public.replication_samples'::regclass)::float8 as sample_bytes`,
  );
  return rows[0]!;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

const p99 = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)] ?? NaN;
};

/** Lets the watch run for a window over the fleet's workers; returns what it saw. */
async function measureWindow(
  bench: Bench,
  catalog: pg.Client,
  workers: WorkerProcess[],
  windowMs: number,
): Promise<{ window: WindowFigures; seen: Map<string, Seen> }> {
  const { cluster } = bench.sandbox;
  const monitored = [cluster.primary.dataDir, ...cluster.standbys.map((standby) => standby.dataDir)];
  const watch = new SnapshotWatch(catalog, FLEET_SETTINGS.intervalMs);
  const from = new Date();
  await watch.start(FLEET_SETTINGS.pollMs);
  const workersCpu = async () => {
    const each = await Promise.all(workers.map((worker) => processCpuMs(worker.pid)));
    return { user: sum(each.map((cpu) => cpu.user)), system: sum(each.map((cpu) => cpu.system)) };
  };
  const workersBefore = await workersCpu();
  const sampledBefore = new Map([...watch.seen].map(([id, seen]) => [id, seen.sampledAt]));
  const stateBefore = await catalogState(catalog);
  const start = now();
  const [serversBefore, catalogBefore] = [
    await serversCpuMs(monitored),
    await serversCpuMs([bench.sandbox.catalog.dataDir]),
  ];
  await sleep(windowMs);
  const workersAfter = await workersCpu();
  const serversUsed = (await serversCpuMs(monitored)) - serversBefore;
  const catalogUsed = (await serversCpuMs([bench.sandbox.catalog.dataDir])) - catalogBefore;
  const elapsed = now() - start;
  const stateAfter = await catalogState(catalog);
  await watch.stop();
  const to = new Date();
  const userPercent = ((workersAfter.user - workersBefore.user) / elapsed) * 100;
  const systemPercent = ((workersAfter.system - workersBefore.system) / elapsed) * 100;
  const silent = [...sampledBefore].filter(([id, at]) => watch.seen.get(id)?.sampledAt === at).length;
  const stored = await storedSamples(catalog, from, to, FLEET_SETTINGS.intervalMs);
  const walBytes = (
    await catalog.query<{ bytes: number }>("select pg_wal_lsn_diff($1, $2)::float8 as bytes", [
      stateAfter.lsn,
      stateBefore.lsn,
    ])
  ).rows[0]!.bytes;
  const [nodes, clusters] = await Promise.all([db().node.count(), db().cluster.count()]);
  const perNodeDay = (value: number, ms: number) => (value / nodes) * (86_400_000 / ms);
  const window = {
    delay: { ...summarize(watch.delays), p99: p99(watch.delays) },
    stored,
    catalog: {
      sampleRows: perNodeDay(stored.samples, to.getTime() - from.getTime()),
      sampleBytes: perNodeDay(stateAfter.sample_bytes - stateBefore.sample_bytes, elapsed),
      walBytes: perNodeDay(walBytes, elapsed),
      cpuSeconds: perNodeDay(catalogUsed / 1000, elapsed),
    },
    silent,
    cpuUsPerNodeSample:
      ((workersAfter.user - workersBefore.user + workersAfter.system - workersBefore.system) * 1000) /
      (watch.ticks * (nodes / clusters)),
    cpuPercent: userPercent + systemPercent,
    userPercent,
    systemPercent,
    serversCpuPercent: (serversUsed / elapsed) * 100,
    catalogCpuPercent: (catalogUsed / elapsed) * 100,
    rssMiB: sum(workers.map((worker) => worker.latest()!.rssMiB)),
  };
  return { window, seen: watch.seen };
}

async function waitForOwners(workers: WorkerProcess[], clusters: number, timeoutMs: number): Promise<number> {
  return pollUntil(
    `${workers.length} worker(s) to own all ${clusters} clusters`,
    async () => {
      const owned = workers.map((worker) => worker.latest()?.owned.length ?? 0);
      return owned.reduce((sum, count) => sum + count, 0) === clusters && owned.every((count) => count > 0);
    },
    { since: now(), intervalMs: 100, timeoutMs },
  );
}

/**
 * Warm-up: connections opened, first ticks (and their one-off spread) done. Then every cluster
 * must have a snapshot from after the warm-up, so no delay in the window is measured from a
 * snapshot of a previous fleet.
 */
async function warmUp(catalog: pg.Client): Promise<void> {
  await sleep(FLEET_SETTINGS.warmupMs);
  const since = new Date();
  await pollUntil(
    "a snapshot of every cluster from this fleet",
    async () => {
      const { rows } = await catalog.query<{ behind: number }>(
        `select count(*)::int as behind from clusters c
           left join cluster_snapshots s on s.cluster_id = c.id
          where s.sampled_at is null or s.sampled_at < $1`,
        [since],
      );
      return rows[0]!.behind === 0;
    },
    { since: now(), intervalMs: 100, timeoutMs: 60_000 },
  );
}

export const passes = (stage: Stage) => stage.delay.p99 <= FLEET_SETTINGS.delayGoalMs && stage.silent === 0;

/** One worker (this checkout's sampler, or the baseline's) owning the whole fleet for one window. */
async function workerWindow(bench: Bench, catalog: pg.Client, clusters: number, checkout?: string) {
  const worker = spawnWorker(checkout ? "walden-bench-fleet-baseline" : "walden-bench-fleet-1", checkout);
  try {
    await waitForOwners([worker], clusters, 60_000);
    await warmUp(catalog);
    return (await measureWindow(bench, catalog, [worker], FLEET_SETTINGS.windowMs)).window;
  } finally {
    await worker.stop();
  }
}

type WindowFigures = Omit<Stage, "nodes" | "clusters" | "baseline">;

const meanCpu = (windows: WindowFigures[]): WorkerCpu => ({
  cpuUsPerNodeSample: sum(windows.map((window) => window.cpuUsPerNodeSample)) / windows.length,
  cpuPercent: sum(windows.map((window) => window.cpuPercent)) / windows.length,
  userPercent: sum(windows.map((window) => window.userPercent)) / windows.length,
  systemPercent: sum(windows.map((window) => window.systemPercent)) / windows.length,
});

export async function measureStage(bench: Bench, catalog: pg.Client, nodes: number): Promise<Stage> {
  const registered = await resizeFleet(bench, nodes);
  const clusters = await db().cluster.count();
  if (!FLEET_BASELINE) {
    return { nodes: registered, clusters, ...(await workerWindow(bench, catalog, clusters)), baseline: null };
  }
  const ours: WindowFigures[] = [];
  const theirs: WindowFigures[] = [];
  for (let round = 0; round < BASELINE_ROUNDS; round++) {
    ours.push(await workerWindow(bench, catalog, clusters));
    theirs.push(await workerWindow(bench, catalog, clusters, FLEET_BASELINE));
  }
  const delayP99 = Math.max(...theirs.map((window) => window.delay.p99));
  return {
    nodes: registered,
    clusters,
    ...ours[0]!,
    ...meanCpu(ours),
    baseline: { ...meanCpu(theirs), delayP99 },
  };
}

export interface Split {
  nodes: number;
  clusters: number;
  owned: { ownerId: string; clusters: number; locks: number; snapshots: number }[];
  /** Clusters both workers said they sample at the same time. */
  overlap: number;
  window: WindowFigures;
}

export interface Takeover {
  victim: string;
  victimClusters: number;
  /** ms from SIGKILL until the victim's lock session is gone from the catalog. */
  locksReleasedMs: number;
  /** … until the survivor says it samples every one of them. */
  claimedMs: number;
  /** … until every one of them has a snapshot sampled after the kill by the survivor. */
  freshMs: number;
  /** The oldest snapshot age (ms) the API served for the victim's clusters meanwhile. */
  maxAgeMs: number;
}

export async function measureSplitAndKill(
  bench: Bench,
  catalog: pg.Client,
  nodes: number,
  progress: (line: string) => void,
): Promise<{ split: Split; takeover: Takeover }> {
  const clusters = await db().cluster.count();
  const workers = [spawnWorker("walden-bench-fleet-a"), spawnWorker("walden-bench-fleet-b")];
  try {
    const splitMs = await waitForOwners(workers, clusters, 60_000);
    progress(`two workers own all ${clusters} clusters between them after ${fmt(splitMs / 1000, 1)} s`);
    await warmUp(catalog);
    const { window, seen } = await measureWindow(bench, catalog, workers, FLEET_SETTINGS.splitWindowMs);
    const [a, b] = workers.map((worker) => new Set(worker.latest()!.owned));
    const holders = await lockHolders(catalog);
    const owners = [...seen.values()].map((snapshot) => snapshot.ownerId);
    const split: Split = {
      nodes,
      clusters,
      overlap: [...a!].filter((id) => b!.has(id)).length,
      owned: workers.map((worker) => ({
        ownerId: worker.ownerId,
        clusters: worker.latest()!.owned.length,
        locks: [...holders].find(([name]) => name.includes(worker.ownerId))?.[1] ?? 0,
        snapshots: owners.filter((owner) => owner === worker.ownerId).length,
      })),
      window,
    };

    // kill -9 the worker that owns more, and time the survivor's takeover.
    const [victim, survivor] =
      split.owned[0]!.clusters >= split.owned[1]!.clusters ? workers : workers.reverse();
    const orphans = new Set(victim!.latest()!.owned);
    progress(`SIGKILL to ${victim!.ownerId} (pid ${victim!.pid}), which samples ${orphans.size} clusters`);
    const killedAt = Date.now();
    const start = now();
    await victim!.kill();
    const takeover: Takeover = {
      victim: victim!.ownerId,
      victimClusters: orphans.size,
      locksReleasedMs: NaN,
      claimedMs: NaN,
      freshMs: NaN,
      maxAgeMs: 0,
    };
    await pollUntil(
      "the survivor to sample every orphaned cluster",
      async () => {
        const elapsed = now() - start;
        if (Number.isNaN(takeover.locksReleasedMs)) {
          const holders = await lockHolders(catalog);
          if (![...holders.keys()].some((name) => name.includes(victim!.ownerId))) {
            takeover.locksReleasedMs = elapsed;
          }
        }
        if (
          Number.isNaN(takeover.claimedMs) &&
          [...orphans].every((id) => survivor!.latest()!.owned.includes(id))
        ) {
          takeover.claimedMs = elapsed;
        }
        const { rows } = await catalog.query<{ id: string; sampled_at: Date; owner_id: string }>(
          "select cluster_id::text as id, sampled_at, owner_id from cluster_snapshots where cluster_id = any($1::uuid[])",
          [[...orphans]],
        );
        const at = Date.now();
        let fresh = 0;
        for (const row of rows) {
          takeover.maxAgeMs = Math.max(takeover.maxAgeMs, at - row.sampled_at.getTime());
          if (row.owner_id === survivor!.ownerId && row.sampled_at.getTime() > killedAt) fresh++;
        }
        if (fresh < orphans.size) return false;
        takeover.freshMs = elapsed;
        return true;
      },
      { since: start, intervalMs: 50, timeoutMs: 30_000 },
    );
    return { split, takeover };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}
