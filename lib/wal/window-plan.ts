import { formatLsn, isLsn, parseLsn } from "@/lib/replication/lsn";
import type { TimelineView } from "@/lib/schemas/restore-window";
import {
  computeCoverage,
  historyFileName,
  isOnPath,
  parseWalFileName,
  segmentEndLsn,
  segmentStartLsn,
  segnoOfLsn,
  timelineForSegment,
  timelinePath,
  walFileName,
  type TimelineHistoryEntry,
  type TimelineSpan,
  type WalGap,
  type WalSegmentId,
} from "./segments";

// The plan behind the restorable window (compute-window.ts): for each target timeline the
// segments recovery reads, which backups have all their WAL on that path, the contiguous runs
// from them, the gaps that cut the runs, and for each end the segments to read until one holds
// a commit (`CommitWalk`). No I/O: the archive's listing, history files and backups in.

export const DEFAULT_MAX_WALK = 16;

export interface BackupInput {
  id: string;
  label: string | null;
  startLsn: string | null;
  stopLsn: string | null;
  timeline: number | null;
  startWal: string | null;
  stopWal: string | null;
  finishedAt: Date | null;
  /** Set when it was verified and the verification failed: it is not restorable. */
  verificationFailedAt?: Date | null;
}

export interface WindowInput {
  segmentSize: number;
  /** Complete archived segments (no .partial). */
  segments: readonly WalSegmentId[];
  /** Parsed `.history` files by their timeline. */
  histories: ReadonlyMap<number, readonly TimelineHistoryEntry[]>;
  /** Succeeded physical backups of the cluster. */
  backups: readonly BackupInput[];
  /** How many segments one commit search reads at most. */
  maxWalk?: number;
}

/** Segments to read in order until one holds a commit; what `computeRestoreWindow` needs. */
export interface CommitWalk {
  purpose: "latest" | "before-gap" | "after-gap";
  /** "last" wants the segment's last commit (walking back), "first" its first (walking forward). */
  want: "first" | "last";
  segments: string[];
}

const MISSING_LISTED = 10;

/** The segments recovery into one target timeline reads, with lookups by segment number. */
class Stream {
  readonly path: TimelineSpan[];
  constructor(
    readonly target: number,
    history: readonly TimelineHistoryEntry[] | undefined,
    private readonly present: ReadonlySet<string>,
    private readonly segmentSize: number,
  ) {
    this.path = timelinePath(target, history ?? []);
  }
  fileAt(segno: number): string {
    return walFileName(timelineForSegment(this.path, segno, this.segmentSize), segno, this.segmentSize);
  }
  timelineAt(segno: number): number {
    return timelineForSegment(this.path, segno, this.segmentSize);
  }
  has(segno: number): boolean {
    return segno >= 0 && this.present.has(this.fileAt(segno));
  }
  /** Present segments from `segno` while contiguous, stepping by `step`, at most `max`. */
  walk(segno: number, step: 1 | -1, max: number, floor = 0): string[] {
    const names: string[] = [];
    for (let s = segno; names.length < max && s >= floor && this.has(s); s += step)
      names.push(this.fileAt(s));
    return names;
  }
}

export interface PlannedBackup {
  input: BackupInput;
  timeline: number | null;
  startSeg: number | null;
  stopSeg: number | null;
  stream: Stream | null;
  missing: string[];
  missingCount: number;
  runEnd: number | null;
  problem: string | null;
}

interface PlannedRange {
  stream: Stream;
  runEnd: number;
  backups: PlannedBackup[];
  walk: CommitWalk;
  /** The gap that ends the run, when archived WAL goes on after it. */
  cutBy: PlannedGap | null;
}

interface PlannedGap {
  gap: WalGap;
  first: number;
  last: number;
  before: CommitWalk;
  after: CommitWalk;
}

interface Plan {
  timelines: TimelineView[];
  backups: PlannedBackup[];
  ranges: PlannedRange[];
  gaps: PlannedGap[];
  problems: string[];
}

export function backupName(backup: BackupInput): string {
  return backup.label ? `Backup "${backup.label}" (${backup.id})` : `Backup ${backup.id}`;
}

function segmentOf(
  wal: string | null,
  lsn: string | null,
  segmentSize: number,
): { segno: number; timeline: number | null } | null {
  if (wal) {
    const parsed = parseWalFileName(wal, segmentSize);
    if (parsed.kind === "segment") return { segno: parsed.segno, timeline: parsed.timeline };
  }
  if (lsn && isLsn(lsn)) return { segno: segnoOfLsn(lsn, segmentSize), timeline: null };
  return null;
}

function byFinishedAt(a: BackupInput, b: BackupInput): number {
  const at = a.finishedAt?.getTime() ?? Infinity;
  const bt = b.finishedAt?.getTime() ?? Infinity;
  return at - bt || (a.startLsn ?? "").localeCompare(b.startLsn ?? "") || a.id.localeCompare(b.id);
}

export function plan(input: WindowInput): Plan {
  const { segmentSize } = input;
  const maxWalk = input.maxWalk ?? DEFAULT_MAX_WALK;
  const problems: string[] = [];
  const present = new Set(input.segments.map((segment) => segment.name));

  // Every timeline the archive knows of: from segments, history files and their entries.
  const known = new Set<number>(input.segments.map((segment) => segment.timeline));
  for (const [timeline, entries] of input.histories) {
    known.add(timeline);
    entries.forEach((entry) => known.add(entry.timeline));
  }
  const streams = new Map<number, Stream>();
  const streamFor = (target: number) => {
    let stream = streams.get(target);
    if (!stream)
      streams.set(target, (stream = new Stream(target, input.histories.get(target), present, segmentSize)));
    return stream;
  };

  // Timelines.
  const coverage = computeCoverage(input.segments, segmentSize);
  const timelines: TimelineView[] = [...known]
    .sort((a, b) => a - b)
    .map((timeline) => {
      const history = input.histories.get(timeline);
      const parentEntry = history?.at(-1);
      const onTimeline = coverage.ranges.filter((range) => range.timeline === timeline);
      if (timeline > 1 && !history && onTimeline.length > 0) {
        problems.push(
          `Timeline ${timeline} has archived segments but no ${historyFileName(timeline)} file: ` +
            "where it branched off is unknown, so a restore can use it only from its own backups.",
        );
      }
      return {
        timeline,
        parent: parentEntry?.timeline ?? null,
        switchLsn: parentEntry?.switchLsn ?? null,
        reason: parentEntry?.reason ?? null,
        hasHistoryFile: !!history,
        firstWal: onTimeline[0]?.fromWal ?? null,
        lastWal: onTimeline.at(-1)?.toWal ?? null,
        segments: onTimeline.reduce((sum, range) => sum + range.segments, 0),
      };
    });

  // Backups: which target timeline, is their own WAL archived, how far does it run on.
  const backups: PlannedBackup[] = [...input.backups].sort(byFinishedAt).map((backup) => {
    const planned: PlannedBackup = {
      input: backup,
      timeline: null,
      startSeg: null,
      stopSeg: null,
      stream: null,
      missing: [],
      missingCount: 0,
      runEnd: null,
      problem: null,
    };
    const start = segmentOf(backup.startWal, backup.startLsn, segmentSize);
    const stop = segmentOf(backup.stopWal, backup.stopLsn, segmentSize);
    planned.timeline = backup.timeline ?? start?.timeline ?? stop?.timeline ?? null;
    if (!start || !stop || planned.timeline === null) {
      planned.problem = `${backupName(backup)} is not restorable: the catalog has no start/stop WAL position or timeline for it.`;
      return planned;
    }
    if (stop.segno < start.segno) {
      planned.problem = `${backupName(backup)} is not restorable: its stop WAL is before its start WAL in the catalog.`;
      return planned;
    }
    if (!backup.finishedAt) {
      planned.problem = `${backupName(backup)} is not restorable: the catalog has no finish time for it.`;
      return planned;
    }
    planned.startSeg = start.segno;
    planned.stopSeg = stop.segno;
    const startPos =
      backup.startLsn && isLsn(backup.startLsn)
        ? parseLsn(backup.startLsn)
        : segmentStartLsn(start.segno, segmentSize);
    const backupTimeline = planned.timeline;
    const candidates = [...known].filter(
      (target) => target >= backupTimeline && isOnPath(streamFor(target).path, backupTimeline, startPos),
    );
    if (!candidates.includes(backupTimeline)) candidates.push(backupTimeline);
    // The newest target timeline along which the backup's own WAL is complete, as
    // recovery_target_timeline = 'latest' would pick (the restore must name it explicitly).
    let best: { stream: Stream; missing: number[]; runEnd: number | null } | null = null;
    for (const target of candidates.sort((a, b) => b - a)) {
      const stream = streamFor(target);
      const missing: number[] = [];
      for (let s = start.segno; s <= stop.segno; s++) if (!stream.has(s)) missing.push(s);
      let runEnd: number | null = null;
      if (missing.length === 0) {
        runEnd = stop.segno;
        while (stream.has(runEnd + 1)) runEnd++;
      }
      if (!best || (best.runEnd === null && runEnd !== null)) best = { stream, missing, runEnd };
    }
    const chosen = best!;
    planned.stream = chosen.stream;
    planned.runEnd = chosen.runEnd;
    planned.missing = chosen.missing.slice(0, MISSING_LISTED).map((s) => chosen.stream.fileAt(s));
    planned.missingCount = chosen.missing.length;
    if (chosen.missing.length > 0) {
      const first = chosen.stream.fileAt(chosen.missing[0]!);
      const last = chosen.stream.fileAt(chosen.missing.at(-1)!);
      const which =
        first === last ? `segment ${first} is` : `${chosen.missing.length} segments (${first} … ${last}) are`;
      planned.problem = `${backupName(backup)} is not restorable: its own WAL ${which} missing from the archive.`;
    }
    if (backup.verificationFailedAt) {
      planned.problem = `${backupName(backup)} is not restorable: its verification failed (${backup.verificationFailedAt.toISOString()}).`;
    }
    return planned;
  });
  backups.forEach((backup) => backup.problem && problems.push(backup.problem));

  // Ranges: restorable backups grouped by the run of archived WAL they lead into.
  const ranges: PlannedRange[] = [];
  for (const backup of backups) {
    if (backup.runEnd === null || !backup.stream || backup.input.verificationFailedAt) continue;
    const existing = ranges.find(
      (range) => range.stream.target === backup.stream!.target && range.runEnd === backup.runEnd,
    );
    if (existing) {
      existing.backups.push(backup);
      continue;
    }
    ranges.push({
      stream: backup.stream,
      runEnd: backup.runEnd,
      backups: [backup],
      walk: {
        purpose: "latest",
        want: "last",
        segments: backup.stream.walk(backup.runEnd, -1, maxWalk, backup.startSeg!),
      },
      cutBy: null,
    });
  }

  // Gaps: holes between archived runs of one timeline, plus holes on a recovery path that a
  // single timeline does not show (the new timeline's copy of a switch segment missing).
  const gaps: PlannedGap[] = coverage.gaps.map((gap) => {
    const stream = streamFor(gap.timeline);
    const first = parseWalFileName(gap.fromWal, segmentSize) as WalSegmentId;
    const last = parseWalFileName(gap.toWal, segmentSize) as WalSegmentId;
    return gapPlan(gap, stream, first.segno, last.segno, maxWalk);
  });
  const leaves = [...known].filter(
    (timeline) =>
      ![...known].some(
        (other) =>
          other !== timeline && input.histories.get(other)?.some((entry) => entry.timeline === timeline),
      ),
  );
  const targets = new Set([...leaves, ...ranges.map((range) => range.stream.target)]);
  for (const target of [...targets].sort((a, b) => a - b)) {
    const stream = streamFor(target);
    const onStream = input.segments.filter((segment) => stream.fileAt(segment.segno) === segment.name);
    if (onStream.length === 0) continue;
    const lowest = onStream.reduce((min, segment) => Math.min(min, segment.segno), Infinity);
    const highest = onStream.reduce((max, segment) => Math.max(max, segment.segno), -Infinity);
    for (let s = lowest; s <= highest; s++) {
      if (stream.has(s)) continue;
      let end = s;
      while (!stream.has(end + 1) && stream.timelineAt(end + 1) === stream.timelineAt(s)) end++;
      const timeline = stream.timelineAt(s);
      const covered = gaps.some(
        (planned) => planned.gap.timeline === timeline && planned.first <= end && planned.last >= s,
      );
      if (!covered) {
        gaps.push(
          gapPlan(
            {
              timeline,
              fromWal: walFileName(timeline, s, segmentSize),
              toWal: walFileName(timeline, end, segmentSize),
              fromLsn: formatLsn(segmentStartLsn(s, segmentSize)),
              toLsn: formatLsn(segmentEndLsn(end, segmentSize)),
              segments: end - s + 1,
            },
            stream,
            s,
            end,
            maxWalk,
          ),
        );
      }
      s = end;
    }
  }
  gaps.sort((a, b) => a.first - b.first || a.gap.timeline - b.gap.timeline);
  for (const range of ranges) {
    const next = range.runEnd + 1;
    const timeline = range.stream.timelineAt(next);
    range.cutBy =
      gaps.find(
        (planned) => planned.gap.timeline === timeline && planned.first <= next && planned.last >= next,
      ) ?? null;
  }

  return { timelines, backups, ranges, gaps, problems };
}

function gapPlan(gap: WalGap, stream: Stream, first: number, last: number, maxWalk: number): PlannedGap {
  return {
    gap,
    first,
    last,
    before: { purpose: "before-gap", want: "last", segments: stream.walk(first - 1, -1, maxWalk) },
    after: { purpose: "after-gap", want: "first", segments: stream.walk(last + 1, 1, maxWalk) },
  };
}
