import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { db } from "@/lib/db";
import { stopSandboxServer, startSandbox } from "@/lib/sandbox";
import { LOCK_NAMESPACE } from "@/lib/worker/sampler";
import type { SamplerChildReport } from "../test/run-sampler-child";
import { CLUSTER_PREFIX, deleteBenchClusters, registerSandboxCluster, type Bench } from "./setup";
import { connect, fmt, heading, now, pollUntil, ratio, sleep, summarize, table } from "./support";

// Fleet scale (issue 7): how many nodes one worker samples at a 1 s interval with a p99 sample
// delay within one interval; two workers splitting the fleet by advisory locks without sampling
// any node twice; and how fast the survivor takes over when the other is killed with SIGKILL.
// Workers are real child processes (the samplers of lib/worker/sampler.ts only, see
// test/run-sampler-child.ts), so their CPU and memory are their own and a kill is a real kill.
// Every registration is another copy of the sandbox cluster (3 nodes): the monitored servers
// are shared, so on a small machine they compete with the worker for the same cores.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CHILD_SCRIPT = path.join(repoRoot, "test/run-sampler-child.ts");
const FLEET_PREFIX = `${CLUSTER_PREFIX}fleet-`;

export const FLEET_SETTINGS = {
  /** Fleet sizes tried in turn (nodes; 3 per cluster, the bench's own cluster included). */
  steps: [102, 201, 300, 402, 501, 600],
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

// ---------------------------------------------------------------------------------------------
// Worker processes
// ---------------------------------------------------------------------------------------------

interface WorkerProcess {
  ownerId: string;
  pid: number;
  latest(): SamplerChildReport | null;
  /** SIGTERM: the fleet stops and releases its locks. */
  stop(): Promise<void>;
  /** SIGKILL: nothing runs after it; the kernel closes the process's sockets. */
  kill(): Promise<void>;
}

function spawnWorker(ownerId: string): WorkerProcess {
  // node --import tsx (not the tsx CLI): the pid is the worker itself, so SIGKILL reaches it.
  const child = spawn(process.execPath, ["--import", "tsx", CHILD_SCRIPT, ownerId], {
    cwd: repoRoot,
    env: process.env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let latest: SamplerChildReport | null = null;
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line.startsWith("{")) latest = JSON.parse(line) as SamplerChildReport;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    ownerId,
    pid: child.pid!,
    latest: () => latest,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
}

// ---------------------------------------------------------------------------------------------
// Watching the catalog
// ---------------------------------------------------------------------------------------------

interface Seen {
  sampledAt: number;
  ownerId: string;
}

/**
 * Polls cluster_snapshots every `pollMs`. A tick is due one interval after the previous tick's
 * sampledAt (the sampler's own cadence); its **sample delay** is the moment the next snapshot is
 * first seen in the catalog minus that due time: how late the data the API serves is. It
 * includes a late timer, the reads, the catalog write and up to one poll period.
 */
class SnapshotWatch {
  readonly seen = new Map<string, Seen>();
  readonly delays: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: pg.Client,
    private readonly intervalMs: number,
  ) {}

  async start(pollMs: number): Promise<void> {
    await this.poll(false);
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll(true));
    }, pollMs);
  }

  /** Stops, and counts each cluster still waiting for an overdue tick at its delay so far. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    const end = Date.now();
    for (const { sampledAt } of this.seen.values()) {
      const overdue = end - (sampledAt + this.intervalMs);
      if (overdue > 0) this.delays.push(overdue);
    }
  }

  private async poll(record: boolean): Promise<void> {
    const { rows } = await this.client.query<{ id: string; sampled_at: Date; owner_id: string }>(
      "select cluster_id::text as id, sampled_at, owner_id from cluster_snapshots",
    );
    const at = Date.now();
    for (const row of rows) {
      const previous = this.seen.get(row.id);
      const sampledAt = row.sampled_at.getTime();
      if (previous?.sampledAt === sampledAt) continue;
      if (record && previous) this.delays.push(at - (previous.sampledAt + this.intervalMs));
      this.seen.set(row.id, { sampledAt, ownerId: row.owner_id });
    }
  }
}

interface StoredSamples {
  samples: number;
  /** Consecutive samples of one standby closer than half an interval: one tick sampled twice. */
  doubled: number;
  gapP50: number;
  gapP99: number;
}

/** The raw samples stored in a window, per standby: how regular, and whether any tick was doubled. */
async function storedSamples(
  client: pg.Client,
  from: Date,
  to: Date,
  intervalMs: number,
): Promise<StoredSamples> {
  const { rows } = await client.query<{ samples: string; doubled: string; p50: number; p99: number }>(
    `select count(*) as samples,
            count(*) filter (where gap < $3 / 2.0) as doubled,
            percentile_cont(0.5) within group (order by gap) as p50,
            percentile_cont(0.99) within group (order by gap) as p99
       from (select extract(epoch from at - lag(at) over (partition by cluster_id, standby order by at)) * 1000 as gap
               from replication_samples where at >= $1 and at < $2) gaps`,
    [from, to, intervalMs],
  );
  const row = rows[0]!;
  return { samples: Number(row.samples), doubled: Number(row.doubled), gapP50: row.p50, gapP99: row.p99 };
}

/** Sampler lock sessions and the clusters each holds, straight from pg_locks. */
async function lockHolders(client: pg.Client): Promise<Map<string, number>> {
  const { rows } = await client.query<{ name: string; locks: string }>(
    `select a.application_name as name, count(*) as locks
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.classid = $1 and l.granted
      group by a.application_name`,
    [LOCK_NAMESPACE],
  );
  return new Map(rows.map((row) => [row.name, Number(row.locks)]));
}

// ---------------------------------------------------------------------------------------------
// The fleet
// ---------------------------------------------------------------------------------------------

/** Registers or removes copies of the sandbox cluster until `nodes` nodes are registered in all. */
async function resizeFleet(bench: Bench, nodes: number): Promise<number> {
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
async function ensureMaxConnections(bench: Bench, value: number): Promise<boolean> {
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

interface Stage {
  nodes: number;
  clusters: number;
  delay: ReturnType<typeof summarize> & { p99: number };
  stored: StoredSamples;
  /** Clusters with no new snapshot during the window. */
  silent: number;
  /** % of one core: the worker(s), the three monitored servers, the catalog server. */
  cpuPercent: number;
  serversCpuPercent: number;
  catalogCpuPercent: number;
  rssMiB: number;
}

/** Linux's clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on every usual kernel). */
const CLOCK_TICKS = 100;

/**
 * CPU milliseconds used so far by the PostgreSQL servers of these data directories: each
 * postmaster and its children (backends, walsenders, …), from /proc. The monitored servers share
 * the machine with the worker, so where the CPU goes tells which one limits the fleet.
 */
async function serversCpuMs(dataDirs: string[]): Promise<number> {
  const postmasters = new Set<number>();
  for (const dir of dataDirs) {
    const pidFile = await fs.readFile(path.join(dir, "postmaster.pid"), "utf8").catch(() => "");
    const pid = Number(pidFile.split("\n")[0]);
    if (pid > 0) postmasters.add(pid);
  }
  let ticks = 0;
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // Fields after the command name (which may hold spaces), from field 3 (state) on.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [pid, ppid] = [Number(entry), Number(fields[1])];
    if (postmasters.has(pid) || postmasters.has(ppid)) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks / CLOCK_TICKS) * 1000;
}

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
): Promise<{ window: Omit<Stage, "nodes" | "clusters">; seen: Map<string, Seen> }> {
  const { cluster } = bench.sandbox;
  const monitored = [cluster.primary.dataDir, ...cluster.standbys.map((standby) => standby.dataDir)];
  const watch = new SnapshotWatch(catalog, FLEET_SETTINGS.intervalMs);
  const from = new Date();
  await watch.start(FLEET_SETTINGS.pollMs);
  const before = new Map(workers.map((worker) => [worker.ownerId, worker.latest()!]));
  const sampledBefore = new Map([...watch.seen].map(([id, seen]) => [id, seen.sampledAt]));
  const start = now();
  const [serversBefore, catalogBefore] = [
    await serversCpuMs(monitored),
    await serversCpuMs([bench.sandbox.catalog.dataDir]),
  ];
  await sleep(windowMs);
  const serversUsed = (await serversCpuMs(monitored)) - serversBefore;
  const catalogUsed = (await serversCpuMs([bench.sandbox.catalog.dataDir])) - catalogBefore;
  const elapsed = now() - start;
  await watch.stop();
  const to = new Date();
  const after = workers.map((worker) => ({ first: before.get(worker.ownerId)!, last: worker.latest()! }));
  const cpuPercent = after.reduce(
    (sum, { first, last }) => sum + ((last.cpuMs - first.cpuMs) / (last.at - first.at)) * 100,
    0,
  );
  const silent = [...sampledBefore].filter(([id, at]) => watch.seen.get(id)?.sampledAt === at).length;
  const window = {
    delay: { ...summarize(watch.delays), p99: p99(watch.delays) },
    stored: await storedSamples(catalog, from, to, FLEET_SETTINGS.intervalMs),
    silent,
    cpuPercent,
    serversCpuPercent: (serversUsed / elapsed) * 100,
    catalogCpuPercent: (catalogUsed / elapsed) * 100,
    rssMiB: after.reduce((sum, { last }) => sum + last.rssMiB, 0),
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

const passes = (stage: Stage) => stage.delay.p99 <= FLEET_SETTINGS.delayGoalMs && stage.silent === 0;

async function measureStage(bench: Bench, catalog: pg.Client, nodes: number): Promise<Stage> {
  const registered = await resizeFleet(bench, nodes);
  const clusters = await db().cluster.count();
  const worker = spawnWorker("walden-bench-fleet-1");
  try {
    await waitForOwners([worker], clusters, 60_000);
    await warmUp(catalog);
    const { window } = await measureWindow(bench, catalog, [worker], FLEET_SETTINGS.windowMs);
    return { nodes: registered, clusters, ...window };
  } finally {
    await worker.stop();
  }
}

interface Split {
  nodes: number;
  clusters: number;
  owned: { ownerId: string; clusters: number; locks: number; snapshots: number }[];
  /** Clusters both workers said they sample at the same time. */
  overlap: number;
  window: Omit<Stage, "nodes" | "clusters">;
}

interface Takeover {
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

async function measureSplitAndKill(
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

// ---------------------------------------------------------------------------------------------
// The part
// ---------------------------------------------------------------------------------------------

/**
 * Runs the fleet-scale measurements, prints their tables, and returns rows for the summary table.
 * No other sampler may run meanwhile (each stage's worker must own every registered cluster).
 * Leaves the sandbox servers' max_connections raised, and removes the clusters it registered.
 */
export async function runFleetScale(bench: Bench, progress: (line: string) => void): Promise<string[][]> {
  const settings = FLEET_SETTINGS;
  heading(
    `fleet scale: one worker at ${settings.intervalMs / 1000} s, then two, then kill -9 one ` +
      `(${settings.warmupMs / 1000} s warm-up, ${settings.windowMs / 1000} s window)`,
  );
  if (await ensureMaxConnections(bench, settings.maxConnections)) {
    progress(`max_connections raised to ${settings.maxConnections} on the sandbox servers (restarted them)`);
  }
  const catalog = await connect(
    {
      host: bench.sandbox.catalog.host,
      port: bench.sandbox.catalog.port,
      user: bench.sandbox.catalog.user,
      password: bench.sandbox.catalog.password,
      database: bench.sandbox.catalog.database,
    },
    "walden-bench-fleet",
  );
  try {
    const stages: Stage[] = [];
    for (const nodes of settings.steps) {
      progress(`one worker, ${nodes} nodes`);
      const stage = await measureStage(bench, catalog, nodes);
      stages.push(stage);
      progress(
        `${stage.nodes} nodes: sample delay p50 ${fmt(stage.delay.p50, 0)} ms, p99 ${fmt(stage.delay.p99, 0)} ms; ` +
          `CPU (% of a core): worker ${fmt(stage.cpuPercent, 0)}, monitored servers ` +
          `${fmt(stage.serversCpuPercent, 0)}, catalog ${fmt(stage.catalogCpuPercent, 0)}`,
      );
      if (!passes(stage)) break;
    }
    printStages(stages);
    const largest = [...stages].reverse().find(passes) ?? stages[0]!;

    progress(`two workers on ${largest.nodes} nodes`);
    const nodes = await resizeFleet(bench, largest.nodes);
    const { split, takeover } = await measureSplitAndKill(bench, catalog, nodes, progress);
    printSplit(split, takeover);
    return summaryRows(stages, largest, split, takeover);
  } finally {
    await catalog.end();
    progress(`removed ${await deleteBenchClusters(FLEET_PREFIX)} fleet clusters`);
  }
}

function printStages(stages: Stage[]): void {
  console.log(
    table(
      [
        "nodes",
        "clusters",
        "ticks seen",
        "delay p50 ms",
        "delay p99 ms",
        "delay max ms",
        "silent",
        "interval p99 ms",
        "worker CPU %",
        "servers CPU %",
        "catalog CPU %",
        "RSS MiB",
        `p99 ≤ ${FLEET_SETTINGS.delayGoalMs} ms`,
      ],
      stages.map((stage) => [
        String(stage.nodes),
        String(stage.clusters),
        String(stage.delay.n),
        fmt(stage.delay.p50, 0),
        fmt(stage.delay.p99, 0),
        fmt(stage.delay.max, 0),
        String(stage.silent),
        fmt(stage.stored.gapP99, 0),
        fmt(stage.cpuPercent, 0),
        fmt(stage.serversCpuPercent, 0),
        fmt(stage.catalogCpuPercent, 0),
        fmt(stage.rssMiB, 0),
        passes(stage) ? "yes" : "NO",
      ]),
    ),
  );
  console.log(
    "sample delay: when a cluster's new snapshot is first seen in the catalog (polled every " +
      `${FLEET_SETTINGS.pollMs} ms) minus when that tick was due (the previous sampledAt + the interval); ` +
      "silent: clusters with no new snapshot in the window; interval: gap between stored samples of one standby; " +
      "CPU: % of one core, the worker, the three monitored sandbox servers and the catalog (all on this machine)",
  );
}

function printSplit(split: Split, takeover: Takeover): void {
  console.log(
    `\ntwo workers on ${split.nodes} nodes (${split.clusters} clusters), ${FLEET_SETTINGS.splitWindowMs / 1000} s window:`,
  );
  console.log(
    table(
      ["worker", "clusters it samples", "advisory locks held", "snapshots it wrote last"],
      split.owned.map((owner) => [
        owner.ownerId,
        String(owner.clusters),
        String(owner.locks),
        String(owner.snapshots),
      ]),
    ),
  );
  console.log(
    `clusters claimed by both: ${split.overlap}; stored samples ${split.window.stored.samples}, ` +
      `of which taken twice in one tick (< half an interval after the previous): ${split.window.stored.doubled}; ` +
      `sample delay p99 ${fmt(split.window.delay.p99, 0)} ms`,
  );
  console.log(
    `\nkill -9 ${takeover.victim} (${takeover.victimClusters} clusters): locks released after ` +
      `${fmt(takeover.locksReleasedMs, 0)} ms, claimed by the survivor after ${fmt(takeover.claimedMs, 0)} ms, ` +
      `every cluster fresh again after ${fmt(takeover.freshMs, 0)} ms ` +
      `(goal ≤ ${FLEET_SETTINGS.takeoverGoalMs} ms); oldest snapshot served meanwhile ${fmt(takeover.maxAgeMs, 0)} ms old`,
  );
}

function summaryRows(stages: Stage[], largest: Stage, split: Split, takeover: Takeover): string[][] {
  const smallest = stages[0]!;
  // Growth from the smallest fleet to the largest one tried (passing or not).
  const biggest = stages.at(-1)!;
  const tried = stages.map((stage) => stage.nodes).join(", ");
  return [
    [
      `fleet: nodes one worker samples at 1 s, p99 delay ≤ 1 s`,
      String(passes(largest) ? largest.nodes : 0),
      "—",
      "—",
      `tried ${tried}`,
    ],
    [
      `fleet: p99 sample delay / interval ratio at ${largest.nodes} nodes`,
      fmt(largest.delay.p99 / FLEET_SETTINGS.intervalMs, 2),
      "—",
      "—",
      "goal ≤ 1",
    ],
    [
      `fleet: sample delay p99 (ms)`,
      fmt(biggest.delay.p99, 0),
      fmt(smallest.delay.p99, 0),
      ratio(biggest.delay.p99, smallest.delay.p99, 2),
      `${biggest.nodes} vs ${smallest.nodes} nodes`,
    ],
    [
      `fleet: worker CPU per 100 nodes (% of a core)`,
      fmt((biggest.cpuPercent * 100) / biggest.nodes, 2),
      fmt((smallest.cpuPercent * 100) / smallest.nodes, 2),
      ratio(biggest.cpuPercent / biggest.nodes, smallest.cpuPercent / smallest.nodes, 2),
      `${biggest.nodes} vs ${smallest.nodes} nodes`,
    ],
    [
      `fleet: two workers' clusters (each)`,
      split.owned.map((owner) => owner.clusters).join(" + "),
      "—",
      "—",
      `${split.clusters} clusters, ${split.overlap} claimed twice`,
    ],
    [
      `fleet: samples taken twice in one tick (two workers)`,
      String(split.window.stored.doubled),
      "—",
      "—",
      `of ${split.window.stored.samples}`,
    ],
    [
      `fleet: kill -9 → its advisory locks released (ms)`,
      fmt(takeover.locksReleasedMs, 0),
      "—",
      "—",
      "session ends with the process",
    ],
    [
      `fleet: kill -9 → every orphaned cluster fresh (ms)`,
      fmt(takeover.freshMs, 0),
      fmt(FLEET_SETTINGS.takeoverGoalMs, 0),
      ratio(takeover.freshMs, FLEET_SETTINGS.takeoverGoalMs, 2),
      "the goal",
    ],
  ];
}
