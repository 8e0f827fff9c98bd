import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { decryptFileChecked, localEncryptionRecipient } from "@/lib/backup/at-rest";
import { sealWholeFile } from "@/lib/backup/at-rest-seal";
import { sha256File } from "@/lib/backup/checksum";
import { db } from "@/lib/db";
import { fsyncPath, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "@/lib/fs-private";
import { walNeeded } from "@/lib/offsite/restore-download";
import { toolPath } from "@/lib/tools/binaries";
import { scanArchive, type ArchivedSegment } from "./archive";
import { FACTS_SUFFIX, readSealedFacts, SEALED_SUFFIX, type SealedWalFacts } from "./sealed-names";
import { historyFileName } from "./segments";
import { readSegmentCommits, type SegmentCommits } from "./waldump";

// The local WAL archive encrypted at rest (issue 14), when the cluster's local repository is
// (lib/backup/at-rest.ts): each complete segment is sealed to `<segment>.age` for the cluster's
// recipient, with its facts beside it (sealed-names.ts), fsynced, private, and its plaintext
// removed. When: after each segment pg_receivewal finishes (stream mode, receive-wal.ts), as soon
// as a segment appears in the folder (archive_command mode: archive-watch.ts, a second or so
// after the server archived it) and at each archive scan (every minute, the backstop).
//
// What stays plain, and why: `.partial` segments (pg_receivewal still writes them; they are
// sealed once renamed complete), timeline `.history` files (the switch positions and reasons of
// each timeline, no row data, and what the window and a restore's timeline choice read first)
// and `.backup` label files (a backup's start and stop positions and label, no row data). A
// `.partial` pg_receivewal abandoned (a timeline switch: it starts the new timeline's segment
// and never renames the old one) stays plain until WAL retention prunes it with the segments
// before the oldest kept backup (lib/backup/retention.ts prunes `.partial` files too); it holds
// at most one segment of the old timeline's WAL.
//
// Order, so that a crash never loses a segment: the `.age` is written under a temporary name,
// fsynced, its facts written (temporary name, fsync, rename), the `.age` renamed into place and
// the folder fsynced; only then the plaintext goes. A crash in between leaves both, which the
// next pass settles (the plaintext goes when its SHA-256 is the facts' one).
//
// Two passes at once (two workers, or the watcher and a scan on another one) are safe: each
// writes its own temporary names (pass-unique), both seal the same plaintext to the same
// recipient, so whichever `.age` and facts rename last are a matching pair; a pass that finds
// the plaintext gone (the other sealed it) stops quietly. Temporaries a crashed pass left are
// removed once they are older than STALE_TEMP_MS.
//
// Readers see both forms: the scan (archive.ts) counts `.age` segments, commits of a sealed
// segment come from its facts (waldump.ts), and restores decrypt the segments they need into
// their own folder (stageArchiveWal), so an archive that was plain before is read as one.

/** A temporary file younger than this may be another pass's (another worker's) work in progress. */
const STALE_TEMP_MS = 10 * 60_000;
/** This pass's temporary names: `<segment>.age.<tag>.tmp`, `<segment>.age.json.<tag>.tmp`. */
const TEMP_PATTERN = /^[0-9A-F]{24}\.age(\.json)?\.[0-9a-f]+\.tmp$/;

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code === "ENOENT";

export interface SealResult {
  sealed: string[];
  problems: string[];
}

/** pg_waldump beside the server programs; null when absent (segments are then sealed without commits). */
async function locateWaldump(): Promise<string | null> {
  const program = toolPath("pg_waldump");
  return fs.access(program, constants.X_OK).then(
    () => program,
    () => null,
  );
}

async function writeDurably(file: string, text: string, tag: string): Promise<void> {
  const temp = `${file}.${tag}.tmp`;
  await fs.writeFile(temp, text, { mode: PRIVATE_FILE_MODE, flag: "wx" });
  await fsyncPath(temp);
  await fs.rename(temp, file);
}

/** Temporaries a crashed pass left behind (older than STALE_TEMP_MS; younger ones may be at work). */
async function removeStaleTemps(root: string): Promise<void> {
  for (const name of await fs.readdir(root)) {
    if (!TEMP_PATTERN.test(name)) continue;
    const info = await fs.stat(path.join(root, name)).catch(() => null);
    if (info && Date.now() - info.mtimeMs > STALE_TEMP_MS)
      await fs.rm(path.join(root, name), { force: true });
  }
}

async function readCommits(
  root: string,
  name: string,
  waldump: string | null,
): Promise<SegmentCommits | null> {
  if (!waldump) return null;
  return readSegmentCommits({ program: waldump, root, segment: name }).catch(() => null);
}

/** One plain segment sealed in place (see the order above); false when another pass sealed it first. */
async function sealSegment(
  root: string,
  name: string,
  recipient: string,
  waldump: string | null,
): Promise<boolean> {
  const plain = path.join(root, name);
  const sealed = `${plain}${SEALED_SUFFIX}`;
  const tag = randomBytes(6).toString("hex");
  const temp = `${sealed}.${tag}.tmp`;
  try {
    const commits = await readCommits(root, name, waldump);
    const digests = await sealWholeFile(plain, recipient, temp);
    const size = (await fs.stat(plain)).size;
    if (digests.plain.bytes !== size)
      throw new Error(`${name} changed while it was sealed (${digests.plain.bytes} of ${size} bytes read)`);
    await fsyncPath(temp);
    const facts: SealedWalFacts = {
      bytes: digests.plain.bytes,
      sha256: digests.plain.sha256,
      recipient,
      commits,
      sealedAt: new Date().toISOString(),
    };
    await writeDurably(path.join(root, `${name}${FACTS_SUFFIX}`), `${JSON.stringify(facts)}\n`, tag);
    await fs.rename(temp, sealed);
  } catch (error) {
    await fs.rm(temp, { force: true });
    // The plaintext went while this pass read it: another pass sealed it (its `.age` is whole).
    if (isMissing(error) && !(await exists(plain))) return false;
    throw error;
  }
  await fsyncPath(root);
  // force: a pass sealing it at the same time may have removed it already.
  await fs.rm(plain, { force: true });
  await fsyncPath(root);
  return true;
}

const exists = (file: string) =>
  fs.lstat(file).then(
    () => true,
    () => false,
  );

/** A segment held both ways (a crash mid-seal, or archived again): the plaintext goes if it is the sealed one. */
async function settleBoth(root: string, name: string): Promise<string | null> {
  const facts = await readSealedFacts(root, name).catch(() => null);
  const plainSha = await sha256File(path.join(root, name)).catch((error: unknown) => {
    if (isMissing(error)) return null;
    throw error;
  });
  // Gone already: another pass settled it.
  if (plainSha === null) return null;
  if (facts?.sha256 !== plainSha)
    return `${name} is in the archive both plain and sealed with different bytes (or no facts file): both kept, check which is right`;
  await fs.rm(path.join(root, name), { force: true });
  await fsyncPath(root);
  return null;
}

/** Seals every complete plain segment of `archiveDir` to `recipient`, oldest first. */
export async function sealArchive(
  archiveDir: string,
  recipient: string,
  options: { waldump?: string | null } = {},
): Promise<SealResult> {
  const scan = await scanArchive(archiveDir);
  const waldump = options.waldump === undefined ? await locateWaldump() : options.waldump;
  const result: SealResult = { sealed: [], problems: [] };
  await removeStaleTemps(scan.root).catch(() => {});
  for (const segment of scan.segments) {
    if (segment.form === "sealed") continue;
    try {
      // A symlinked segment is read where it points and never sealed: removing the link would leave its plaintext.
      // Gone since the scan: another pass sealed it.
      const info = await fs.lstat(path.join(scan.root, segment.name)).catch(() => null);
      if (!info || info.isSymbolicLink()) continue;
      if (segment.form === "both") {
        const problem = await settleBoth(scan.root, segment.name);
        if (problem) result.problems.push(problem);
      } else if (await sealSegment(scan.root, segment.name, recipient, waldump))
        result.sealed.push(segment.name);
    } catch (error) {
      // The next pass tries again; one unreadable file does not hold up the ones after it.
      result.problems.push(`${segment.name} could not be sealed: ${(error as Error).message}`);
    }
  }
  return result;
}

/**
 * Another registered cluster reading the same archive folder (by its real path) without the same
 * recipient: the name of the first such cluster, else null. Its restores, window and event finder
 * would find sealed segments they hold no key for.
 */
async function plainReaderOfSameArchive(
  clusterId: string,
  archivePath: string,
  recipient: string,
): Promise<string | null> {
  const real = await fs.realpath(archivePath).catch(() => path.resolve(archivePath));
  const others = await db().cluster.findMany({
    where: { id: { not: clusterId }, archivePath: { not: null } },
    select: { name: true, archivePath: true, localEncryptionEnabled: true, localEncryptionRecipient: true },
  });
  for (const other of others) {
    if (localEncryptionRecipient(other) === recipient) continue;
    const theirs = await fs.realpath(other.archivePath!).catch(() => path.resolve(other.archivePath!));
    if (theirs === real) return other.name;
  }
  return null;
}

/** One pass per archive folder at a time in this process: callers arriving during a pass share the next. */
const passes = new Map<string, Promise<SealResult>>();

/**
 * The cluster's archive sealed when its local repository is encrypted at rest (else nothing).
 * Problems are logged, never thrown: the scan and the stream go on.
 */
export async function sealClusterArchive(
  clusterId: string,
  log: (line: string) => void,
): Promise<SealResult> {
  const cluster = await db().cluster.findUnique({ where: { id: clusterId } });
  const recipient = cluster ? localEncryptionRecipient(cluster) : null;
  if (!cluster?.archivePath || !recipient) return { sealed: [], problems: [] };
  const archivePath = cluster.archivePath;
  const sharer = await plainReaderOfSameArchive(cluster.id, archivePath, recipient);
  if (sharer) {
    const problem = `the WAL archive ${archivePath} is also the archive of cluster ${sharer}, which is not encrypted to the same key: it is left plain, since sealing it would hide that cluster's WAL from it (give each cluster its own archive folder)`;
    log(`${cluster.name}: ${problem}`);
    return { sealed: [], problems: [problem] };
  }
  const running = passes.get(archivePath);
  const pass = (running ?? Promise.resolve()).then(
    () => sealArchive(archivePath, recipient),
    () => sealArchive(archivePath, recipient),
  );
  passes.set(archivePath, pass);
  try {
    const result = await pass;
    if (result.sealed.length)
      log(
        `sealed ${result.sealed.length} WAL segment(s) of ${cluster.name} at rest: ${result.sealed.at(-1)} last`,
      );
    for (const problem of result.problems) log(`${cluster.name}: ${problem}`);
    return result;
  } catch (error) {
    log(`${cluster.name}: the WAL archive could not be sealed: ${(error as Error).message}`);
    return { sealed: [], problems: [(error as Error).message] };
  } finally {
    if (passes.get(archivePath) === pass) passes.delete(archivePath);
  }
}

/** The sealed segments of `range` (by name), in WAL order. */
function sealedIn(segments: ArchivedSegment[], range: { fromWal: string; toWal: string }): ArchivedSegment[] {
  const wanted = new Set(
    walNeeded(
      segments.map((segment) => segment.name),
      range.fromWal,
      range.toWal,
    ),
  );
  return segments.filter((segment) => wanted.has(segment.name) && segment.form === "sealed");
}

/**
 * One sealed segment decrypted alone (checked against its facts) into a new private temporary
 * folder, for pg_waldump to read; the caller removes the folder.
 */
export async function openSealedSegment(
  root: string,
  name: string,
  identityFor: (recipient: string) => string,
): Promise<string> {
  const facts = await readSealedFacts(root, name);
  const identity = identityFor(facts.recipient);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-sealed-"));
  try {
    await decryptFileChecked(path.join(root, `${name}${SEALED_SUFFIX}`), path.join(dir, name), identity, {
      sha256: facts.sha256,
      listedIn: `${name}${FACTS_SUFFIX}`,
    });
    return dir;
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * restore_command's folder for a restore from a sealed archive: the WAL of `range` (and every
 * timeline history file) copied or decrypted into `into`, the restore's own private folder, each
 * decrypted segment checked against its facts' SHA-256. Only plaintext reaches the copy; the key
 * stays in Walden's memory. Null when no segment of the range is sealed: the copy then reads the
 * archive itself, as before.
 */
export async function stageArchiveWal(
  archiveDir: string,
  range: { fromWal: string; toWal: string },
  into: string,
  identityFor: (recipient: string) => string,
  log: (line: string) => void,
): Promise<string | null> {
  const scan = await scanArchive(archiveDir);
  if (sealedIn(scan.segments, range).length === 0) return null;
  await fs.rm(into, { recursive: true, force: true });
  await fs.mkdir(into, { recursive: true, mode: PRIVATE_DIR_MODE });
  const needed = new Set(
    walNeeded(
      scan.segments.map((segment) => segment.name),
      range.fromWal,
      range.toWal,
    ),
  );
  let decrypted = 0;
  let copied = 0;
  for (const timeline of scan.histories.keys()) {
    const name = historyFileName(timeline);
    await fs.copyFile(path.join(scan.root, name), path.join(into, name));
    await fs.chmod(path.join(into, name), PRIVATE_FILE_MODE);
  }
  for (const segment of scan.segments) {
    if (!needed.has(segment.name)) continue;
    const target = path.join(into, segment.name);
    if (segment.form === "sealed") {
      const facts = await readSealedFacts(scan.root, segment.name);
      await decryptFileChecked(
        path.join(scan.root, `${segment.name}${SEALED_SUFFIX}`),
        target,
        identityFor(facts.recipient),
        { sha256: facts.sha256, listedIn: `${segment.name}${FACTS_SUFFIX}` },
      );
      decrypted += 1;
    } else {
      await fs.copyFile(path.join(scan.root, segment.name), target);
      await fs.chmod(target, PRIVATE_FILE_MODE);
      copied += 1;
    }
  }
  log(
    `WAL ${range.fromWal} … ${range.toWal} staged in ${into}: ${decrypted} segment(s) decrypted (each checked against its SHA-256), ${copied} plain one(s) copied, ${scan.histories.size} timeline history file(s)`,
  );
  return into;
}
