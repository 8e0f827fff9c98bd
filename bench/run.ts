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
//   catalog (about 1 minute; catalog-scale.ts): one hour of raw samples of a 500-node fleet pruned
//   by dropping its partition vs by the DELETE of the unpartitioned table, side by side
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
//   load (about 7 minutes; plus 2-3 for `next build` when the sources are newer than .next, after
//   any other `next build` or Playwright run has finished; load.ts):
//   8. the web app as `npm start` runs it (lib/web/server.ts) on 127.0.0.1:3300, autocannon at a
//      fixed 200 requests/s on the main GET endpoints (30 s unmeasured warm-up, then 300 s) vs the
//      same rate on /api/v1/health (60 s): errors, latency, server memory (settings.ts)
//   offsite (about 2 minutes; offsite.ts): 176 MiB in a physical backup's shape copied to s3rver (a
//   child process) by Walden's putFile, by a plain SDK Upload, and by putFile encrypting with age,
//   rounds rotated; 9. throughput ratio to the SDK and the encryption overhead (goal ≤ 1.15)
// --only=replication, --only=backups, ... runs one part, or several comma-separated (default: all).
// The whole suite writes its summary to docs/benchmarks.md; a partial run writes it to the bench
// home (benchmarks-partial.md) instead, so the committed file always holds a full run.
// This file is the orchestration: the parts in order, cleanup, the run's summary. Each part's
// measurements live in their own file (backups.ts, pitr.ts…), its tables in print-<part>.ts, the
// trial counts and goals in settings.ts, the summary table and docs/benchmarks.md in summary.ts.
import os from "node:os";
import { disconnectDb } from "@/lib/db";
import { SamplerFleet } from "@/lib/worker/sampler";
import { stopSandbox } from "@/lib/sandbox";
import { measureApi } from "./api";
import { catalogSummaryRows, measurePrune, printPrune } from "./catalog-scale";
import { measureBackups, removeBackupLeftovers, type BackupResults } from "./backups";
import {
  ensureMaxConnections,
  FLEET_PREFIX,
  FLEET_SETTINGS,
  measureSplitAndKill,
  measureStage,
  passes,
  resizeFleet,
  type Stage,
} from "./fleet-scale";
import { measureLagLatency, measurePauseLatency, type PauseTrials } from "./latency";
import { measureLoad } from "./load";
import { measureOffsite, OFFSITE_SETTINGS, offsiteSummaryRows, printOffsite } from "./offsite";
import { ensurePgbenchData, settle } from "./pgbench-data";
import { measurePitr, removePitrLeftovers, type PitrResults } from "./pitr";
import { apiSummaryRows, printApi } from "./print-api";
import { backupSummaryRows, printBackups } from "./print-backups";
import { fleetSummaryRows, printSplit, printStages } from "./print-fleet-scale";
import { loadSummaryRows, printLoad } from "./print-load";
import { pitrSummaryRows, printPitr } from "./print-pitr";
import {
  printFleets,
  printLag,
  printPause,
  printServerTime,
  replicationSummaryRows,
  type ReplicationResults,
} from "./print-replication";
import { measureServerTime, type ServerTime } from "./server-time";
import { SETTINGS } from "./settings";
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
import { printSummary, writeSummary, type RunRecord } from "./summary";
import { connect, describeMachine, fmt, heading, loadAverageText, waitForQuietMachine } from "./support";
import { measureFleet, registerExtraClusters } from "./worker-cpu";

/**
 * The parts, in the order they run. Each measures, prints its own tables and returns its rows of
 * the final summary (columns SUMMARY_HEADER); adding a part is one line here.
 */
const PART_RUNNERS: Record<string, (bench: Bench) => Promise<string[][]>> = {
  replication: async (bench) => replicationSummaryRows(await replication(bench)),
  // After replication has stopped its in-process sampler, so that fleet's workers own everything.
  fleet: (bench) => fleetScale(bench),
  catalog: (bench) => catalogScale(bench),
  backups: async (bench) => backupSummaryRows(await backups(bench)),
  pitr: async (bench) => pitrSummaryRows(await pitr(bench)),
  api: async (bench) => apiSummaryRows(await api(bench)),
  load: async (bench) => loadSummaryRows(await load(bench)),
  offsite: async () => offsiteSummaryRows(await offsite()),
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

/** What the summary says about the machine, taken once the sandbox is up. */
const machine = { description: [] as [string, string][], loadAtStart: "" };

/** What the summary says about this run: its parts, when it began, the machine. */
const runRecord: RunRecord = { allParts: PARTS, parts, startedAt, samplerLog, machine };

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

/**
 * Fleet scale: one sampler worker process per fleet size until the p99 delay goal fails, then two
 * workers on the largest passing fleet and kill -9 of one. No other sampler may run meanwhile
 * (each stage's worker must own every registered cluster). Leaves the sandbox servers'
 * max_connections raised, and removes the clusters it registered.
 */
async function fleetScale(bench: Bench): Promise<string[][]> {
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
    return fleetSummaryRows(stages, largest, split, takeover);
  } finally {
    await catalog.end();
    progress(`removed ${await deleteBenchClusters(FLEET_PREFIX)} fleet clusters`);
  }
}

/** Catalog: pruning one hour of raw samples, the partition dropped vs the old DELETE (catalog-scale.ts). */
async function catalogScale(bench: Bench): Promise<string[][]> {
  heading("catalog: pruning one hour of raw samples, partition dropped vs DELETE, same catalog");
  const catalog = await connect(
    {
      host: bench.sandbox.catalog.host,
      port: bench.sandbox.catalog.port,
      user: bench.sandbox.catalog.user,
      password: bench.sandbox.catalog.password,
      database: bench.sandbox.catalog.database,
    },
    "walden-bench-catalog",
  );
  try {
    const result = await measurePrune(bench, catalog, progress);
    printPrune(result, loadAverageText());
    return catalogSummaryRows(result);
  } finally {
    await catalog.end();
  }
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
  progress(`${loadAverageText()} at the end of the backup runs`);
  printBackups(results, loadAtStart);
  return results;
}

/** Waits for the machine to quieten (up to a limit) and returns the load average it starts with. */
async function quietMachine(what: string): Promise<string> {
  const load = await waitForQuietMachine(SETTINGS.loadLimit, SETTINGS.loadMaxWaitMs, progress);
  const loadAtStart = loadAverageText();
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
  progress(`${loadAverageText()} at the end of the restore runs`);
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

/** Offsite copies: the s3rver child and its files are the part's own, removed when it ends. */
async function offsite() {
  heading(
    `9. offsite copies: Walden vs a plain SDK upload, and encryption's cost (s3rver on 127.0.0.1:${OFFSITE_SETTINGS.port}, ${OFFSITE_SETTINGS.rounds} rounds)`,
  );
  const results = await measureOffsite(progress);
  printOffsite(results);
  return results;
}

main().then(
  async (rows) => {
    await cleanUp();
    writeSummary(rows, printSummary(rows, runRecord), runRecord);
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
