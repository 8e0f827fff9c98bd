import { formatLsn, parseLsn } from "@/lib/replication/lsn";
import { toolPath } from "@/lib/tools/binaries";
import { runTool } from "@/lib/tools/run";
import type { ArchiveScan } from "@/lib/wal/archive";
import { walFileName, type WalSegmentId } from "@/lib/wal/segments";
import { isEndOfWalError, parseWaldumpLine } from "@/lib/wal/waldump";
import type { TargetRecord } from "./planner";

// xid and restore-point targets name a WAL record; the planner needs its position. This
// reads archived segments with pg_waldump, newest first, until the record turns up.

/** How many segments one search reads at most (about 16 GiB of WAL at the default size). */
export const MAX_SEARCH_SEGMENTS = 1024;

const restorePointLine =
  /^rmgr: XLOG\s.*?\blsn:\s*([0-9A-Fa-f]+\/[0-9A-Fa-f]+),.*?\bdesc: RESTORE_POINT (.*)$/;

/** A `RESTORE_POINT <name>` record of `pg_waldump --rmgr=XLOG`, or null. */
export function parseRestorePointLine(line: string): { lsn: string; name: string } | null {
  const match = restorePointLine.exec(line);
  return match ? { lsn: formatLsn(parseLsn(match[1]!)), name: match[2]!.trimEnd() } : null;
}

async function dump(dir: string, segment: string, timeline: number, rmgr: string): Promise<string[]> {
  const lines: string[] = [];
  const result = await runTool({
    program: toolPath("pg_waldump"),
    args: [`--path=${dir}`, `--timeline=${timeline}`, `--rmgr=${rmgr}`, segment],
    onStdoutLine: (line) => lines.push(line),
    timeoutMs: 60_000,
  });
  if (result.code !== 0 && !isEndOfWalError(result.stderrTail))
    throw new Error(`pg_waldump could not read ${segment}: ${result.stderrTail.slice(-2).join(" / ")}`);
  return lines;
}

export interface RecordSearch {
  record: TargetRecord | null;
  segmentsRead: number;
  capped: boolean;
}

/** Segments to search: the archive as scanned, or the offsite copy's listing with a way to fetch each. */
export interface SearchableWal extends Pick<ArchiveScan, "root" | "segmentSize"> {
  segments: readonly WalSegmentId[];
  /** Brings a segment into `root` before it is read (offsite: downloaded); absent when already there. */
  fetch?: (segment: string) => Promise<unknown>;
  /** How many segments to read at most; default MAX_SEARCH_SEGMENTS. */
  maxSegments?: number;
}

/** Finds the commit of `xid` or the newest restore point named `name` in the archive. */
export async function findTargetRecord(
  scan: SearchableWal,
  target: { type: "xid"; value: string } | { type: "name"; value: string },
): Promise<RecordSearch> {
  const segments = [...scan.segments].reverse();
  const max = scan.maxSegments ?? MAX_SEARCH_SEGMENTS;
  let read = 0;
  let found: TargetRecord | null = null;
  for (const segment of segments) {
    if (read >= max) return { record: found, segmentsRead: read, capped: true };
    const name = walFileName(segment.timeline, segment.segno, scan.segmentSize);
    await scan.fetch?.(name);
    const lines = await dump(
      scan.root,
      name,
      segment.timeline,
      target.type === "xid" ? "Transaction" : "XLOG",
    );
    read += 1;
    if (target.type === "xid") {
      for (const line of lines) {
        const parsed = parseWaldumpLine(line);
        if (parsed?.kind === "commit" && String(parsed.commit.xid) === target.value) {
          return {
            record: { lsn: parsed.commit.lsn, time: parsed.commit.time },
            segmentsRead: read,
            capped: false,
          };
        }
      }
    } else {
      const points = lines.map(parseRestorePointLine).filter((p) => p?.name === target.value);
      for (const point of points.reverse()) {
        if (!found) found = { lsn: point!.lsn, time: null, duplicates: 0 };
        else found.duplicates = (found.duplicates ?? 0) + 1;
      }
    }
  }
  return { record: found, segmentsRead: read, capped: false };
}
