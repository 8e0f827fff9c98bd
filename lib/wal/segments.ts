import { formatLsn, parseLsn } from "@/lib/replication/lsn";

// WAL file names and their arithmetic, as PostgreSQL's xlog_internal.h defines them:
// a segment is TTTTTTTT XXXXXXXX YYYYYYYY (timeline, "log" = high part, "seg" = low part of
// the segment number), where one log holds 2^32 bytes. Segment numbers stay below 2^44 even
// for 1 MiB segments, so a JS number holds them exactly; LSNs are bigint.

export const DEFAULT_WAL_SEGMENT_SIZE = 16 * 1024 * 1024;
const MIN_SEGMENT_SIZE = 1024 * 1024;
const MAX_SEGMENT_SIZE = 1024 * 1024 * 1024;
const LOG_ID_BYTES = 0x1_0000_0000;

export function isValidSegmentSize(size: number): boolean {
  return (
    Number.isInteger(size) &&
    size >= MIN_SEGMENT_SIZE &&
    size <= MAX_SEGMENT_SIZE &&
    (size & (size - 1)) === 0
  );
}

function assertSegmentSize(size: number): void {
  if (!isValidSegmentSize(size)) {
    throw new Error(`WAL segment size must be a power of two between 1 MiB and 1 GiB, got ${size}`);
  }
}

export function segmentsPerLogId(segmentSize: number): number {
  assertSegmentSize(segmentSize);
  return LOG_ID_BYTES / segmentSize;
}

export interface WalSegmentId {
  /** The file name, e.g. 000000010000000000000003. */
  name: string;
  timeline: number;
  /** Segment number: the segment's start LSN divided by the segment size. */
  segno: number;
}

export type WalFileName =
  | ({ kind: "segment" } & WalSegmentId)
  | ({ kind: "partial" } & WalSegmentId)
  | ({ kind: "backup"; offset: number } & WalSegmentId)
  | { kind: "history"; name: string; timeline: number }
  | { kind: "other"; name: string };

const hex8 = (value: number) => value.toString(16).toUpperCase().padStart(8, "0");

/** The file name of segment `segno` on `timeline` (XLogFileName). */
export function walFileName(timeline: number, segno: number, segmentSize = DEFAULT_WAL_SEGMENT_SIZE): string {
  const perLog = segmentsPerLogId(segmentSize);
  return hex8(timeline) + hex8(Math.floor(segno / perLog)) + hex8(segno % perLog);
}

export function historyFileName(timeline: number): string {
  return `${hex8(timeline)}.history`;
}

function parseSegmentPart(
  base: string,
  segmentSize: number,
): { name: string; timeline: number; segno: number } | null {
  const timeline = parseInt(base.slice(0, 8), 16);
  const log = parseInt(base.slice(8, 16), 16);
  const seg = parseInt(base.slice(16, 24), 16);
  // Timeline 0 does not exist, and a "seg" part past the last segment of a log is not a name
  // PostgreSQL writes with this segment size.
  if (timeline === 0 || seg >= segmentsPerLogId(segmentSize)) return null;
  return { name: base, timeline, segno: log * segmentsPerLogId(segmentSize) + seg };
}

/**
 * What a file in a WAL archive is, from its name alone: a segment, a `.partial` segment (the
 * last, incomplete one of a timeline, from a promotion or pg_receivewal), a `.backup` history
 * file of a base backup, a timeline `.history` file, or anything else.
 */
export function parseWalFileName(name: string, segmentSize = DEFAULT_WAL_SEGMENT_SIZE): WalFileName {
  let match = /^([0-9A-F]{24})$/.exec(name);
  if (match?.[1]) {
    const id = parseSegmentPart(match[1], segmentSize);
    return id ? { kind: "segment", ...id } : { kind: "other", name };
  }
  match = /^([0-9A-F]{24})\.partial$/.exec(name);
  if (match?.[1]) {
    const id = parseSegmentPart(match[1], segmentSize);
    return id ? { kind: "partial", ...id, name } : { kind: "other", name };
  }
  match = /^([0-9A-F]{24})\.([0-9A-F]{8})\.backup$/.exec(name);
  if (match?.[1] && match[2]) {
    const id = parseSegmentPart(match[1], segmentSize);
    return id ? { kind: "backup", ...id, name, offset: parseInt(match[2], 16) } : { kind: "other", name };
  }
  match = /^([0-9A-F]{8})\.history$/.exec(name);
  if (match?.[1]) {
    const timeline = parseInt(match[1], 16);
    return timeline > 0 ? { kind: "history", name, timeline } : { kind: "other", name };
  }
  return { kind: "other", name };
}

/** First byte of a segment. */
export function segmentStartLsn(segno: number, segmentSize = DEFAULT_WAL_SEGMENT_SIZE): bigint {
  assertSegmentSize(segmentSize);
  return BigInt(segno) * BigInt(segmentSize);
}

/** First byte after a segment (= the start of the next one). */
export function segmentEndLsn(segno: number, segmentSize = DEFAULT_WAL_SEGMENT_SIZE): bigint {
  return segmentStartLsn(segno + 1, segmentSize);
}

/** The segment holding the byte at `lsn` (XLByteToSeg). */
export function segnoOfLsn(lsn: bigint | string, segmentSize = DEFAULT_WAL_SEGMENT_SIZE): number {
  assertSegmentSize(segmentSize);
  const position = typeof lsn === "string" ? parseLsn(lsn) : lsn;
  return Number(position / BigInt(segmentSize));
}

/** The segment file that holds `lsn` on `timeline`. */
export function walFileForLsn(
  timeline: number,
  lsn: bigint | string,
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): string {
  return walFileName(timeline, segnoOfLsn(lsn, segmentSize), segmentSize);
}

/** Segments in WAL order: by position, then timeline (a newer timeline's copy of a segment wins). */
export function compareSegments(a: WalSegmentId, b: WalSegmentId): number {
  return a.segno - b.segno || a.timeline - b.timeline;
}

export interface WalRange {
  timeline: number;
  fromWal: string;
  toWal: string;
  /** Start of the first segment. */
  fromLsn: string;
  /** End of the last segment (the first byte after it). */
  toLsn: string;
  segments: number;
}

export interface WalGap {
  timeline: number;
  /** The first and last missing segment. */
  fromWal: string;
  toWal: string;
  /** Start of the first missing segment and end of the last one. */
  fromLsn: string;
  toLsn: string;
  segments: number;
}

export interface WalCoverage {
  ranges: WalRange[];
  gaps: WalGap[];
}

function describeSpan(timeline: number, first: number, last: number, segmentSize: number) {
  return {
    timeline,
    fromWal: walFileName(timeline, first, segmentSize),
    toWal: walFileName(timeline, last, segmentSize),
    fromLsn: formatLsn(segmentStartLsn(first, segmentSize)),
    toLsn: formatLsn(segmentEndLsn(last, segmentSize)),
    segments: last - first + 1,
  };
}

/**
 * Coverage of an archive: per timeline, the contiguous runs of segments, and the holes
 * between two runs of the same timeline. Missing segments before the first or after the
 * last segment of a timeline are not gaps (retention, or not archived yet).
 */
export function computeCoverage(
  segments: readonly WalSegmentId[],
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): WalCoverage {
  const byTimeline = new Map<number, Set<number>>();
  for (const segment of segments) {
    let set = byTimeline.get(segment.timeline);
    if (!set) byTimeline.set(segment.timeline, (set = new Set()));
    set.add(segment.segno);
  }
  const ranges: WalRange[] = [];
  const gaps: WalGap[] = [];
  for (const timeline of [...byTimeline.keys()].sort((a, b) => a - b)) {
    const segnos = [...byTimeline.get(timeline)!].sort((a, b) => a - b);
    let start = segnos[0]!;
    let previous = start;
    const close = () => ranges.push(describeSpan(timeline, start, previous, segmentSize));
    for (const segno of segnos.slice(1)) {
      if (segno !== previous + 1) {
        close();
        gaps.push(describeSpan(timeline, previous + 1, segno - 1, segmentSize));
        start = segno;
      }
      previous = segno;
    }
    close();
  }
  return { ranges, gaps };
}

export interface TimelineHistoryEntry {
  /** A timeline of the history (an ancestor of the file's own timeline). */
  timeline: number;
  /** Where the next timeline branched off this one: the first LSN that is not on it. */
  switchLsn: string;
  reason: string;
}

export class HistoryFileError extends Error {
  override name = "HistoryFileError";
}

/**
 * A timeline history file (`0000000N.history`): one line per ancestor, written by PostgreSQL
 * as `parentTLI<tab>switchpoint<tab>reason`; blank lines and `#` comments are allowed.
 * Entries come back oldest first, as PostgreSQL requires them to be.
 */
export function parseHistoryFile(content: string): TimelineHistoryEntry[] {
  const entries: TimelineHistoryEntry[] = [];
  for (const [index, raw] of content.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^(\d+)\s+([0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8})(?:\s+(.*))?$/.exec(line);
    if (!match?.[1] || !match[2]) {
      throw new HistoryFileError(`line ${index + 1} is not "timeline<tab>switchpoint<tab>reason": ${line}`);
    }
    const timeline = Number(match[1]);
    const previous = entries.at(-1);
    if (timeline === 0 || (previous && timeline <= previous.timeline)) {
      throw new HistoryFileError(`line ${index + 1}: timeline IDs must be positive and increasing`);
    }
    entries.push({ timeline, switchLsn: formatLsn(parseLsn(match[2])), reason: match[3]?.trim() ?? "" });
  }
  return entries;
}

/** One timeline of the path that recovery into `target` follows, with its LSN span. */
export interface TimelineSpan {
  timeline: number;
  /** First LSN on this timeline (0 for the oldest). */
  begin: bigint;
  /** First LSN past it (the switch point), or null for the target itself. */
  end: bigint | null;
}

/**
 * The timelines recovery to `target` replays, oldest first: its history file's entries and
 * then `target` itself. Without a history file a timeline is taken as its own origin.
 */
export function timelinePath(target: number, history: readonly TimelineHistoryEntry[] = []): TimelineSpan[] {
  const path: TimelineSpan[] = [];
  let begin = 0n;
  for (const entry of history) {
    if (entry.timeline >= target) break;
    const end = parseLsn(entry.switchLsn);
    path.push({ timeline: entry.timeline, begin, end });
    begin = end;
  }
  path.push({ timeline: target, begin, end: null });
  return path;
}

/**
 * The timeline whose copy of segment `segno` recovery reads on `path`: the newest one that
 * had begun by the segment's start (PostgreSQL's XLogFileReadAnyTLI), so the segment holding
 * a switch point comes from the new timeline, whose copy starts with the old one's records.
 */
export function timelineForSegment(
  path: readonly TimelineSpan[],
  segno: number,
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): number {
  for (let i = path.length - 1; i >= 0; i--) {
    const span = path[i]!;
    if (segnoOfLsn(span.begin, segmentSize) <= segno) return span.timeline;
  }
  return path[0]!.timeline;
}

/** Whether `lsn` on `timeline` lies on `path` (the timeline is on it and the LSN before its switch). */
export function isOnPath(path: readonly TimelineSpan[], timeline: number, lsn: bigint): boolean {
  const span = path.find((item) => item.timeline === timeline);
  return !!span && lsn >= span.begin && (span.end === null || lsn < span.end);
}
