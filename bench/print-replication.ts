// The replication part's tables (measurements 1-3: change → API latency, server time per sample,
// worker CPU per fleet size) and its rows of the final summary.
import type { LagTrials, PauseTrials } from "./latency";
import type { ServerTime } from "./server-time";
import { SETTINGS } from "./settings";
import { fmt, MiB, ms, ratio, summarize, table } from "./support";
import { cpuMsPerSecond, percentOfCorePer100Nodes, type FleetLoad } from "./worker-cpu";

/** What the replication part measured (run.ts, replication()). */
export interface ReplicationResults {
  pause: PauseTrials;
  lag: LagTrials;
  serverTime: ServerTime | null;
  small: FleetLoad;
  large: FleetLoad;
  loadedPause: PauseTrials;
}

function latencyRows(label: string, values: number[]): string[] {
  const s = summarize(values);
  return [label, String(s.n), ms(s.p50), ms(s.p95), ms(s.max), ms(s.mean)];
}

export function printPause(pause: PauseTrials): void {
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

export function printLag(lag: LagTrials): void {
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

export function printServerTime(result: ServerTime): void {
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

export function printFleets(small: FleetLoad, large: FleetLoad, loadedPause: PauseTrials): void {
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

export function replicationSummaryRows(results: ReplicationResults): string[][] {
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
