// The load part's tables (measurement 8: the web app under a fixed request rate) and its rows of
// the final summary.
import type { LoadResults, LoadRun } from "./load";
import { fmt, heading, ratio, summarize, table } from "./support";

function runRow(label: string, run: LoadRun): string[] {
  const s = summarize(run.latencies);
  return [
    label,
    `${run.latencies.length + run.errors} / ${run.expected}`,
    String(run.non2xx),
    String(run.errors),
    fmt(s.p50, 0),
    fmt(s.p95, 0),
    fmt(percentile99(run.latencies), 0),
    fmt(s.max, 0),
  ];
}

function percentile99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)] ?? NaN;
}

function cpuMsPerAnswer(run: LoadRun, cpuSeconds: number): number {
  return (cpuSeconds * 1000) / Math.max(1, run.latencies.length);
}

export function printLoad(results: LoadResults): void {
  const { main, baseline, rssMiB } = results;
  heading(
    `8. load: the web app (npm start's server) on loopback, ${main.rate} requests/s fixed, ${results.connections} connections (autocannon)`,
  );
  console.log(
    table(
      ["run", "done / expected", "non-2xx", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"],
      [
        runRow(`main endpoints, ${main.seconds} s`, main),
        runRow(`GET /api/v1/health, ${baseline.seconds} s`, baseline),
      ],
    ),
  );
  console.log();
  console.log(
    table(
      ["main endpoints, round-robin (viewer token)", "n", "p50 ms", "p95 ms", "max ms", "KiB / answer"],
      results.endpoints.map(({ label, path: requestPath }) => {
        const s = summarize(main.byPath.get(requestPath) ?? []);
        const kib = (main.bytesByPath.get(requestPath) ?? 0) / 1024 / s.n;
        return [label, String(s.n), fmt(s.p50, 0), fmt(s.p95, 0), fmt(s.max, 0), fmt(kib, 1)];
      }),
    ),
  );
  const statuses = (run: LoadRun) =>
    Object.entries(run.statuses)
      .map(([code, count]) => `${code}: ${count}`)
      .join(", ");
  console.log(
    [
      "",
      ...results.skipped.map((endpoint) => `Not requested: ${endpoint}.`),
      `Web app: ${results.build}; ${results.clusters} clusters registered, the bench cluster sampled every second`,
      "by a fleet in the bench, the others' snapshots and samples written every second as their workers would.",
      "done / expected: autocannon never exceeds the rate; a server that cannot keep up gets fewer requests.",
      `Statuses: main ${statuses(main)}; baseline ${statuses(baseline)}.`,
      `Server CPU per answer (the web app's process group, user + system): main ${fmt(cpuMsPerAnswer(main, results.cpuSeconds.main), 2)} ms, ` +
        `health ${fmt(cpuMsPerAnswer(baseline, results.cpuSeconds.baseline), 2)} ms (less sensitive to a busy machine than latency).`,
      `Server RSS (the web app's process group): ${fmt(rssMiB.start, 0)} MiB after the warm-up rounds, ` +
        `${fmt(rssMiB.afterBaseline, 0)} MiB after the baseline, ${fmt(rssMiB.beforeMain, 0)} MiB after ` +
        `${results.mainWarmupSeconds} s of the main endpoints at the same rate, unmeasured (the "before"),`,
      `${fmt(rssMiB.afterMain, 0)} MiB after the main run.`,
    ].join("\n"),
  );
}

export function loadSummaryRows(results: LoadResults): string[][] {
  const { main, baseline, rssMiB } = results;
  const p95 = (run: LoadRun) => summarize(run.latencies).p95;
  const served = (run: LoadRun) => run.latencies.length - run.non2xx;
  return [
    [
      `load p95 at ${main.rate} req/s, ${main.seconds} s (main endpoints vs health) ratio (ms)`,
      fmt(p95(main), 0),
      fmt(p95(baseline), 0),
      ratio(p95(main), p95(baseline), 2),
      "GET /api/v1/health at the same rate (HTTP, npm start's server)",
    ],
    [
      "load errors (non-2xx + socket errors)",
      String(main.non2xx + main.errors),
      String(baseline.non2xx + baseline.errors),
      "—",
      "the same, on the baseline",
    ],
    [
      "load requests served (2xx / expected) ratio",
      `${served(main)} / ${main.expected}`,
      `${served(baseline)} / ${baseline.expected}`,
      ratio(served(main) / main.expected, served(baseline) / baseline.expected, 3),
      "the same, on the baseline",
    ],
    [
      "load server RSS (after / before the main run) ratio (MiB)",
      fmt(rssMiB.afterMain, 0),
      fmt(rssMiB.beforeMain, 0),
      ratio(rssMiB.afterMain, rssMiB.beforeMain, 2),
      `after ${results.mainWarmupSeconds} s of the same load (${fmt(rssMiB.afterBaseline, 0)} MiB after the baseline)`,
    ],
  ];
}
