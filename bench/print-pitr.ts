// The pitr part's tables (measurement 6: Walden's point-in-time restore vs the manual procedure,
// where the time goes) and its rows of the final summary.
import { BENCH_RESTORE_PORTS, medianMs, medianSteps, type PitrResults } from "./pitr";
import { MANUAL_POLL_MS, type PitrRun } from "./pitr-runs";
import { SETTINGS } from "./settings";
import { fmt, median, MiB, ms, ratio, seconds, table } from "./support";

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

export function printPitr(results: PitrResults, loadAtStart: string): void {
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

export function pitrSummaryRows(results: PitrResults): string[][] {
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
