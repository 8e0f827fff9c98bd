import fs from "node:fs/promises";
import path from "node:path";
import { AGE_SUFFIX, CIPHERTEXT_SUMS } from "@/lib/backup/at-rest";
import { parseChecksums } from "@/lib/backup/checksum";
import { db } from "@/lib/db";
import type { S3Repository } from "./s3-repository";
import { offsiteBackupPrefix, offsiteWalPrefix } from "./stored-settings";

// What a restore, a drill or a verification reads from the offsite copy (issue 14): the
// backup's files downloaded (each checked against SHA256SUMS, itself checked against the
// backup's checksum, decrypted with the restore's identity when encrypted; the stored bytes of
// an encrypted copy checked against its SHA256SUMS.ciphertext as well) into a private folder,
// and only the WAL a plan needs (each segment's ciphertext checked against the SHA-256 stored
// with it, when the repository encrypts them: get-file.ts). Keys are those offsite-copy.ts and
// offsite-ship.ts write.

/** The key that opens an encrypted copy, and whose it is (for the log). */
export interface CopyKey {
  identity: string;
  whose: "the identity given" | "the key Walden holds";
}

/** What downloadBackup could check: everything, or (no key for a copy the repository encrypted) the ciphertext. */
export interface DownloadedBackup {
  ciphertextOnly: boolean;
}

/**
 * The backup's files from offsite into `dir`: SHA256SUMS first (checked against the backup's
 * checksum, the SHA-256 of that list), then each file it lists, checked against it. A backup
 * encrypted at rest (lib/backup/at-rest.ts) was copied as stored: its SHA256SUMS.ciphertext is
 * fetched too and each <file>.age checked against it; with `key`, decrypted on the way into the
 * plain folder (each file then checked against SHA256SUMS too), else kept as stored (a folder
 * that reads as the local encrypted one). A copy the offsite repository encrypted (its objects
 * under the files' own names) has its SHA256SUMS.ciphertext too: each object's stored bytes are
 * checked against it before they are decrypted; without `key`, every object it lists is
 * downloaded as stored and checked against it, and only that (`ciphertextOnly`).
 */
export async function downloadBackup(
  repository: S3Repository,
  backup: { id: string; checksum: string | null; clusterName: string; encryptionRecipient?: string | null },
  dir: string,
  log: (line: string) => void,
  key?: CopyKey,
  /** A verification's: without a key, a copy the repository encrypted is checked as stored (else refused). */
  allowCiphertextOnly = false,
): Promise<DownloadedBackup> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const prefix = offsiteBackupPrefix(backup.clusterName, backup.id);
  const sumsPath = path.join(dir, "SHA256SUMS");
  const hasCiphertextList = (await repository.head(`${prefix}/${CIPHERTEXT_SUMS}`)) !== null;
  // Encrypted by the offsite repository: its SHA256SUMS object is age too (at rest, it is plain).
  const byRepository = (await repository.head(`${prefix}/SHA256SUMS`))?.encryption === "age";
  // Encrypted at rest: the catalog says so, or the copy holds SHA256SUMS.ciphertext (a copy
  // imported into a fresh catalog: its descriptor names only the key's fingerprint).
  const atRest = Boolean(backup.encryptionRecipient) || (hasCiphertextList && !byRepository);
  if (atRest && !key && !backup.encryptionRecipient)
    throw new Error(
      `backup ${backup.id}'s offsite copy is encrypted at rest (it holds ${CIPHERTEXT_SUMS}): give the age identity (AGE-SECRET-KEY-1…) that opens it`,
    );
  const stored =
    hasCiphertextList && (atRest || byRepository)
      ? await storedSums(repository, backup.id, prefix, dir)
      : null;
  if (byRepository && !key) {
    if (!stored || !allowCiphertextOnly)
      throw new Error(
        `backup ${backup.id}'s offsite copy is encrypted by the offsite repository${stored ? "" : ` and has no ${CIPHERTEXT_SUMS} to check it by (it was copied before Walden wrote one)`}: give the age identity (AGE-SECRET-KEY-1…) that opens it`,
      );
    await downloadAsStored(repository, backup.id, prefix, stored, dir, log);
    return { ciphertextOnly: true };
  }
  /** The SHA-256 an object the repository encrypted must have as stored (older copies: none listed). */
  const storedSha256 = (object: string): { storedSha256?: string } => {
    if (!byRepository || !stored) return {};
    const sha256 = stored.get(object);
    if (!sha256)
      throw new Error(`${object} is not in the offsite copy's ${CIPHERTEXT_SUMS}: the copy is not whole`);
    return { storedSha256: sha256 };
  };
  const opened = key && !atRest ? { identity: key.identity } : {};
  const list = await repository.getFile(`${prefix}/SHA256SUMS`, sumsPath, {
    ...opened,
    ...storedSha256("SHA256SUMS"),
    ...(backup.checksum ? { expectedSha256: backup.checksum } : {}),
  });
  const files = parseChecksums(await fs.readFile(sumsPath, "utf8"));
  let bytes = 0;
  for (const { sha256, file } of files) {
    await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true, mode: 0o700 });
    if (atRest) {
      const ciphertextSha256 = stored?.get(`${file}${AGE_SUFFIX}`);
      if (!ciphertextSha256)
        throw new Error(
          `${file}${AGE_SUFFIX} is not in the offsite copy's ${CIPHERTEXT_SUMS}: the copy is not whole`,
        );
      const result = key
        ? await repository.getFile(`${prefix}/${file}${AGE_SUFFIX}`, path.join(dir, file), {
            expectedSha256: ciphertextSha256,
            ageFile: { identity: key.identity, plaintextSha256: sha256 },
          })
        : await repository.getFile(`${prefix}/${file}${AGE_SUFFIX}`, path.join(dir, `${file}${AGE_SUFFIX}`), {
            expectedSha256: ciphertextSha256,
          });
      bytes += result.bytes;
      continue;
    }
    const result = await repository.getFile(`${prefix}/${file}`, path.join(dir, file), {
      ...opened,
      ...storedSha256(file),
      expectedSha256: sha256,
    });
    bytes += result.bytes;
  }
  // Decrypted, the folder is the plain backup: the ciphertext's list would describe files not there.
  if (stored && key) await fs.rm(path.join(dir, CIPHERTEXT_SUMS));
  const how = !atRest
    ? `${list.decrypted && key ? `, ${stored ? `each checked against ${CIPHERTEXT_SUMS}, ` : ""}decrypted with ${key.whose},` : ""} each checked against SHA256SUMS`
    : key
      ? `, each checked against ${CIPHERTEXT_SUMS}, decrypted with ${key.whose} and checked against SHA256SUMS`
      : `, encrypted at rest as stored, each checked against ${CIPHERTEXT_SUMS}`;
  log(
    `downloaded ${files.length} files (${bytes} bytes) of backup ${backup.id} from ${repository.description}${how}`,
  );
  return { ciphertextOnly: false };
}

/** Every object SHA256SUMS.ciphertext lists, as stored (still encrypted), each checked against it. */
async function downloadAsStored(
  repository: S3Repository,
  backupId: string,
  prefix: string,
  stored: Map<string, string>,
  dir: string,
  log: (line: string) => void,
): Promise<void> {
  let bytes = 0;
  for (const [object, sha256] of stored) {
    await fs.mkdir(path.dirname(path.join(dir, object)), { recursive: true, mode: 0o700 });
    bytes += (
      await repository.getFile(`${prefix}/${object}`, path.join(dir, object), { expectedSha256: sha256 })
    ).bytes;
  }
  log(
    `downloaded ${stored.size} objects (${bytes} bytes) of backup ${backupId} from ${repository.description} as the offsite repository encrypted them, each checked against ${CIPHERTEXT_SUMS} (ciphertext only: no key to decrypt them)`,
  );
}

/**
 * The offsite copy's SHA256SUMS.ciphertext (into `dir`), as a map from stored file to SHA-256:
 * checked against the SHA-256 the catalog kept on the copy (offsite-copy.ts), when it has one (a
 * copy imported from a repository's descriptors has none: the object's stored checksum then).
 */
async function storedSums(
  repository: S3Repository,
  backupId: string,
  prefix: string,
  dir: string,
): Promise<Map<string, string>> {
  const copy = await db().backupCopy.findFirst({
    where: { backupId, repository: "s3", status: "succeeded", ciphertextChecksum: { not: null } },
    orderBy: { finishedAt: "desc" },
    select: { ciphertextChecksum: true },
  });
  const listPath = path.join(dir, CIPHERTEXT_SUMS);
  await repository.getFile(
    `${prefix}/${CIPHERTEXT_SUMS}`,
    listPath,
    copy?.ciphertextChecksum ? { expectedSha256: copy.ciphertextChecksum } : {},
  );
  return new Map(
    parseChecksums(await fs.readFile(listPath, "utf8")).map(({ sha256, file }) => [file, sha256]),
  );
}

/** Timeline and segment number of a WAL segment name, for ordering without the segment size. */
const timelineOf = (name: string) => parseInt(name.slice(0, 8), 16);
const positionOf = (name: string) => name.slice(8);
const SEGMENT = /^[0-9A-F]{24}$/;
const HISTORY = /^[0-9A-F]{8}\.history$/;

/**
 * The offsite WAL names replay needs: segments from `fromWal` to `toWal` (on the timelines
 * between theirs) and every timeline history file (small; recovery reads them to follow
 * timelines). Pure, for the unit test.
 */
export function walNeeded(names: string[], fromWal: string, toWal: string): string[] {
  const [firstTimeline, lastTimeline] = [timelineOf(fromWal), timelineOf(toWal)];
  return names.filter((name) => {
    if (HISTORY.test(name)) return true;
    if (!SEGMENT.test(name)) return false;
    const timeline = timelineOf(name);
    return (
      timeline >= firstTimeline &&
      timeline <= lastTimeline &&
      positionOf(name) >= positionOf(fromWal) &&
      positionOf(name) <= positionOf(toWal)
    );
  });
}

/**
 * The newest segment offsite-ship recorded for the cluster: the end of what offsite holds, used
 * when the plan's last segment lies beyond it.
 */
async function newestShipped(clusterId: string): Promise<string | null> {
  const rows = await db().offsiteWalPosition.findMany({
    where: { clusterId },
    select: { lastSegment: true },
  });
  return (
    rows
      .map((row) => row.lastSegment)
      .sort()
      .at(-1) ?? null
  );
}

const AGE_MAGIC = "age-encryption.org/v1\n";

/** Whether a downloaded file is an age file (its first line is age's). */
async function isAgeFile(file: string): Promise<boolean> {
  const handle = await fs.open(file, "r");
  try {
    const head = Buffer.alloc(AGE_MAGIC.length);
    await handle.read(head, 0, head.length, 0);
    return head.toString("latin1") === AGE_MAGIC;
  } finally {
    await handle.close();
  }
}

/** Only the WAL between `fromWal` and `toWal` from offsite into `dir` (the restore's private archive). */
export async function fetchPlannedWal(
  repository: S3Repository,
  cluster: { id: string; name: string },
  range: { fromWal: string; toWal: string },
  dir: string,
  log: (line: string) => void,
  identity?: string,
): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const shipped = await newestShipped(cluster.id);
  const toWal = shipped && shipped < range.toWal ? shipped : range.toWal;
  const prefix = `${offsiteWalPrefix(cluster.name)}/`;
  const names = (await repository.list(prefix)).map((object) => object.key.slice(prefix.length));
  const needed = walNeeded(names, range.fromWal, toWal);
  for (const name of needed) {
    const file = path.join(dir, name);
    const result = await repository.getFile(`${prefix}${name}`, file, identity ? { identity } : {});
    // Encrypted and no key to open it (a segment sealed at rest, Walden not holding the local
    // key): said here, not by recovery stopping on bytes that are not WAL.
    if (!result.decrypted && (await isAgeFile(file)))
      throw new Error(
        `offsite WAL ${name} is encrypted with age (sealed at rest and shipped as it was, or by the repository): give the age identity (AGE-SECRET-KEY-1…) that opens it`,
      );
  }
  log(
    `fetched ${needed.length} of ${names.length} offsite WAL files (${range.fromWal} … ${toWal} and timeline history files) into ${dir}`,
  );
  return needed;
}
