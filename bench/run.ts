// npm run bench — how fresh and how cheap Walden's live replication monitoring is, measured on
// the bench's own sandbox (.walden-bench, ports 55520-55523; WALDEN_BENCH_HOME and
// WALDEN_BENCH_PG_PORT move it). Every Walden figure is printed next to a baseline measured in
// the same run on the same machine; nothing is asserted on time (a slow machine gives slow
// figures, not a failure). Exit status: 0 unless something broke. About 3 minutes:
//   1. change → API latency (latency.ts)       2. primary server time per sample (server-time.ts)
//   3. worker CPU per node, 3 vs 102 nodes, and freshness under that load (worker-cpu.ts)
import os from "node:os";
import { disconnectDb } from "@/lib/db";
import { SamplerFleet } from "@/lib/jobs/sampler";
import { stopSandbox } from "@/lib/sandbox";
import { measureLagLatency, measurePauseLatency, type LagTrials, type PauseTrials } from "./latency";
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
} from "./setup";
import { fmt, heading, ratio, summarize, table } from "./support";
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
};

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

interface Results {
  pause: PauseTrials;
  lag: LagTrials;
  serverTime: ServerTime | null;
  small: FleetLoad;
  large: FleetLoad;
  loadedPause: PauseTrials;
}

async function main(): Promise<Results> {
  const sandboxOptions = { home: BENCH_HOME, basePort: BENCH_BASE_PORT };
  cleanups.push(() => stopSandbox(sandboxOptions));
  progress(
    `starting the bench sandbox in ${BENCH_HOME} (127.0.0.1:${BENCH_BASE_PORT}-${BENCH_BASE_PORT + 3})`,
  );
  const bench = await startBench((line) => progress(`sandbox: ${line}`));
  cleanups.push(() => disconnectDb());
  cleanups.push(() => deleteBenchClusters(CLUSTER_PREFIX));
  const hasStatements = await ensurePgStatStatements(bench);
  progress(
    `PostgreSQL ${bench.sandbox.binaries.major}, Node ${process.version}, ${os.cpus().length} CPUs, ` +
      `${loadAverage()}; cluster ${CLUSTER_PREFIX}demo registered`,
  );

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

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const ms = (value: number) => fmt(value, 0);
const loadAverage = () =>
  `load average ${os
    .loadavg()
    .map((load) => fmt(load, 2))
    .join(" ")}`;

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
  const MiB = 2 ** 20;
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

function printSummary(results: Results): void {
  const { pause, lag, serverTime, small, large, loadedPause } = results;
  const waldenLoaded = summarize(loadedPause.walden);
  const directLoaded = summarize(loadedPause.direct);
  const waldenPause = summarize(pause.walden);
  const directPause = summarize(pause.direct);
  const waldenLag = summarize(lag.walden);
  const directLag = summarize(lag.direct);
  const rows: string[][] = [
    [
      "change→API p50 (ms)",
      ms(waldenPause.p50),
      ms(directPause.p50),
      ratio(waldenPause.p50, directPause.p50),
      "direct query",
    ],
    [
      "change→API p95 (ms)",
      ms(waldenPause.p95),
      ms(directPause.p95),
      ratio(waldenPause.p95, directPause.p95),
      "direct query",
    ],
    [
      "change→API max (ms)",
      ms(waldenPause.max),
      ms(directPause.max),
      ratio(waldenPause.max, directPause.max),
      "direct query",
    ],
    [
      "change→API p95 / sampling interval",
      fmt(waldenPause.p95 / SETTINGS.intervalMs, 2),
      "—",
      "—",
      `goal ≤ ${fmt(SETTINGS.freshnessGoalMs / SETTINGS.intervalMs, 0)}`,
    ],
    [
      `change→API p95 at ${large.nodes} nodes (ms, n=${loadedPause.walden.length})`,
      ms(waldenLoaded.p95),
      ms(directLoaded.p95),
      ratio(waldenLoaded.p95, directLoaded.p95),
      "direct query",
    ],
    [
      `lag > 5 MiB visible p50 (ms, n=${lag.walden.length})`,
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
      "primary server time per sample (ms)",
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
  heading("summary");
  console.log(table(["metric", "walden", "baseline", "ratio", "baseline is"], rows));
  const failures = samplerLog.filter((line) => line.includes("failed") || line.includes("lost"));
  console.log(
    `\nsampler log: ${samplerLog.length} lines, ${failures.length} failures` +
      (failures.length ? `; first: ${failures.slice(0, 3).join(" | ")}` : ""),
  );
  // Everything here shares the machine with whatever else runs on it: say how busy it was.
  console.log(`total bench time ${fmt((Date.now() - startedAt) / 1000, 0)} s; ${loadAverage()} at the end`);
}

main().then(
  async (results) => {
    await cleanUp();
    printSummary(results);
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
