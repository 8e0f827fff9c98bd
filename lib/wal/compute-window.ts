import type {
  RestoreRange,
  RestoreWindowBackup,
  RestoreWindowGap,
  TimelineView,
  WindowComputation,
} from "@/lib/schemas/restore-window";
import type { CommitRecord, SegmentCommits } from "./waldump";
import { backupName, plan, type CommitWalk, type PlannedBackup, type WindowInput } from "./window-plan";

// The window's shapes are wire types (the API serves them, the catalog stores them).
export type { RestoreRange, RestoreWindowBackup, RestoreWindowGap, TimelineView, WindowComputation };
// Its inputs, planned in window-plan.ts.
export type { BackupInput, WindowInput } from "./window-plan";

// The restorable window of a cluster, computed from what is known without doing any I/O: the
// archived segments, the timeline history files, the catalog's succeeded physical backups,
// and the commit records of the few segments that `commitWalks` asks for. restore-window.ts
// gathers those and calls this. Which segments bound the window and must be read is planned in
// window-plan.ts; this file reads the plan's answers into the window.
//
// Recovery from a backup replays WAL along one "path" of timelines to a target timeline
// (recovery_target_timeline): for each segment it reads the copy of the newest timeline of
// the path that had begun by then. A backup is restorable when every segment from its start
// to its stop WAL is archived on that path; from there the window runs to the last commit
// archived before the next missing segment (PITR needs a commit at or after the target).

export interface CommitLookupFailure {
  error: string;
}

export type CommitLookup = SegmentCommits | CommitLookupFailure;

export interface ComputeInput extends WindowInput {
  /** Commit records of the segments read so far, by segment file name. */
  commits: ReadonlyMap<string, CommitLookup>;
}

/** The segment reads `computeRestoreWindow` will look for, in the order they are worth doing. */
export function commitWalks(input: WindowInput): CommitWalk[] {
  const planned = plan(input);
  return [
    ...planned.ranges.map((range) => range.walk),
    ...planned.gaps.flatMap((gap) => [gap.before, gap.after]),
  ].filter((walk) => walk.segments.length > 0);
}

/** Whether a walk can stop at this lookup: it holds a commit whose time could be read. */
export function walkStopsAt(lookup: CommitLookup | undefined, want: "first" | "last"): boolean {
  return !!lookup && "count" in lookup && (want === "first" ? lookup.first : lookup.last) !== null;
}

interface WalkResult {
  commit: CommitRecord | null;
  /** Why nothing was found, when nothing was. */
  reason: string | null;
}

function resolveWalk(walk: CommitWalk, commits: ReadonlyMap<string, CommitLookup>): WalkResult {
  const errors: string[] = [];
  let unreadable = 0;
  for (const name of walk.segments) {
    const lookup = commits.get(name);
    if (!lookup) return { commit: null, reason: `segment ${name} was not read` };
    if ("error" in lookup) {
      errors.push(lookup.error);
      continue;
    }
    unreadable += lookup.unreadableTimes;
    const commit = walk.want === "first" ? lookup.first : lookup.last;
    if (commit) return { commit, reason: null };
  }
  if (walk.segments.length === 0) return { commit: null, reason: "no archived segment to read" };
  const span =
    walk.segments.length === 1
      ? `segment ${walk.segments[0]}`
      : `${walk.segments.length} segments ${walk.segments[0]} … ${walk.segments.at(-1)}`;
  if (errors.length > 0) return { commit: null, reason: `${span} could not be read (${errors[0]})` };
  if (unreadable > 0) {
    return {
      commit: null,
      reason: `commit times in ${span} are in a local time zone pg_waldump names ambiguously; run it with TZ=UTC`,
    };
  }
  return { commit: null, reason: `no commit found in ${span}` };
}

/**
 * The restorable window. `earliest` is the first restorable backup's stop time, `latest` the
 * newest archived commit reachable from a restorable backup; `ranges` are the pieces between
 * (several when a gap cuts the WAL and a newer backup starts after it).
 */
export function computeRestoreWindow(input: ComputeInput): WindowComputation {
  const planned = plan(input);
  const problems = [...planned.problems];
  const rangeOf = new Map<PlannedBackup, RestoreRange | null>();

  const ranges: RestoreRange[] = [];
  for (const range of planned.ranges) {
    const fromBackup = range.backups[0]!;
    const from = fromBackup.input.finishedAt!.toISOString();
    const result = resolveWalk(range.walk, input.commits);
    const to = result.commit?.time ?? null;
    const fromWal = range.stream.fileAt(fromBackup.startSeg!);
    const toWal = range.stream.fileAt(range.runEnd);
    if (to !== null && Date.parse(to) < Date.parse(from)) {
      problems.push(
        `${backupName(fromBackup.input)} finished at ${from}, but the last commit archived after it ` +
          `(up to ${toWal}) is from ${to}: a point-in-time restore needs a commit archived after the target. ` +
          "Wait for more WAL to be archived (or run select pg_switch_wal() on the primary).",
      );
      range.backups.forEach((backup) => rangeOf.set(backup, null));
      continue;
    }
    if (to === null) {
      problems.push(
        `The end of the window from ${backupName(fromBackup.input)} is unknown: ${result.reason}.`,
      );
    }
    const view: RestoreRange = {
      from,
      to,
      timeline: range.stream.target,
      fromBackupId: fromBackup.input.id,
      backupIds: range.backups.map((backup) => backup.input.id),
      fromWal,
      toWal,
      lastCommit: result.commit,
    };
    ranges.push(view);
    range.backups.forEach((backup) => rangeOf.set(backup, view));
  }
  ranges.sort((a, b) => Date.parse(a.from) - Date.parse(b.from));

  const gaps: RestoreWindowGap[] = planned.gaps.map(({ gap, before, after }) => ({
    ...gap,
    from: resolveWalk(before, input.commits).commit?.time ?? null,
    to: resolveWalk(after, input.commits).commit?.time ?? null,
  }));

  const backups: RestoreWindowBackup[] = planned.backups.map((backup) => {
    const { input: row } = backup;
    const range = rangeOf.get(backup);
    const complete = backup.runEnd !== null;
    const stream = backup.stream;
    return {
      id: row.id,
      label: row.label,
      startLsn: row.startLsn,
      stopLsn: row.stopLsn,
      timeline: backup.timeline,
      startWal: row.startWal ?? (stream && backup.startSeg !== null ? stream.fileAt(backup.startSeg) : null),
      stopWal: row.stopWal ?? (stream && backup.stopSeg !== null ? stream.fileAt(backup.stopSeg) : null),
      finishedAt: row.finishedAt?.toISOString() ?? null,
      walComplete: complete,
      restorableFrom: range ? row.finishedAt!.toISOString() : null,
      restorableTo: range ? range.to : null,
      targetTimeline: backup.stream?.target ?? null,
      missingWal: backup.missing,
      ...(row.verificationFailedAt ? { verificationFailedAt: row.verificationFailedAt.toISOString() } : {}),
    };
  });

  if (input.backups.length === 0) {
    problems.unshift("There is no succeeded physical backup of this cluster: nothing can be restored yet.");
  } else if (ranges.length === 0) {
    problems.unshift("No backup is restorable to a point in time; see the problems below.");
  }
  for (const range of planned.ranges) {
    if (!range.cutBy || !rangeOf.get(range.backups[0]!)) continue;
    const { gap } = range.cutBy;
    const missing = gap.fromWal === gap.toWal ? gap.fromWal : `${gap.fromWal} … ${gap.toWal}`;
    problems.push(
      `WAL ${missing} is missing from the archive: the window from ${backupName(range.backups[0]!.input)} ` +
        "ends at the last commit before it; only a backup taken after the gap can restore later times.",
    );
  }

  const froms = ranges.map((range) => range.from);
  const tos = ranges.flatMap((range) => (range.to ? [range.to] : []));
  return {
    earliest: froms.length ? froms.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b)) : null,
    latest: tos.length ? tos.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)) : null,
    ranges,
    timelines: planned.timelines,
    gaps,
    backups,
    problems,
  };
}
