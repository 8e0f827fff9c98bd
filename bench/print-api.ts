// The API part's table (measurement 7: route handlers in-process with 100 clusters vs 1) and its
// rows of the final summary.
import type { ApiResults } from "./api";
import { fmt, heading, ratio, summarize, table } from "./support";

const ms = (value: number) => fmt(value, 1);

function rows(label: string, values: number[]): string[] {
  const s = summarize(values);
  return [label, String(s.n), ms(s.p50), ms(s.p95), ms(s.max), ms(s.mean)];
}

export function printApi(results: ApiResults): void {
  const { overview, lag, report } = results;
  heading("7. API: route handlers in-process (real requests, bearer token, no HTTP), sequential");
  console.log(
    table(
      ["ms per request", "n", "p50", "p95", "max", "mean"],
      [
        rows(`GET /clusters (overview), ${overview.clustersMany} clusters`, overview.manyMs),
        rows(`GET /clusters (overview), ${overview.clustersOne} cluster`, overview.oneMs),
        rows(`GET /lag, 30 days (${lag.monthPoints} points from ${lag.monthSource})`, lag.monthMs),
        rows(`GET /lag, 1 day (${lag.dayPoints} points from ${lag.daySource})`, lag.dayMs),
        rows(`GET /reports/monthly, fleet (${report.fleetClusters} clusters)`, report.fleetMs),
        rows("GET /reports/monthly, one cluster (hour rollups)", report.oneMs),
        rows("GET /reports/monthly, one cluster (minute rollups)", report.historyMs),
      ],
    ),
  );
  const p50 = (values: number[]) => summarize(values).p50;
  // The fleet is the one-cluster report's clusters plus the one with minute rollups.
  const perCluster = (p50(report.fleetMs) - p50(report.historyMs)) / (report.fleetClusters - 1);
  console.log(
    [
      "",
      `Catalog: ${overview.clustersMany - overview.clustersOne} copies of the sandbox cluster, each with the bench cluster's`,
      "snapshot, 40 days of daily physical + logical backups (one in 15 failed), 31 days of hour rollups; the",
      `first copy also has 30 days of minute rollups and 48 h of raw samples (1 s) for both standbys.`,
      `The overview listed ${overview.listed} clusters. The 30-day lag series asked for ≤ ${lag.monthPointsAsked} points and got ` +
        `${lag.monthPoints} (${lag.monthPoints <= lag.monthPointsAsked ? "within" : "OVER"} the limit).`,
      `Report of ${report.month}: about ${ms(perCluster)} ms per cluster with hour rollups (p50s); the one cluster with a`,
      `month of minute rollups takes ${ratio(p50(report.historyMs), p50(report.oneMs))} a cluster with hour rollups only:`,
      "the report loads every rollup row of the month into the app (a fleet whose clusters all have a month",
      "of minute rollups would take that much per cluster).",
    ].join("\n"),
  );
}

/** Rows of the final summary: ["metric", "walden", "baseline", "ratio", "baseline is"]. */
export function apiSummaryRows(results: ApiResults): string[][] {
  const { overview, lag, report } = results;
  const p95 = (values: number[]) => summarize(values).p95;
  const p50 = (values: number[]) => summarize(values).p50;
  return [
    [
      `overview API p95 (${overview.clustersMany} vs ${overview.clustersOne} clusters) ratio (ms)`,
      ms(p95(overview.manyMs)),
      ms(p95(overview.oneMs)),
      ratio(p95(overview.manyMs), p95(overview.oneMs), 2),
      `GET /clusters with ${overview.clustersOne} cluster (in-process)`,
    ],
    [
      "30-day lag series points",
      String(lag.monthPoints),
      String(lag.monthPointsAsked),
      "—",
      `the limit asked for: ${lag.monthPoints <= lag.monthPointsAsked ? "met" : "NOT met"}`,
    ],
    [
      "30-day lag series p95 (vs 1 day) ratio (ms)",
      ms(p95(lag.monthMs)),
      ms(p95(lag.dayMs)),
      ratio(p95(lag.monthMs), p95(lag.dayMs), 2),
      `1-day series, ${lag.dayPoints} points (in-process)`,
    ],
    [
      `monthly report (${report.fleetClusters} vs 1 clusters) ratio (p50 ms)`,
      ms(p50(report.fleetMs)),
      ms(p50(report.oneMs)),
      ratio(p50(report.fleetMs), p50(report.oneMs), 1),
      "the report of one cluster (in-process)",
    ],
    [
      "monthly report, one cluster (minute vs hour rollups) ratio (p50 ms)",
      ms(p50(report.historyMs)),
      ms(p50(report.oneMs)),
      ratio(p50(report.historyMs), p50(report.oneMs), 1),
      "one cluster with hour rollups only",
    ],
  ];
}
