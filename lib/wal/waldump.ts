import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { formatLsn, parseLsn } from "@/lib/replication/lsn";
import { runTool } from "@/lib/tools/run";
import { FACTS_SUFFIX, readSealedFacts } from "./sealed-names";
import type { CommitRecord, SegmentCommits } from "./segment-commits";
import { parseWalFileName } from "./segments";

// Commit records of archived segments, read with pg_waldump. Archived segments never change,
// so what a segment holds is read once per process and kept (keyed by path, name, size and
// mtime, so a segment still being copied in by a non-atomic archive_command is read again).

export type { CommitRecord, SegmentCommits };

export class WaldumpError extends Error {
  override name = "WaldumpError";
}

/**
 * pg_waldump reading only the transaction records of one segment. With a segment name and no
 * end segment it stops at that segment's end (it never opens the next file).
 */
export function waldumpArgs(options: { dir: string; timeline: number; segment: string }): string[] {
  return [`--path=${options.dir}`, `--timeline=${options.timeline}`, "--rmgr=Transaction", options.segment];
}

// `rmgr: Transaction len (rec/tot): 82/ 82, tx: 796, lsn: 0/1630F9F0, prev 0/1630F930,
//  desc: COMMIT 2026-11-26 02:30:57.901132 UTC; inval msgs: …`; a prepared transaction's
// commit is `desc: COMMIT_PREPARED 1234: 2026-…` and names the prepared xid.
const commitLine =
  /^rmgr: Transaction\s.*?\btx:\s*(\d+),\s*lsn:\s*([0-9A-Fa-f]+\/[0-9A-Fa-f]+),.*?\bdesc: (COMMIT|COMMIT_PREPARED) (?:(\d+): )?(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?) ([A-Za-z]+|[+-]\d{2}(?::?\d{2})?)(?:;|$)/;

/** "+02", "+0530", "-03:00" → "+02:00", "+05:30", "-03:00"; UTC and GMT → "Z"; else null. */
function zoneOffset(zone: string): string | null {
  if (/^(UTC|GMT|UCT|Z|Zulu)$/i.test(zone)) return "Z";
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!match) return null;
  return `${match[1]}${match[2]}:${match[3] ?? "00"}`;
}

/**
 * pg_waldump prints commit times in its own local time zone with an abbreviation
 * ("2026-11-26 02:03:04.123456 UTC"). Abbreviations other than UTC/GMT are ambiguous ("CST"),
 * so those give null rather than a guess; numeric zones are kept.
 */
export function parseWaldumpTime(text: string, zone: string): string | null {
  const offset = zoneOffset(zone);
  if (!offset) return null;
  const [date, time] = text.split(" ");
  const iso = `${date}T${time}${offset}`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

export type WaldumpLine =
  | { kind: "commit"; commit: CommitRecord }
  | { kind: "commit-unreadable-time"; xid: number; lsn: string }
  | null;

/** One line of `pg_waldump --rmgr=Transaction` output; anything but a commit is null. */
export function parseWaldumpLine(line: string): WaldumpLine {
  const match = commitLine.exec(line);
  if (!match) return null;
  const [, tx, lsn, , preparedXid, time, zone] = match;
  const xid = Number(preparedXid ?? tx);
  const position = formatLsn(parseLsn(lsn!));
  const iso = parseWaldumpTime(time!, zone!);
  return iso
    ? { kind: "commit", commit: { xid, lsn: position, time: iso } }
    : { kind: "commit-unreadable-time", xid, lsn: position };
}

/** Folds the commit lines of one segment's dump into first/last/count. */
export function summarizeWaldump(lines: Iterable<string>): SegmentCommits {
  const summary: SegmentCommits = { count: 0, first: null, last: null, unreadableTimes: 0 };
  for (const line of lines) {
    const parsed = parseWaldumpLine(line);
    if (!parsed) continue;
    summary.count += 1;
    if (parsed.kind === "commit") {
      summary.first ??= parsed.commit;
      summary.last = parsed.commit;
    } else summary.unreadableTimes += 1;
  }
  return summary;
}

/**
 * Whether a non-zero exit still means "the records before were read": pg_waldump stops with
 * "error in WAL record at …" at the end of the written part of a segment (a segment that was
 * not full, or a record that continues into the next segment). Anything else (file missing,
 * bad magic number from another major's WAL) is a real failure.
 */
export function isEndOfWalError(stderr: readonly string[]): boolean {
  return stderr.some((line) => /error in WAL record at/.test(line));
}

export function isUnder(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

const MAX_CACHE_ENTRIES = 20_000;
const cache = new Map<string, Promise<SegmentCommits>>();

function remember(key: string, value: Promise<SegmentCommits>): void {
  cache.set(key, value);
  // Failures are not kept: the next request tries again.
  value.catch(() => cache.delete(key));
  if (cache.size > MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
}

/** Forget cached segment reads (tests). */
export function clearWaldumpCache(): void {
  cache.clear();
}

export interface ReadSegmentOptions {
  /** pg_waldump's absolute path. */
  program: string;
  /** The archive folder, already resolved with realpath. */
  root: string;
  /** A segment file name directly in `root`. */
  segment: string;
  timeoutMs?: number;
}

/**
 * The commits in one archived segment. The file must resolve (realpath) to a regular file
 * inside `root`: a symlink pointing out of the archive is never read.
 */
export async function readSegmentCommits(options: ReadSegmentOptions): Promise<SegmentCommits> {
  const parsed = parseWalFileName(options.segment);
  if (parsed.kind !== "segment") throw new WaldumpError(`not a WAL segment name: ${options.segment}`);
  const file = path.join(options.root, options.segment);
  const real = await realpath(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (real === null) return sealedCommits(options);
  if (!isUnder(options.root, real)) {
    throw new WaldumpError(`${file} resolves to ${real}, outside the archive ${options.root}`);
  }
  const info = await stat(real);
  if (!info.isFile()) throw new WaldumpError(`${file} is not a regular file`);
  const key = `${real}\0${info.size}\0${info.mtimeMs}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const reading = dumpSegment(options, parsed.timeline);
  remember(key, reading);
  return reading;
}

/**
 * A segment held only sealed (`<segment>.age`, sealed-names.ts): the commits read from its
 * plaintext before it was sealed, kept in its facts file. Throws ENOENT's error when neither is there.
 */
async function sealedCommits(options: ReadSegmentOptions): Promise<SegmentCommits> {
  const facts = path.join(options.root, `${options.segment}${FACTS_SUFFIX}`);
  const real = await realpath(facts).catch(() => null);
  if (real === null) throw new WaldumpError(`${options.segment} is not in the archive ${options.root}`);
  if (!isUnder(options.root, real))
    throw new WaldumpError(`${facts} resolves to ${real}, outside the archive ${options.root}`);
  const { commits } = await readSealedFacts(options.root, options.segment);
  if (!commits)
    throw new WaldumpError(
      `${options.segment} is sealed and its commits were not readable when it was sealed`,
    );
  return commits;
}

async function dumpSegment(options: ReadSegmentOptions, timeline: number): Promise<SegmentCommits> {
  const lines: string[] = [];
  const result = await runTool({
    program: options.program,
    args: waldumpArgs({ dir: options.root, timeline, segment: options.segment }),
    onStdoutLine: (line) => {
      if (line.startsWith("rmgr: Transaction")) lines.push(line);
    },
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  if (result.code !== 0 && !isEndOfWalError(result.stderrTail)) {
    const why = result.stderrTail.slice(-3).join(" / ") || `exit ${result.code ?? result.signal}`;
    throw new WaldumpError(`pg_waldump could not read ${options.segment}: ${why}`);
  }
  return summarizeWaldump(lines);
}
