// npm run bench — how fresh and how cheap Walden's live replication monitoring is, how
// Walden's backups compare with the raw PostgreSQL programs and its point-in-time restores with
// the manual procedure, measured on the bench's own
// sandbox (.walden-bench, ports 25520-55523; WALDEN_BENCH_HOME and WALDEN_BENCH_PG_PORT move
// it). Every Walden figure is printed next to a baseline measured in the same run on the same
// machine; nothing is asserted on time (a slow machine gives slow figures, not a failure).
// Exit status: 0 unless something broke; 2 for an unknown argument.
//   replication (about 3 minutes):
//   1. change → API latency (latency.ts)       2. primary server time per sample (server-time.ts)
//   3. worker CPU per node, 3 vs 102 nodes, and freshness under that load (worker-cpu.ts)
//   fleet (1.5-4 minutes; fleet-scale.ts): sampler worker processes on 100, 200, 300… nodes (copies
//   of the sandbox cluster; max_connections raised on the sandbox): p99 sample delay at a 1 s
//   interval per fleet size, two workers splitting the fleet, takeover after kill -9 of one
//   backups (about 3 minutes; plus about 1 the first time, for pgbench -i, and up to 2 waiting
//   for the machine's load average to fall below 1.5; backups.ts):
//   4. Walden's physical / logical backup vs raw pg_basebackup / pg_dump, same argv, alternated
//   5. size and wall time per compression
//   pitr (about 4 minutes; plus 1 for pgbench -i if the backups part has not made the database,
//   and up to 2 waiting for a quiet machine; pitr.ts):
//   6. Walden's point-in-time restore (runRestore) vs the manual procedure on the same backup and
//      WAL archive (tar -x, the same recovery settings, pg_ctl start, poll until promoted)
//   api (1-2 minutes; api.ts): 99 copies of the sandbox cluster registered (100 clusters) with a
//   month of catalog rows written in bulk, the route handlers called in-process:
//   7. overview p95 with 100 vs 1 clusters, 30-day vs 1-day lag series (points ≤ 1000), the
//      monthly report of 100 clusters vs 1
//   load (2 minutes; plus 2-3 for `next build` when the sources are newer than .next, after any
//   other `next build` or Playwright run has finished; load.ts):
//   8. `next start` on 127.0.0.1:3300, autocannon at a fixed rate for 60 s on the main GET
//      endpoints vs the same rate on /api/v1/health (30 s): errors, latency, server memory
// --only=replication, --only=backups, ... runs one part, or several comma-separated (default: all).
// The whole suite writes its summary to docs/benchmarks.md; a partial run writes it to the bench
// home (benchmarks-partial.md) instead, so the committed file always holds a full run.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { disconnectDb } from "@/lib/db";
import { SamplerFleet } from "@/lib/worker/sampler";
import { stopSandbox } from "@/lib/sandbox";
import {
  ensurePgbenchData,
  measureBackups,
  medianOf,
  removeBackupLeftovers,
  settle,
  type BackupResults,
  type CompressionRow,
  type PairedRuns,
} from "./backups";
import { apiSummaryRows, measureApi, printApi } from "./api";
import { runFleetScale } from "./fleet-scale";
import { measureLagLatency, measurePauseLatency, type LagTrials, type PauseTrials } from "./latency";
import {
  BENCH_RESTORE_PORTS,
  MANUAL_POLL_MS,
  measurePitr,
  medianMs,
  medianSteps,
  removePitrLeftovers,
  type PitrResults,
  type PitrRun,
} from "./pitr";
import { measureLoad, printLoad, loadSummaryRows } from "./load";
import { measureServerTime, type ServerTime } from "./server-time";
import {
  BENCH_BASE_PORT,
  BENCH_HOME,
  CLUSTER_PREFIX,
  deleteBenchClusters,
  ensurePgStatStatements,
  startBench,
  standbyOf,
  waitForSnapshot,
  type Bench,
} from "./setup";
import {
  describeMachine,
  fmt,
  heading,
  loadAverageText,
  markdownTable,
  median,
  namedSummaryRows,
  ratio,
  ratioLines,
  SUMMARY_HEADER,
  summarize,
  table,
  waitForQuietMachine,
} from "./support";
import {
  cpuMsPerSecond,
  measureFleet,
  percentOfCorePer100Nodes,
  registerExtraClusters,
  type FleetLoad,
} from "./worker-cpu";

const SETTINGS = {
  /** The clusters' sampleIntervalSeconds (the default, 1 s). */
  intervalMs: 1000,
  /** The freshness target of the issue: a change is on screen within 2 s at a 1 s interval. */
  freshnessGoalMs: 2000,
  pauseTrials: 20,
  /** The same trials again while the large fleet samples every cluster: does freshness hold? */
  loadedPauseTrials: 10,
  lagTrials: 5,
  /** Rows of ~256 bytes per lag trial: about 20 MiB of WAL. */
  lagRows: 60_000,
  serverTimeWindowMs: 20_000,
  fleetWarmupMs: 5_000,
  fleetWindowMs: 30_000,
  /** 33 copies of the 3-node sandbox cluster + the bench's own = 34 clusters, 102 nodes. */
  extraClusters: 33,
  backups: {
    /** pgbench scale 70: about 1.05 GB (pg_database_size); the issue asks for at least 1 GB. */
    scale: 70,
    /** Walden/raw pairs, alternated, for physical lz4 and logical custom (the defaults). */
    pairs: 5,
    physicalCompressions: ["none", "gzip", "lz4", "zstd"],
    /** pg_dump 15 compresses with gzip only; 16+ would add lz4 and zstd. */
    logicalCompressions: ["none", "gzip"],
    /** The issue's goal for Walden's wall time over the raw tool's. */
    goalRatio: 1.05,
  },
  pitr: {
    /** The backups' pgbench database (scale 70, 1.1-1.3 GB as updates accumulate), shared with that part. */
    scale: 70,
    /** 10 % of pgbench_accounts updated after the backup, then vacuum: about 310 MiB of WAL to replay. */
    updateRows: 700_000,
    /** Walden/manual pairs with target latest, action promote (the headline figure); even, as the order alternates. */
    pairs: 6,
    /** One more pair with a time target just before the last archived commit. */
    timePairs: 1,
    /** The issue's goal for Walden's restore time over the manual procedure's. */
    goalRatio: 1.1,
  },
  api: {
    /** Registered copies of the sandbox cluster: with the bench's own, 100 clusters. */
    clusters: 99,
    overviewRequests: 100,
    lagRequests: 30,
    reportRequests: 3,
  },
  load: {
    /** The web app's port (next start, 127.0.0.1). */
    port: 3300,
    clusters: 99,
    /** Requests per second, fixed, over all connections: the main endpoints, then /health alone. */
    rate: 20,
    /** One request per second per connection: a slow answer delays no other request. */
    connections: 20,
    durationSeconds: 60,
    baselineSeconds: 30,
  },
  /** Wall times mean little on a busy machine: wait (a while) for the 1-minute load to drop. */
  loadLimit: 1.5,
  loadMaxWaitMs: 120_000,
} as const;

/**
 * The parts, in the order they run. Each measures, prints its own tables and returns its rows of
 * the final summary (columns SUMMARY_HEADER); adding a part is one line here.
 */
const PART_RUNNERS: Record<string, (bench: Bench) => Promise<string[][]>> = {
  replication: async (bench) => replicationSummaryRows(await replication(bench)),
  // After replication has stopped its in-process sampler, so that fleet's workers own everything.
  fleet: (bench) => runFleetScale(bench, progress),
  backups: async (bench) => backupSummaryRows(await backups(bench)),
  pitr: async (bench) => pitrSummaryRows(await pitr(bench)),
  api: async (bench) => apiSummaryRows(await api(bench)),
  load: async (bench) => loadSummaryRows(await load(bench)),
};
const PARTS = Object.keys(PART_RUNNERS);

/** --only=replication | --only=backups,pitr | ... (comma-separated); default: all. */
function parseParts(args: string[]): Set<string> {
  const parts = new Set<string>(PARTS);
  for (const arg of args) {
    const only = /^--only=(.+)$/.exec(arg);
    const chosen = only?.[1]?.split(",");
    if (!chosen?.every((part) => PARTS.includes(part))) {
      console.error(`[bench] unknown argument ${arg}; usage: npm run bench [-- --only=${PARTS.join("|")}]`);
      process.exit(2);
    }
    parts.clear();
    chosen.forEach((part) => parts.add(part));
  }
  return parts;
}

const parts = parseParts(process.argv.slice(2));

const startedAt = Date.now();
const progress = (line: string) =>
  console.log(`[bench +${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)} s] ${line}`);

// Sampler log lines (state changes, failures) are kept, not printed: the trials cause dozens.
const samplerLog: string[] = [];
const collect = (line: string) => samplerLog.push(line);

// ---------------------------------------------------------------------------------------------
// Cleanup: whatever the bench started is undone in reverse order, on success, failure or Ctrl-C.
// ---------------------------------------------------------------------------------------------

const cleanups: (() => Promise<unknown>)[] = [];
let stopping: Promise<void> | undefined;
/** Set on Ctrl-C / SIGTERM: the measurement then fails as its servers go away, which is no news. */
let interrupted = false;

function cleanUp(): Promise<void> {
  stopping ??= (async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error) => console.error("[bench] while stopping:", error));
    }
  })();
  return stopping;
}

for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.on(signal, () => {
    interrupted = true;
    console.error(`\n[bench] ${signal}: stopping what the bench started`);
    void cleanUp().then(() => process.exit(code));
  });
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

interface ReplicationResults {
  pause: PauseTrials;
  lag: LagTrials;
  serverTime: ServerTime | null;
  small: FleetLoad;
  large: FleetLoad;
  loadedPause: PauseTrials;
}

/** What the summary says about the machine, taken once the sandbox is up. */
const machine = { description: [] as [string, string][], loadAtStart: "" };

async function main(): Promise<string[][]> {
  const sandboxOptions = { home: BENCH_HOME, basePort: BENCH_BASE_PORT };
  cleanups.push(() => stopSandbox(sandboxOptions));
  machine.loadAtStart = loadAverageText();
  progress(
    `starting the bench sandbox in ${BENCH_HOME} (127.0.0.1:${BENCH_BASE_PORT}-${BENCH_BASE_PORT + 3}); ` +
      `measuring ${[...parts].join(" and ")}`,
  );
  const bench = await startBench((line) => progress(`sandbox: ${line}`));
  cleanups.push(() => disconnectDb());
  cleanups.push(() => deleteBenchClusters(CLUSTER_PREFIX));
  machine.description = describeMachine(BENCH_HOME, bench.sandbox.binaries.binDir);
  progress(
    `PostgreSQL ${bench.sandbox.binaries.major}, Node ${process.version}, ${os.cpus().length} CPUs, ` +
      `${loadAverageText()}; cluster ${CLUSTER_PREFIX}demo registered`,
  );
  const rows: string[][] = [];
  for (const part of PARTS) {
    if (parts.has(part)) rows.push(...(await PART_RUNNERS[part]!(bench)));
  }
  return rows;
}

async function replication(bench: Bench): Promise<ReplicationResults> {
  const hasStatements = await ensurePgStatStatements(bench);
  const fleet = new SamplerFleet(bench.databaseUrl, "walden-bench", collect);
  fleet.start();
  cleanups.push(() => fleet.stop());
  await waitForSnapshot(
    bench.clusterId,
    "both standbys streaming",
    (view) => ["standby1", "standby2"].every((name) => standbyOf(view, name)?.state === "streaming"),
    { timeoutMs: 30_000 },
  );

  heading("1. change → API latency (standby1 replay paused; snapshot polled every 20 ms)");
  const pause = await measurePauseLatency(bench, SETTINGS.pauseTrials, SETTINGS.intervalMs, progress);
  printPause(pause);
  const lag = await measureLagLatency(
    bench,
    SETTINGS.lagTrials,
    SETTINGS.lagRows,
    SETTINGS.intervalMs,
    progress,
  );
  printLag(lag);

  heading(
    `2. server time per sample on the monitored primary (${SETTINGS.serverTimeWindowMs / 1000} s window)`,
  );
  let serverTime: ServerTime | null = null;
  if (hasStatements) {
    serverTime = await measureServerTime(bench, SETTINGS.serverTimeWindowMs);
    printServerTime(serverTime);
  } else {
    console.log("skipped: pg_stat_statements is not installed (apt-get install postgresql-contrib)");
  }
  await fleet.stop();

  heading(
    `3. worker CPU (fresh fleet; ${SETTINGS.fleetWarmupMs / 1000} s warm-up, ${SETTINGS.fleetWindowMs / 1000} s window)`,
  );
  const fleetOpts = { warmupMs: SETTINGS.fleetWarmupMs, windowMs: SETTINGS.fleetWindowMs, log: collect };
  progress("fleet with the bench cluster only");
  const small = await measureFleet(bench, { ...fleetOpts, ownerId: "walden-bench-small" });
  progress(`registering ${SETTINGS.extraClusters} more copies of the sandbox cluster`);
  const removeExtra = await registerExtraClusters(bench, SETTINGS.extraClusters);
  cleanups.push(removeExtra);
  progress("fleet with every cluster");
  let loadedPause: PauseTrials | undefined;
  const large = await measureFleet(bench, { ...fleetOpts, ownerId: "walden-bench-large" }, async () => {
    progress(`${SETTINGS.loadedPauseTrials} pause trials while this fleet samples every cluster`);
    loadedPause = await measurePauseLatency(bench, SETTINGS.loadedPauseTrials, SETTINGS.intervalMs, progress);
  });
  progress(`removed ${await removeExtra()} extra clusters`);
  printFleets(small, large, loadedPause!);

  return { pause, lag, serverTime, small, large, loadedPause: loadedPause! };
}

async function backups(bench: Bench): Promise<BackupResults> {
  const plan = SETTINGS.backups;
  heading(`4. backups: Walden vs the raw tool, same argv, alternated (pgbench scale ${plan.scale})`);
  await removeBackupLeftovers();
  cleanups.push(() => removeBackupLeftovers());
  const data = await ensurePgbenchData(bench, plan.scale, progress);
  await settle(bench, progress);
  const loadAtStart = await quietMachine("backup");
  const results = await measureBackups(bench, data, plan, progress);
  progress(`${loadAverage()} at the end of the backup runs`);
  printBackups(results, loadAtStart);
  return results;
}

/** Waits for the machine to quieten (up to a limit) and returns the load average it starts with. */
async function quietMachine(what: string): Promise<string> {
  const load = await waitForQuietMachine(SETTINGS.loadLimit, SETTINGS.loadMaxWaitMs, progress);
  const loadAtStart = loadAverage();
  progress(
    `${loadAtStart} at the start of the ${what} runs` +
      (load.waitedMs > 1000
        ? ` (waited ${fmt(load.waitedMs / 1000, 0)} s for it to fall from ${fmt(load.before, 2)}; ` +
          `limit ${fmt(SETTINGS.loadLimit, 1)}${load.after > SETTINGS.loadLimit ? ", NOT reached: figures are noisy" : ""})`
        : ""),
  );
  return loadAtStart;
}

async function pitr(bench: Bench): Promise<PitrResults> {
  const plan = SETTINGS.pitr;
  heading(`6. point-in-time restore: Walden vs the manual procedure (pgbench scale ${plan.scale})`);
  await removePitrLeftovers();
  cleanups.push(() => removePitrLeftovers());
  await removeBackupLeftovers();
  cleanups.push(() => removeBackupLeftovers());
  const data = await ensurePgbenchData(bench, plan.scale, progress);
  await settle(bench, progress);
  let loadAtStart = "";
  const results = await measurePitr(bench, data, plan, progress, async () => {
    loadAtStart = await quietMachine("restore");
  });
  progress(`${loadAverage()} at the end of the restore runs`);
  printPitr(results, loadAtStart);
  return results;
}

async function api(bench: Bench) {
  // The load part, if it runs next, reuses the api part's 99 registered and seeded clusters.
  const results = await measureApi(bench, SETTINGS.api, progress, cleanups, { keepFleet: parts.has("load") });
  printApi(results);
  return results;
}

async function load(bench: Bench) {
  const results = await measureLoad(bench, SETTINGS.load, progress, cleanups);
  printLoad(results);
  return results;
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const ms = (value: number) => fmt(value, 0);
const MiB = 2 ** 20;
const loadAverage = loadAverageText;

function latencyRows(label: string, values: number[]): string[] {
  const s = summarize(values);
  return [label, String(s.n), ms(s.p50), ms(s.p95), ms(s.max), ms(s.mean)];
}

function printPause(pause: PauseTrials): void {
  console.log();
  console.log(
    table(
      ["ms from pg_wal_replay_pause()", "n", "p50", "p95", "max", "mean"],
      [
        latencyRows("walden: snapshot state = paused", pause.walden),
        latencyRows("direct: pg_is_wal_replay_paused()", pause.direct),
        latencyRows("walden: tick start → snapshot visible", pause.tickToVisible),
        // Resumed right after the sample that showed "paused": about one interval by construction.
        latencyRows("walden: resume → streaming (phase-locked)", pause.resume),
      ],
    ),
  );
  const p95 = summarize(pause.walden).p95;
  console.log(
    `\nwalden p95 / sampling interval = ${fmt(p95 / SETTINGS.intervalMs, 2)} ` +
      `(p95 ${ms(p95)} ms at a ${SETTINGS.intervalMs} ms interval; freshness goal ≤ ${SETTINGS.freshnessGoalMs} ms: ` +
      `${p95 <= SETTINGS.freshnessGoalMs ? "met" : "NOT met"} in this run)\n`,
  );
}

function printLag(lag: LagTrials): void {
  console.log();
  console.log(
    table(
      ["ms from the start of a ~20 MiB write", "n", "p50", "p95", "max", "mean"],
      [
        latencyRows("walden: standby1 lagBytes.replay > 5 MiB", lag.walden),
        latencyRows("direct: pg_stat_replication > 5 MiB", lag.direct),
        latencyRows("walden: start of the tick that saw it", lag.tickStart),
        latencyRows("the INSERT itself", lag.writeMs),
      ],
    ),
  );
  console.log(
    `WAL written per trial: ${lag.walBytes.map((bytes) => `${fmt(bytes / MiB, 1)} MiB`).join(", ")}`,
  );
}

function printServerTime(result: ServerTime): void {
  const perSample = result.walden.totalMs / result.ticks;
  const perBaseline = result.baseline.totalMs / result.baseline.calls;
  const seconds = result.windowMs / 1000;
  console.log(
    table(
      ["on the primary (exec + plan time)", "calls", "total ms", "per tick/call ms", "% of a core"],
      [
        [
          `walden: /* walden */ statements, ${result.ticks} ticks`,
          String(result.walden.calls),
          fmt(result.walden.totalMs, 2),
          fmt(perSample, 3),
          fmt(result.walden.totalMs / seconds / 10, 3),
        ],
        [
          "baseline: one `select 1` per second",
          String(result.baseline.calls),
          fmt(result.baseline.totalMs, 2),
          fmt(perBaseline, 3),
          fmt(result.baseline.totalMs / seconds / 10, 3),
        ],
      ],
    ),
  );
  console.log(
    `\n${fmt(result.walden.calls / result.ticks, 1)} statements per tick on the primary ` +
      `(planning ${fmt((100 * result.walden.planMs) / result.walden.totalMs, 0)} % of their time); ` +
      `per sample walden / select 1 = ${ratio(perSample, perBaseline)}\n\ntop statements by total time:`,
  );
  console.log(
    table(
      ["query", "calls", "total ms", "of it planning", "mean ms"],
      result.top.map((statement) => [
        statement.query.replace(/\s+/g, " ").slice(0, 72),
        String(statement.calls),
        fmt(statement.totalMs, 2),
        fmt(statement.planMs, 2),
        fmt(statement.totalMs / statement.calls, 3),
      ]),
    ),
  );
}

function printFleets(small: FleetLoad, large: FleetLoad, loadedPause: PauseTrials): void {
  const row = (label: string, load: FleetLoad) => [
    label,
    `${load.clusters} / ${load.nodes}`,
    fmt(cpuMsPerSecond(load), 1),
    fmt(cpuMsPerSecond(load) / 10, 2),
    fmt(percentOfCorePer100Nodes(load), 2),
    fmt(load.ticks / (load.windowMs / 1000), 1),
    fmt(load.samples / (load.windowMs / 1000), 1),
    fmt(load.rssMiB, 0),
    fmt(load.heapMiB, 0),
  ];
  console.log();
  console.log(
    table(
      [
        "fleet",
        "clusters/nodes",
        "CPU ms/s",
        "% core",
        "% core/100 nodes",
        "ticks/s",
        "samples/s",
        "RSS MiB",
        "heap MiB",
      ],
      [row("bench cluster only", small), row("all clusters", large)],
    ),
  );
  const perNode = (load: FleetLoad) => cpuMsPerSecond(load) / load.nodes;
  // The small fleet's per-node figure carries the fleet's fixed cost (ownership refresh, timers)
  // on 3 nodes only; the difference between the two fleets is the cost of each added node.
  const marginal = (cpuMsPerSecond(large) - cpuMsPerSecond(small)) / (large.nodes - small.nodes);
  console.log(
    `\nCPU per node: ${fmt(perNode(large), 3)} ms/s at ${large.nodes} nodes vs ${fmt(perNode(small), 3)} ms/s at ` +
      `${small.nodes} nodes (ratio ${ratio(perNode(large), perNode(small), 2)}); each added node costs ` +
      `${fmt(marginal, 3)} ms/s = ${fmt(marginal * 10, 1)} % of a core per 100 nodes\n`,
  );
  console.log(
    table(
      [`ms (${large.nodes}-node fleet running unless noted)`, "n", "p50", "p95", "max", "mean"],
      [
        latencyRows(`interval achieved, ${small.nodes}-node fleet`, small.intervals),
        latencyRows(`interval achieved, ${large.nodes}-node fleet`, large.intervals),
        latencyRows("walden: change → state = paused", loadedPause.walden),
        latencyRows("direct: pg_is_wal_replay_paused()", loadedPause.direct),
        latencyRows("walden: tick start → snapshot visible", loadedPause.tickToVisible),
      ],
    ),
  );
}

const seconds = (msValue: number) => fmt(msValue / 1000, 2);

/** Walden/raw of each pair (a run and the one right after it), in the order they ran. */
function pairRatios(runs: PairedRuns): number[] {
  const ratios: number[] = [];
  for (let index = 0; index + 1 < runs.runs.length; index += 2) {
    ratios.push(runs.runs[index]!.ms / runs.runs[index + 1]!.ms);
  }
  return ratios;
}

function pairedRows(runs: PairedRuns): string[][] {
  const rows: string[][] = [];
  for (let index = 0; index + 1 < runs.runs.length; index += 2) {
    const walden = runs.runs[index]!;
    const raw = runs.runs[index + 1]!;
    rows.push([
      `${runs.label}, pair ${index / 2 + 1}`,
      seconds(walden.ms),
      seconds(raw.ms),
      ratio(walden.ms, raw.ms, 3),
      fmt(walden.bytes / MiB, 1),
      fmt(raw.bytes / MiB, 1),
    ]);
  }
  const of = (who: "walden" | "raw", field: "ms" | "bytes") => medianOf(runs, who, field);
  rows.push(
    [
      `${runs.label}, median`,
      seconds(of("walden", "ms")),
      seconds(of("raw", "ms")),
      ratio(of("walden", "ms"), of("raw", "ms"), 3),
      fmt(of("walden", "bytes") / MiB, 1),
      fmt(of("raw", "bytes") / MiB, 1),
    ],
    [`${runs.label}, median of the pair ratios`, "", "", `${fmt(median(pairRatios(runs)), 3)}×`, "", ""],
  );
  return rows;
}

function compressionRows(rows: CompressionRow[]): string[][] {
  const none = rows.find((row) => row.compression === "none");
  return rows.map((row) => [
    row.compression,
    String(row.n),
    fmt(row.bytes / MiB, 1),
    seconds(row.ms),
    none ? ratio(row.bytes, none.bytes, 3) : "—",
    none ? ratio(row.ms, none.ms, 2) : "—",
  ]);
}

/** Walden − raw split into what the side measurements on the raw copies account for. */
function overheadRows(runs: PairedRuns): string[] {
  const raw = runs.runs.filter((run) => run.who === "raw");
  const extra = medianOf(runs, "walden", "ms") - medianOf(runs, "raw", "ms");
  const hash = median(raw.flatMap((run) => (run.hashMs === undefined ? [] : [run.hashMs])));
  const archived = raw.flatMap((run) => (run.archivedAfterMs === undefined ? [] : [run.archivedAfterMs]));
  const archive = archived.length ? median(archived) : 0;
  return [
    runs.label,
    seconds(extra),
    seconds(hash),
    archived.length ? seconds(archive) : "—",
    seconds(extra - hash - archive),
  ];
}

function printBackups(results: BackupResults, loadAtStart: string): void {
  const { data, physical, logical } = results;
  console.log(
    `\ndatabase ${data.database}: pgbench scale ${data.scale}, pg_database_size ` +
      `${fmt(data.sizeBytes / 1e9, 2)} GB (${fmt(data.sizeBytes / MiB, 0)} MiB); ` +
      (data.initMs === null
        ? "reused from an earlier run (not re-initialised)"
        : `initialised in this run (pgbench -i ${seconds(data.initMs)} s)`) +
      `; ${loadAtStart} when the runs began\n`,
  );
  console.log(
    table(
      ["wall time (s), walden then raw", "walden s", "raw s", "walden/raw", "walden MiB", "raw MiB"],
      [...pairedRows(physical), ...pairedRows(logical)],
    ),
  );
  console.log(
    [
      "",
      "Walden's time is runBackup() from the call to its return, on a queued catalog row; raw is the",
      "same program with the same argv (lib/tools/argv.ts), passfile and runTool, into a fresh folder",
      "on the same disk, and nothing else. What Walden does in addition:",
      "  both:     claim the row, read the cluster (catalog) and the server version (primary), a",
      "            heartbeat every 5 s, size the folder, SHA-256 of every file it wrote into SHA256SUMS,",
      "            walden.json, rename .partial-<id> into the repository, the final catalog update",
      "  physical: hash base.tar* while pg_basebackup writes it (SHA256SUMS then reads only pg_wal.tar",
      "            and backup_manifest), parse backup_manifest, name the start/stop WAL segments on the",
      "            primary, wait until the stop segment is in the WAL archive (polled every 20 ms;",
      "            pg_switch_wal after 1 s); --manifest-checksums=SHA256 (the server's checksum of every",
      "            file inside the tars) is in the argv, so both runs pay for it",
      "  logical:  pg_dumpall --globals-only, pg_restore --list of the dump (is it readable?)",
      "Walden's size is counted before SHA256SUMS and walden.json; for logical it includes globals.sql.",
      "",
      "Where the difference goes (medians; the SHA256SUMS and archive columns are measured on the raw",
      "copies after their timed run: Walden's own writeChecksums of the files it hashes after the",
      "program exits, and a 10 ms poll of the archive):",
      "",
    ].join("\n"),
  );
  console.log(
    table(
      ["seconds", "walden − raw", "SHA256SUMS", "stop WAL archived", "the rest"],
      [overheadRows(physical), overheadRows(logical)],
    ),
  );

  heading("5. backups: size and wall time per compression (Walden runs)");
  console.log(
    table(
      ["physical (tar, WAL streamed)", "n", "MiB", "wall s", "size vs none", "time vs none"],
      compressionRows(results.physicalCompression),
    ),
  );
  console.log();
  console.log(
    table(
      ["logical (custom format)", "n", "MiB", "wall s", "size vs none", "time vs none"],
      compressionRows(results.logicalCompression),
    ),
  );
  console.log(
    "\nn > 1: the median of the paired runs above; n = 1: a single run (a rough figure). " +
      "PostgreSQL ≥ 15 compresses physical backups on the server; pg_dump 15 knows gzip only.",
  );
}

/** Walden/manual of each pair (stored Walden first, whichever ran first). */
function pitrPairRatios(runs: PitrRun[], field: "ms" | "replayDoneMs"): number[] {
  const ratios: number[] = [];
  for (let index = 0; index + 1 < runs.length; index += 2) {
    ratios.push(runs[index]![field] / runs[index + 1]!.ms);
  }
  return ratios;
}

function pitrRows(label: string, runs: PitrRun[]): string[][] {
  const rows: string[][] = [];
  const row = (name: string, walden: number, replayDone: number, manual: number) => [
    name,
    seconds(walden),
    seconds(manual),
    ratio(walden, manual, 3),
    seconds(replayDone),
    ratio(replayDone, manual, 3),
  ];
  for (let index = 0; index + 1 < runs.length; index += 2) {
    const walden = runs[index]!;
    const manual = runs[index + 1]!;
    const order = manual.ranFirst ? "manual first" : "walden first";
    rows.push(row(`${label}, pair ${index / 2 + 1} (${order})`, walden.ms, walden.replayDoneMs, manual.ms));
  }
  if (runs.length > 2) {
    rows.push(
      row(
        `${label}, median`,
        medianMs(runs, "walden", "ms"),
        medianMs(runs, "walden", "replayDoneMs"),
        medianMs(runs, "manual", "ms"),
      ),
      [
        `${label}, median of the pair ratios`,
        "",
        "",
        `${fmt(median(pitrPairRatios(runs, "ms")), 3)}×`,
        "",
        `${fmt(median(pitrPairRatios(runs, "replayDoneMs")), 3)}×`,
      ],
    );
  }
  return rows;
}

function printPitr(results: PitrResults, loadAtStart: string): void {
  const { data, backup, wal, latest, time } = results;
  const goal = SETTINGS.pitr.goalRatio;
  console.log(
    `\ndatabase ${data.database}: pgbench scale ${data.scale}, pg_database_size ` +
      `${fmt(data.sizeBytes / 1e9, 2)} GB` +
      (data.initMs === null
        ? " (reused from an earlier run)"
        : ` (pgbench -i in this run: ${seconds(data.initMs)} s)`) +
      `; one physical backup by Walden (${backup.compression}, WAL streamed): ${fmt(backup.sizeBytes / MiB, 0)} MiB ` +
      `in ${seconds(backup.ms)} s; then ${fmt(wal.bytes / MiB, 0)} MiB of WAL (update of ${wal.updateRows.toLocaleString("en-US")} ` +
      `pgbench_accounts rows and vacuum analyze, ${wal.fromWal} → ${wal.toWal}, archived) replayed by every run; ` +
      `newest archived segment ${results.archiveEnd.before} before the runs, ${results.archiveEnd.after} after` +
      (results.archiveEnd.before === results.archiveEnd.after
        ? " (the same WAL for every run)"
        : " (WAL was ARCHIVED DURING THE RUNS: later runs replayed more)") +
      `; ${loadAtStart} when the runs began\n`,
  );
  console.log(
    table(
      [
        "wall time (s)",
        "walden s",
        "manual s",
        "walden/manual",
        "walden to replay done s",
        "replay done/manual",
      ],
      [
        ...pitrRows("latest, promote", latest),
        ...pitrRows(`time ${results.timeTarget ?? ""}, promote`, time),
      ],
    ),
  );
  const verified = latest.find((run) => run.verified)?.verified;
  console.log(
    [
      "",
      "Walden's time is runRestore() from the call to its return, on a queued restore row planned with",
      "planPitrRestore (as POST /restores does); it includes its plan step (the planner again, on a fresh",
      "scan of the archive), catalog writes of every step, the follow loop (server log and, once",
      "consistent, pg_is_in_recovery() every 500 ms) and its verification: for each database the row",
      `count of every table (count(*), or pg_class.reltuples above 5 M rows) — here ${verified?.databases ?? "?"} databases,`,
      `${verified?.tables ?? "?"} tables, ${verified?.counted ?? "?"} counted and ${verified?.estimated ?? "?"} estimated. "To replay done" is the end of its replay step`,
      "(promotion seen), from the steps' timestamps: the comparison without verification.",
      "The manual procedure, timed from mkdir to promoted: mkdir (0700) and chown to the server user,",
      "tar -x of base and pg_wal (the same untar, same decompression), the same recovery settings",
      "(recoverySettings + renderSettings, its own port and socket folder), pg_hba.conf, recovery.signal,",
      `chown -R, pg_ctl start -W, then pg_is_in_recovery() over the socket every ${MANUAL_POLL_MS} ms until false.`,
      "",
      "The order alternates: Walden first in odd pairs, manual first in even ones; `sync` (untimed)",
      "before every run, so that none pays for the writes of the one before.",
      "",
      "Where the time goes (medians over the latest-target runs, seconds):",
      "",
    ].join("\n"),
  );
  const waldenSteps = medianSteps(latest, "walden");
  const manualSteps = medianSteps(latest, "manual");
  console.log(
    table(
      ["step", "walden s", "manual s", "walden − manual"],
      waldenSteps.map(({ name, ms: waldenMs }) => {
        const manualMs = manualSteps.find((step) => step.name === name)?.ms;
        return [
          name,
          seconds(waldenMs),
          manualMs === undefined ? "—" : seconds(manualMs),
          seconds(waldenMs - (manualMs ?? 0)),
        ];
      }),
    ),
  );
  const fromLog = (who: PitrRun["who"], field: "serverReadyMs" | "seenAfterReadyMs") => {
    const values = latest
      .filter((run) => run.who === who)
      .flatMap((run) => (run[field] === null ? [] : [run[field]]));
    return values.length ? median(values) : NaN;
  };
  console.log(
    `\nfrom the servers' logs ("database system is ready to accept connections", promotion done; ` +
      `pg_is_in_recovery() turns false a moment before): at ` +
      `${seconds(fromLog("walden", "serverReadyMs"))} s in Walden's runs, ${seconds(fromLog("manual", "serverReadyMs"))} s in the ` +
      `manual ones; seen ${ms(fromLog("walden", "seenAfterReadyMs"))} ms later by Walden's follow loop, ` +
      `${ms(fromLog("manual", "seenAfterReadyMs"))} ms later by the manual poll (medians)`,
  );
  // Tar and PostgreSQL's own recovery are the same work on both sides: on a busy machine they
  // carry most of the noise. What is left of each run is what the runner itself adds.
  const split = (run: PitrRun) => {
    const extract = run.steps.find((step) => step.name === "extract")?.ms ?? NaN;
    const server = run.serverReadyMs === null ? NaN : run.serverReadyMs - run.pgCtlAtMs;
    const verify = run.steps.find((step) => step.name === "verify")?.ms ?? 0;
    return {
      extract,
      server,
      rest: run.ms - extract - server,
      restNoVerify: run.replayDoneMs - extract - server,
      beforePgCtl: run.pgCtlAtMs - extract,
      seen: run.seenAfterReadyMs ?? NaN,
      verify,
      afterVerify: run.ms - run.replayDoneMs - verify,
    };
  };
  type Share = keyof ReturnType<typeof split>;
  const of = (who: PitrRun["who"], part: Share) =>
    median(latest.filter((run) => run.who === who).map((run) => split(run)[part]));
  const partRow = (label: string, part: Share) => [
    label,
    seconds(of("walden", part)),
    seconds(of("manual", part)),
    seconds(of("walden", part) - of("manual", part)),
  ];
  console.log();
  console.log(
    table(
      ["medians, seconds", "walden", "manual", "walden − manual"],
      [
        partRow("same work: tar -x (extract)", "extract"),
        partRow("same work: PostgreSQL, pg_ctl start → promoted (its log)", "server"),
        partRow("the rest (total − both above)", "rest"),
        partRow("  of it: before pg_ctl start, without tar", "beforePgCtl"),
        partRow("  of it: promoted (log) → seen by the runner", "seen"),
        partRow("  of it: verify", "verify"),
        partRow("  of it: after verify (ready, final catalog write)", "afterVerify"),
        partRow("the rest without verification (to replay done)", "restNoVerify"),
      ],
    ),
  );
  const manualMedian = medianMs(latest, "manual", "ms");
  const overhead = of("walden", "rest") - of("manual", "rest");
  const overheadNoVerify = of("walden", "restNoVerify") - of("manual", "rest");
  console.log(
    `\nWalden's own overhead (median rest − manual median rest): ${ms(overhead)} ms, ` +
      `${ms(overheadNoVerify)} ms without verification; over the manual median ${seconds(manualMedian)} s that is ` +
      `${ratio(manualMedian + overhead, manualMedian, 3)} (${ratio(manualMedian + overheadNoVerify, manualMedian, 3)} without verification) ` +
      `with tar and PostgreSQL taking the same time on both sides; the ${fmt(goal, 2)} goal holds for restores whose ` +
      `manual time is ${seconds(overhead / (goal - 1))} s or more.`,
  );
  const total = medianMs(latest, "walden", "ms") / medianMs(latest, "manual", "ms");
  const replayDone = medianMs(latest, "walden", "replayDoneMs") / medianMs(latest, "manual", "ms");
  console.log(
    `\npitr ratio ${fmt(total, 3)} (Walden total / manual, medians; goal ≤ ${fmt(goal, 2)}: ${total <= goal ? "met" : "NOT met"})\n` +
      `pitr ratio without verification ${fmt(replayDone, 3)} (Walden to replay done / manual; goal ≤ ${fmt(goal, 2)}: ` +
      `${replayDone <= goal ? "met" : "NOT met"})\n` +
      `Walden's restores used WALDEN_RESTORE_PORTS=${BENCH_RESTORE_PORTS}; the manual ones a port from 27600.`,
  );
}

function pitrSummaryRows(results: PitrResults): string[][] {
  const goal = SETTINGS.pitr.goalRatio;
  const runs = results.latest;
  const manual = medianMs(runs, "manual", "ms");
  const row = (label: string, walden: number, pairRatios: number[]) => [
    label,
    seconds(walden),
    seconds(manual),
    ratio(walden, manual, 3),
    `manual procedure (pair ratios' median ${fmt(median(pairRatios), 3)}×); ` +
      `goal ≤ ${fmt(goal, 2)}: ${walden / manual <= goal ? "met" : "NOT met"}`,
  ];
  return [
    row(
      `pitr ratio (target latest, median s, n=${runs.length / 2} each)`,
      medianMs(runs, "walden", "ms"),
      pitrPairRatios(runs, "ms"),
    ),
    row(
      "pitr ratio without verification (to replay done, median s)",
      medianMs(runs, "walden", "replayDoneMs"),
      pitrPairRatios(runs, "replayDoneMs"),
    ),
  ];
}

function backupSummaryRows(results: BackupResults): string[][] {
  const goal = SETTINGS.backups.goalRatio;
  const row = (runs: PairedRuns, baseline: string) => {
    const walden = medianOf(runs, "walden", "ms");
    const raw = medianOf(runs, "raw", "ms");
    return [
      `${runs.label.split(" ")[0]} backup ratio (${runs.label}, median s, n=${runs.runs.length / 2} each)`,
      seconds(walden),
      seconds(raw),
      ratio(walden, raw, 3),
      `${baseline} (pair ratios' median ${fmt(median(pairRatios(runs)), 3)}×); ` +
        `goal ≤ ${fmt(goal, 2)}: ${walden / raw <= goal ? "met" : "NOT met"}`,
    ];
  };
  return [row(results.physical, "raw pg_basebackup"), row(results.logical, "raw pg_dump")];
}

function replicationSummaryRows(results: ReplicationResults): string[][] {
  const { pause, lag, serverTime, small, large, loadedPause } = results;
  const waldenLoaded = summarize(loadedPause.walden);
  const directLoaded = summarize(loadedPause.direct);
  const waldenPause = summarize(pause.walden);
  const directPause = summarize(pause.direct);
  const waldenLag = summarize(lag.walden);
  const directLag = summarize(lag.direct);
  const rows: string[][] = [
    [
      "sample-to-API freshness p50 ratio (ms)",
      ms(waldenPause.p50),
      ms(directPause.p50),
      ratio(waldenPause.p50, directPause.p50),
      "direct query",
    ],
    [
      "sample-to-API freshness p95 ratio (ms)",
      ms(waldenPause.p95),
      ms(directPause.p95),
      ratio(waldenPause.p95, directPause.p95),
      "direct query",
    ],
    [
      "sample-to-API freshness max ratio (ms)",
      ms(waldenPause.max),
      ms(directPause.max),
      ratio(waldenPause.max, directPause.max),
      "direct query",
    ],
    [
      "sample-to-API freshness p95 / sampling interval",
      fmt(waldenPause.p95 / SETTINGS.intervalMs, 2),
      "—",
      "—",
      `goal ≤ ${fmt(SETTINGS.freshnessGoalMs / SETTINGS.intervalMs, 0)}`,
    ],
    [
      `sample-to-API freshness p95 at ${large.nodes} nodes ratio (ms, n=${loadedPause.walden.length})`,
      ms(waldenLoaded.p95),
      ms(directLoaded.p95),
      ratio(waldenLoaded.p95, directLoaded.p95),
      "direct query",
    ],
    [
      `lag > 5 MiB visible p50 ratio (ms, n=${lag.walden.length})`,
      ms(waldenLag.p50),
      ms(directLag.p50),
      ratio(waldenLag.p50, directLag.p50),
      "direct query",
    ],
  ];
  if (serverTime) {
    const perSample = serverTime.walden.totalMs / serverTime.ticks;
    const perCall = serverTime.baseline.totalMs / serverTime.baseline.calls;
    rows.push([
      "server time per sample ratio (primary, ms)",
      fmt(perSample, 3),
      fmt(perCall, 3),
      ratio(perSample, perCall),
      "select 1",
    ]);
  }
  rows.push(
    [
      "worker CPU per 100 nodes (% of a core)",
      fmt(percentOfCorePer100Nodes(large), 2),
      fmt(percentOfCorePer100Nodes(small), 2),
      ratio(percentOfCorePer100Nodes(large), percentOfCorePer100Nodes(small), 2),
      `${large.nodes} vs ${small.nodes} nodes`,
    ],
    [
      "catalog writes (samples/s)",
      fmt(large.samples / (large.windowMs / 1000), 1),
      fmt(small.samples / (small.windowMs / 1000), 1),
      ratio(large.samples, small.samples),
      `${large.nodes} vs ${small.nodes} nodes`,
    ],
    [
      "interval achieved p95 (ms)",
      ms(summarize(large.intervals).p95),
      ms(summarize(small.intervals).p95),
      ratio(summarize(large.intervals).p95, summarize(small.intervals).p95, 2),
      `${large.nodes} vs ${small.nodes} nodes`,
    ],
    [
      "worker RSS (MiB)",
      fmt(large.rssMiB, 0),
      fmt(small.rssMiB, 0),
      ratio(large.rssMiB, small.rssMiB, 2),
      `${large.nodes} vs ${small.nodes} nodes`,
    ],
  );
  return rows;
}

function printSummary(rows: string[][]): string[] {
  heading("summary");
  const named = namedSummaryRows(rows);
  console.log(table(SUMMARY_HEADER, named));
  const lines = ratioLines(named);
  console.log(`\n${lines.join("\n")}`);
  if (parts.has("replication")) {
    const failures = samplerLog.filter((line) => line.includes("failed") || line.includes("lost"));
    console.log(
      `\nsampler log: ${samplerLog.length} lines, ${failures.length} failures` +
        (failures.length ? `; first: ${failures.slice(0, 3).join(" | ")}` : ""),
    );
  }
  // Everything here shares the machine with whatever else runs on it: say how busy it was.
  console.log(`total bench time ${fmt((Date.now() - startedAt) / 1000, 0)} s; ${loadAverage()} at the end`);
  return lines;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** docs/benchmarks.md for a run of every part; a partial run goes to the bench home, not over it. */
function writeSummary(rows: string[][], lines: string[]): void {
  const complete = PARTS.every((part) => parts.has(part));
  const file = complete
    ? path.join(repoRoot, "docs", "benchmarks.md")
    : path.join(BENCH_HOME, "benchmarks-partial.md");
  const command = complete ? "npm run bench" : `npm run bench -- --only=${[...parts].join(",")}`;
  const text = [
    complete ? "# Benchmarks" : "# Benchmarks (partial run)",
    "",
    `Measured on ${new Date(startedAt).toISOString().slice(0, 16).replace("T", " ")} UTC by \`${command}\` ` +
      `(parts: ${[...parts].join(", ")}; ${fmt((Date.now() - startedAt) / 60_000, 1)} minutes). ` +
      "Written by bench/run.ts: run it again to replace this file.",
    "",
    "## Machine",
    "",
    markdownTable(
      ["", ""],
      [...machine.description, ["load", `${machine.loadAtStart} at the start, ${loadAverage()} at the end`]],
    ),
    "",
    "## Summary",
    "",
    markdownTable(SUMMARY_HEADER, namedSummaryRows(rows), [1, 2, 3]),
    "",
    "```",
    ...lines,
    "```",
    "",
    "## How to read it",
    "",
    "Every row puts a Walden figure next to a baseline measured in the same run, on the same machine,",
    "alternated with it where the two can run in turn: the raw PostgreSQL program with the same",
    "arguments, the manual procedure, a direct query, or the same endpoint with 1 cluster or over a",
    "shorter window. The ratio (Walden / baseline) is the verdict; the absolute times say how fast this",
    "machine was and are there for context only (a slower machine gives slower figures, not a failure).",
    "A ratio near 1.00 means Walden adds next to nothing to the work itself; for the scaling rows (100 vs",
    "1 clusters) a ratio far below 100 means the cost does not grow with the fleet. The console output",
    "of the same command has the per-part tables behind each row (pairs, percentiles, where the time goes).",
    "The load averages above say how busy the machine was: well above its number of CPUs, other work",
    "competed with the bench and the figures (ratios included) are noisy.",
    "",
  ].join("\n");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(
    complete
      ? `\nwrote ${path.relative(repoRoot, file)}`
      : `\npartial run: the summary is in ${file} (docs/benchmarks.md is written by a run of every part)`,
  );
}

main().then(
  async (rows) => {
    await cleanUp();
    writeSummary(rows, printSummary(rows));
    process.exit(0);
  },
  async (error: unknown) => {
    if (interrupted) return; // the signal handler is cleaning up and will exit
    console.error("\n[bench] failed:", error instanceof Error ? (error.stack ?? error.message) : error);
    if (String(error).includes("is taken by another program")) {
      console.error(
        "[bench] another sandbox uses these ports: choose others with WALDEN_BENCH_PG_PORT " +
          "and a matching WALDEN_BENCH_HOME (a home remembers its ports)",
      );
    }
    await cleanUp();
    process.exit(1);
  },
);
