import { realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runTool } from "@/lib/tools/run";
import { openSealedSegment } from "@/lib/wal/sealed-wal";
import type { ArchivedSegment } from "@/lib/wal/archive";
import { timelineForSegment, timelinePath, type TimelineHistoryEntry } from "@/lib/wal/segments";
import { isEndOfWalError, isUnder, type SegmentCommits } from "@/lib/wal/waldump";
import { isoMicros } from "./table-tracker";
import { SegmentEventBuffer, waldumpEventArgs, type FileKey, type WalEvent } from "./waldump-events";

// Which archived segments the event finder (find-events.ts) reads, and reading them: the newest
// timeline's copy of each position, the few whose commits fall in the range (binary search over
// each segment's first and last commit), read a few at a time with pg_waldump and handed over
// in WAL order.

const READ_CONCURRENCY = Math.max(1, Math.min(4, os.availableParallelism()));
const SEGMENT_TIMEOUT_MS = 120_000;
/** How far back a segment without commits looks for one that has some. */
const NEIGHBOUR_STEPS = 32;

/** The segments recovery into the newest timeline reads, one copy per position, in WAL order. */
export function segmentsOnNewestTimeline(
  segments: readonly ArchivedSegment[],
  histories: ReadonlyMap<number, TimelineHistoryEntry[]>,
  segmentSize: number,
): { segments: ArchivedSegment[]; timeline: number | null; problems: string[] } {
  if (segments.length === 0) return { segments: [], timeline: null, problems: [] };
  const timeline = Math.max(...segments.map((segment) => segment.timeline));
  const history = histories.get(timeline);
  const problems: string[] = [];
  if (timeline > 1 && !history) {
    problems.push(
      `The archive has no history file for timeline ${timeline}: only its own segments were read.`,
    );
  }
  const route = timelinePath(timeline, history ?? []);
  const chosen = segments.filter(
    (segment) => timelineForSegment(route, segment.segno, segmentSize) === segment.timeline,
  );
  chosen.sort((a, b) => a.segno - b.segno);
  return { segments: chosen, timeline, problems };
}

/** A segment's first and last commit; null when they could not be read. */
export type CommitSummary = SegmentCommits | null;

/**
 * The indexes [lo, hi] of the segments whose commits can fall in [from, to], found by binary
 * search over each segment's first and last commit (read once per process, cached). Commit
 * times follow WAL order closely enough for this.
 */
export async function segmentsInRange(
  count: number,
  summary: (index: number) => Promise<CommitSummary>,
  from: number,
  to: number,
): Promise<{ lo: number; hi: number }> {
  // A segment without commits (inside a long transaction) sits where the segment before it
  // ends: it takes that one's side, which keeps both tests monotonic for the search.
  const withCommits = async (index: number) => {
    for (let i = index; i >= Math.max(0, index - NEIGHBOUR_STEPS); i--) {
      const found = await summary(i);
      if (found?.first && found.last) return { first: found.first, last: found.last };
    }
    return null;
  };
  const before = async (index: number) => {
    const found = await withCommits(index);
    return found !== null && isoMicros(found.last.time) < from;
  };
  const after = async (index: number) => {
    const found = await withCommits(index);
    return found !== null && isoMicros(found.first.time) > to;
  };
  // lo: the first segment not wholly before `from`.
  let low = 0;
  let high = count;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (await before(mid)) low = mid + 1;
    else high = mid;
  }
  const lo = low;
  // hi: the last segment not wholly after `to`.
  low = 0;
  high = count;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (await after(mid)) high = mid;
    else low = mid + 1;
  }
  return { lo, hi: low - 1 };
}

export interface SegmentRead {
  events: WalEvent[];
  problem: string | null;
}

export async function readSegmentEvents(
  program: string,
  root: string,
  segment: ArchivedSegment,
  keepFile: (key: FileKey) => boolean,
  signal?: AbortSignal,
  identityFor?: (recipient: string) => string,
): Promise<SegmentRead> {
  const buffer = new SegmentEventBuffer(keepFile);
  // Sealed at rest (lib/wal/sealed-wal.ts): read from a private decrypted copy, removed after.
  let sealedCopy: string | null = null;
  try {
    if (segment.form === "sealed") {
      if (!identityFor) throw new Error("it is encrypted at rest and no key was given");
      sealedCopy = await openSealedSegment(root, segment.name, identityFor);
    }
    const dir = sealedCopy ? await realpath(sealedCopy) : root;
    const real = await realpath(path.join(dir, segment.name));
    if (!isUnder(dir, real))
      return { events: [], problem: `${segment.name} resolves outside the archive: not read` };
    const result = await runTool({
      program,
      args: waldumpEventArgs({ dir, timeline: segment.timeline, segment: segment.name }),
      onStdoutLine: (line) => buffer.push(line),
      timeoutMs: SEGMENT_TIMEOUT_MS,
      signal,
    });
    if (result.code !== 0 && !isEndOfWalError(result.stderrTail)) {
      const why = result.stderrTail.slice(-3).join(" / ") || `exit ${result.code ?? result.signal}`;
      return { events: buffer.events, problem: `pg_waldump could not read ${segment.name}: ${why}` };
    }
    return { events: buffer.events, problem: null };
  } catch (error) {
    return { events: [], problem: `pg_waldump could not read ${segment.name}: ${(error as Error).message}` };
  } finally {
    if (sealedCopy) await rm(sealedCopy, { recursive: true, force: true });
  }
}

/**
 * Reads segments a few at a time and hands them over strictly in order, until `stop()` says
 * so (then the reads under way are killed). Returns how many were handed over.
 */
export async function readInOrder(
  count: number,
  read: (index: number, signal: AbortSignal) => Promise<SegmentRead>,
  consume: (value: SegmentRead, index: number) => void,
  stop: () => boolean,
): Promise<number> {
  const abort = new AbortController();
  const started = new Map<number, Promise<SegmentRead>>();
  let consumed = 0;
  try {
    for (let i = 0; i < count; i++) {
      if (stop()) break;
      for (let j = i; j < Math.min(count, i + READ_CONCURRENCY); j++) {
        if (!started.has(j)) started.set(j, read(j, abort.signal));
      }
      const value = await started.get(i)!;
      started.delete(i);
      consume(value, i);
      consumed += 1;
    }
  } finally {
    abort.abort();
    await Promise.all(started.values());
  }
  return consumed;
}

/** The holes in the archive between segments lo and hi, in words. */
export function missingBetween(segments: readonly ArchivedSegment[], lo: number, hi: number): string[] {
  const missing: string[] = [];
  for (let i = lo + 1; i <= hi; i++) {
    const gap = segments[i]!.segno - segments[i - 1]!.segno - 1;
    if (gap > 0) missing.push(`${gap} segment(s) after ${segments[i - 1]!.name}`);
  }
  return missing;
}
