// The fleet part's tables (one worker per fleet size, two workers and the takeover) and its rows
// of the final summary.
import { FLEET_BASELINE, FLEET_SETTINGS, passes, type Split, type Stage, type Takeover } from "./fleet-scale";
import { fmt, ratio, table } from "./support";

export function printStages(stages: Stage[]): void {
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
        "µs / node sample",
        "user %",
        "kernel %",
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
        fmt(stage.cpuUsPerNodeSample, 0),
        fmt(stage.userPercent, 0),
        fmt(stage.systemPercent, 0),
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
  if (FLEET_BASELINE) printBaseline(stages, FLEET_BASELINE);
  const MiB = 2 ** 20;
  console.log(
    "\n" +
      table(
        ["nodes", "sample rows / node-day", "samples MiB / node-day", "catalog WAL MiB / node-day", "catalog CPU s / node-day"],
        stages.map((stage) => [
          String(stage.nodes),
          fmt(stage.catalog.sampleRows, 0),
          fmt(stage.catalog.sampleBytes / MiB, 2),
          fmt(stage.catalog.walBytes / MiB, 1),
          fmt(stage.catalog.cpuSeconds, 1),
        ]),
      ),
  );
  console.log(
    "catalog cost per node-day: the window's figures scaled to one node and 24 h; samples MiB: growth of " +
      "replication_samples (every hourly partition, indexes included); WAL: everything the catalog wrote " +
      "(samples, snapshots, observed roles, events, the watch's own reads aside); CPU: the catalog server's",
  );
}

/** This sampler's worker CPU beside the baseline checkout's, per 100 nodes, on each fleet size. */
function printBaseline(stages: Stage[], checkout: string): void {
  const per100 = (percent: number, nodes: number) => fmt((percent * 100) / nodes, 2);
  console.log(
    `\nworker CPU per 100 nodes (% of a core), this sampler vs the baseline in ${checkout}:\n` +
      table(
        [
          "nodes",
          "this",
          "user",
          "kernel",
          "baseline",
          "user",
          "kernel",
          "this / baseline",
          "µs / node sample: this",
          "baseline",
          "this / baseline",
          "delay p99 ms: this",
          "baseline",
        ],
        stages.map(({ nodes, baseline, ...ours }) => [
          String(nodes),
          per100(ours.cpuPercent, nodes),
          per100(ours.userPercent, nodes),
          per100(ours.systemPercent, nodes),
          per100(baseline!.cpuPercent, nodes),
          per100(baseline!.userPercent, nodes),
          per100(baseline!.systemPercent, nodes),
          ratio(ours.cpuPercent, baseline!.cpuPercent, 2),
          fmt(ours.cpuUsPerNodeSample, 0),
          fmt(baseline!.cpuUsPerNodeSample, 0),
          ratio(ours.cpuUsPerNodeSample, baseline!.cpuUsPerNodeSample, 2),
          fmt(ours.delay.p99, 0),
          fmt(baseline!.delayP99, 0),
        ]),
      ),
  );
  console.log(
    "each side: the mean of its windows, alternated (this, baseline, this, baseline) on the same fleet; " +
      "user and kernel: from the worker's /proc stat; µs / node sample: worker CPU per node read in a completed " +
      "tick, the figure to compare when a busy machine makes ticks late (then % of a core falls with the ticks)",
  );
}

export function printSplit(split: Split, takeover: Takeover): void {
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

/** Rows of the final summary: the largest fleet that met the goal, growth, the split, the takeover. */
export function fleetSummaryRows(
  stages: Stage[],
  largest: Stage,
  split: Split,
  takeover: Takeover,
): string[][] {
  const smallest = stages[0]!;
  // Growth from the smallest fleet to the largest one tried (passing or not).
  const biggest = stages.at(-1)!;
  const tried = stages.map((stage) => stage.nodes).join(", ");
  const MiB = 2 ** 20;
  return [
    [
      `fleet: catalog bytes per node-day, raw samples (MiB) at ${largest.nodes} nodes`,
      fmt(largest.catalog.sampleBytes / MiB, 2),
      "—",
      "—",
      `${fmt(largest.catalog.sampleRows, 0)} rows / node-day`,
    ],
    [
      `fleet: catalog WAL per node-day (MiB) at ${largest.nodes} nodes`,
      fmt(largest.catalog.walBytes / MiB, 1),
      "—",
      "—",
      `catalog CPU ${fmt(largest.catalog.cpuSeconds, 1)} s / node-day`,
    ],
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
    ...(biggest.baseline
      ? [
          [
            `fleet: worker CPU per 100 nodes vs baseline ratio at ${biggest.nodes} nodes`,
            fmt((biggest.cpuPercent * 100) / biggest.nodes, 2),
            fmt((biggest.baseline.cpuPercent * 100) / biggest.nodes, 2),
            ratio(biggest.cpuPercent, biggest.baseline.cpuPercent, 2),
            "goal ≤ 0.5 (issue 17)",
          ],
          [
            `fleet: worker CPU µs per node sample vs baseline ratio at ${biggest.nodes} nodes`,
            fmt(biggest.cpuUsPerNodeSample, 0),
            fmt(biggest.baseline.cpuUsPerNodeSample, 0),
            ratio(biggest.cpuUsPerNodeSample, biggest.baseline.cpuUsPerNodeSample, 2),
            "goal ≤ 0.5 (issue 17)",
          ],
        ]
      : []),
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
