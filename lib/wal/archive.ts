import { lstat, readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import {
  compareSegments,
  DEFAULT_WAL_SEGMENT_SIZE,
  isValidSegmentSize,
  parseHistoryFile,
  parseWalFileName,
  type TimelineHistoryEntry,
  type WalSegmentId,
} from "./segments";
import { FACTS_SUFFIX, readSealedFacts, unsealedName } from "./sealed-names";
import { isUnder } from "./waldump";

// Reads a WAL archive folder: which segments and timeline history files it holds. Only
// regular files that resolve (realpath) inside the folder count; a symlink that leads out of
// it is skipped and reported, never read. An archive encrypted at rest (sealed-wal.ts) holds
// complete segments as `<segment>.age` (written whole, then renamed, so always complete): they
// count as archived segments like plain ones, so a mixed archive reads as one.

export interface ArchivedSegment extends WalSegmentId {
  /** The plaintext's size (a sealed segment: the cluster's segment size). */
  size: number;
  /** How it is held: plain (also when absent), sealed (`.age` only), or both (sealing in progress). */
  form?: "plain" | "sealed" | "both";
}

export interface ArchiveScan {
  /** The archive folder after realpath. */
  root: string;
  segmentSize: number;
  /** Complete segments in WAL order. */
  segments: ArchivedSegment[];
  histories: Map<number, TimelineHistoryEntry[]>;
  partial: number;
  backupFiles: number;
  /** Segment-named files of the wrong size (still being copied in, or damaged). */
  incomplete: string[];
  /** Files that are not WAL (compressed segments too: Walden reads plain segments only). */
  ignored: number;
  /** Symlinks that resolve outside the archive, or to something that is not a file. */
  rejected: string[];
  problems: string[];
  scannedAt: Date;
}

export class ArchiveUnreadableError extends Error {
  override name = "ArchiveUnreadableError";
  constructor(
    readonly archivePath: string,
    cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException | null)?.code;
    super(`Cannot read the WAL archive folder ${archivePath}${code ? ` (${code})` : ""}`, { cause });
  }
}

interface Entry {
  name: string;
  file: string;
  size: number;
}

/** The most common size among full-looking segment files; archived segments all have the cluster's size. */
function detectSegmentSize(sizes: number[]): number | null {
  const counts = new Map<number, number>();
  for (const size of sizes) if (isValidSegmentSize(size)) counts.set(size, (counts.get(size) ?? 0) + 1);
  let best: number | null = null;
  for (const [size, count] of counts) if (best === null || count > counts.get(best)!) best = size;
  return best;
}

/** An archive holding only sealed segments: the segment size their facts record. */
async function sealedSegmentSize(root: string, sealedNames: string[]): Promise<number | null> {
  const last = sealedNames.at(-1);
  if (!last) return null;
  const facts = await readSealedFacts(root, last).catch(() => null);
  return facts && isValidSegmentSize(facts.bytes) ? facts.bytes : null;
}

export async function scanArchive(
  archivePath: string,
  options: { segmentSize?: number } = {},
): Promise<ArchiveScan> {
  let root: string;
  let names: string[];
  try {
    root = await realpath(archivePath);
    if (!(await stat(root)).isDirectory())
      throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    names = await readdir(root);
  } catch (error) {
    throw new ArchiveUnreadableError(archivePath, error);
  }
  const scannedAt = new Date();
  const rejected: string[] = [];
  const entries: Entry[] = [];
  for (const name of names.sort()) {
    const file = path.join(root, name);
    try {
      const link = await lstat(file);
      let real = file;
      if (link.isSymbolicLink()) {
        real = await realpath(file);
        if (!isUnder(root, real)) {
          rejected.push(name);
          continue;
        }
      }
      const info = link.isSymbolicLink() ? await stat(real) : link;
      if (!info.isFile()) {
        if (link.isSymbolicLink()) rejected.push(name);
        continue;
      }
      entries.push({ name, file: real, size: info.size });
    } catch {
      // Gone between readdir and stat (retention), or a dangling symlink: not in the archive.
      continue;
    }
  }

  const sealedNames = entries
    .map((entry) => unsealedName(entry.name))
    .filter((name): name is string => name !== null && /^[0-9A-F]{24}$/.test(name));
  const segmentSize =
    options.segmentSize ??
    detectSegmentSize(
      entries.filter((entry) => /^[0-9A-F]{24}$/.test(entry.name)).map((entry) => entry.size),
    ) ??
    (await sealedSegmentSize(root, sealedNames)) ??
    DEFAULT_WAL_SEGMENT_SIZE;

  const scan: ArchiveScan = {
    root,
    segmentSize,
    segments: [],
    histories: new Map(),
    partial: 0,
    backupFiles: 0,
    incomplete: [],
    ignored: 0,
    rejected,
    problems: [],
    scannedAt,
  };
  const isSealed = new Set(sealedNames);
  /** Sealed segments not held plain too: added after the plain ones. */
  const sealed = new Set(sealedNames);
  for (const entry of entries) {
    if (entry.name.endsWith(FACTS_SUFFIX) || isSealed.has(unsealedName(entry.name) ?? "")) continue;
    const parsed = parseWalFileName(entry.name, segmentSize);
    switch (parsed.kind) {
      case "segment":
        if (entry.size === segmentSize) {
          scan.segments.push({
            name: parsed.name,
            timeline: parsed.timeline,
            segno: parsed.segno,
            size: entry.size,
            form: sealed.delete(parsed.name) ? "both" : "plain",
          });
        } else scan.incomplete.push(entry.name);
        break;
      case "history":
        try {
          scan.histories.set(parsed.timeline, parseHistoryFile(await readFile(entry.file, "utf8")));
        } catch (error) {
          scan.problems.push(
            `Timeline history file ${entry.name} cannot be read: ${(error as Error).message}`,
          );
        }
        break;
      case "partial":
        scan.partial += 1;
        break;
      case "backup":
        scan.backupFiles += 1;
        break;
      default:
        scan.ignored += 1;
    }
  }
  for (const name of sealed) {
    const parsed = parseWalFileName(name, segmentSize);
    if (parsed.kind === "segment")
      scan.segments.push({
        name,
        timeline: parsed.timeline,
        segno: parsed.segno,
        size: segmentSize,
        form: "sealed",
      });
  }
  scan.segments.sort(compareSegments);
  if (rejected.length > 0) {
    scan.problems.push(
      `Skipped ${rejected.length} symlink(s) that lead outside the archive folder or to something that is not a file: ${rejected.slice(0, 5).join(", ")}`,
    );
  }
  if (scan.incomplete.length > 0) {
    scan.problems.push(
      `Skipped ${scan.incomplete.length} segment file(s) whose size is not ${segmentSize} bytes (still being copied, or damaged): ${scan.incomplete.slice(0, 5).join(", ")}`,
    );
  }
  return scan;
}
