import fs from "node:fs/promises";
import path from "node:path";
import { parseChecksums, sha256File } from "@/lib/backup/checksum";
import {
  checkCiphertext,
  CIPHERTEXT_SUMS,
  decryptBackupFolder,
  isEncryptedFolder,
} from "@/lib/backup/at-rest";
import { backupIdentity, NoBackupKeyError } from "@/lib/backup/at-rest-open";
import { localCopyIsWhole } from "@/lib/backup/local-copy";
import { backupPaths, removeUnderRoot, repositoryRootFor } from "@/lib/backup/repository";
import { claimVerification, verifyScratchDir } from "@/lib/backup/verify-claim";
import { db } from "@/lib/db";
import { downloadBackup } from "@/lib/offsite/restore-download";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { getOffsiteSettings, offsiteWalPrefix } from "@/lib/offsite/stored-settings";
import type { RestoreSource } from "@/lib/schemas/restore";
import { openIdentity } from "@/lib/restore/identity";
import { tablespaceArchives } from "@/lib/restore/tablespaces";
import { restoreListArgs, verifybackupArgs } from "@/lib/tools/argv";
import { toolPath } from "@/lib/tools/binaries";
import { runTool } from "@/lib/tools/run";
import { parseWalFileName, walFileName } from "@/lib/wal/segments";
import { archivedWalExists } from "@/lib/wal/sealed-names";

// backup.verify: proves a backup can be restored without restoring it.
// Physical — unpack the tar files, run pg_verifybackup against the manifest (every file's
// SHA-256, and the WAL in pg_wal parsed from start to stop), and check the archive holds
// every segment from the backup's start WAL to its stop WAL.
// Logical — recompute SHA256SUMS and let pg_restore --list read the dump.
// From the offsite copy when the local one is not whole (or when asked): the copy is downloaded
// beside the scratch folder and checked the same way, its WAL against the offsite listing. A
// copy the offsite repository encrypted is checked in full with the identity the request
// gives, else its ciphertext only, against the copy's SHA256SUMS.ciphertext (older copies have
// none: not verified then); a backup encrypted at rest, copied as its ciphertext, is checked as
// the local one is: in full with a key, else its ciphertext only.

const decompressors: Record<string, string[]> = {
  ".lz4": ["-I", "lz4"],
  ".zst": ["-I", "zstd"],
  ".gz": ["-z"],
  "": [],
};

export async function untar(archive: string, into: string, log: string[]): Promise<void> {
  const suffix = Object.keys(decompressors).find((ending) => ending && archive.endsWith(ending)) ?? "";
  await fs.mkdir(into, { recursive: true });
  const result = await runTool({
    program: "tar",
    args: [...decompressors[suffix]!, "-x", "-f", archive, "-C", into],
  });
  if (result.code !== 0)
    throw new Error(`could not unpack ${path.basename(archive)}: ${result.stderrTail.join(" | ")}`);
  log.push(`unpacked ${path.basename(archive)}`);
}

/** Segment names from start to stop on one timeline, as the archive must hold them. */
export function segmentsBetween(startWal: string, stopWal: string): string[] {
  const start = parseWalFileName(startWal);
  const stop = parseWalFileName(stopWal);
  if (
    start.kind !== "segment" ||
    stop.kind !== "segment" ||
    start.timeline !== stop.timeline ||
    stop.segno < start.segno
  ) {
    throw new Error(`unexpected WAL range ${startWal} → ${stopWal}`);
  }
  const names: string[] = [];
  for (let segno = start.segno; segno <= stop.segno; segno += 1)
    names.push(walFileName(start.timeline, segno));
  return names;
}

/** The segments of `names` the WAL archive (local or offsite) lacks. */
type MissingWal = (names: string[]) => Promise<string[]>;

async function verifyPhysical(
  backupDir: string,
  scratch: string,
  missingWal: MissingWal,
  startWal: string,
  stopWal: string,
  log: string[],
) {
  const files = await fs.readdir(backupDir);
  const base = files.find((file) => file.startsWith("base.tar"));
  const wal = files.find((file) => file.startsWith("pg_wal.tar"));
  if (!base || !wal) throw new Error(`the backup folder lacks ${base ? "pg_wal.tar" : "base.tar"}`);
  await checkStoredSums(backupDir, log);
  await untar(path.join(backupDir, base), scratch, log);
  await untar(path.join(backupDir, wal), path.join(scratch, "pg_wal"), log);
  // Where the manifest lists them (pg_tblspc/<oid>/…), inside the scratch folder: never at the
  // source's paths that tablespace_map names.
  for (const { oid, file } of tablespaceArchives(files))
    await untar(path.join(backupDir, file), path.join(scratch, "pg_tblspc", oid), log);
  const args = verifybackupArgs(scratch, path.join(backupDir, "backup_manifest"));
  const result = await runTool({
    program: toolPath("pg_verifybackup"),
    args,
    onStdoutLine: (line) => log.push(line),
  });
  log.push(...result.stderrTail);
  if (result.code !== 0)
    throw new Error(`pg_verifybackup found problems: ${result.stderrTail.slice(-3).join(" | ")}`);

  await checkWalHeld(missingWal, { startWal, stopWal }, log);
}

function missingFromFolder(archivePath: string | null): MissingWal {
  return async (names) => {
    if (!archivePath) throw new Error("the cluster has no archive path to check the backup's WAL against");
    const missing: string[] = [];
    for (const name of names) if (!(await archivedWalExists(archivePath, name))) missing.push(name);
    return missing;
  };
}

/**
 * Re-reads every file and compares it with SHA256SUMS, written when the backup was taken; for a
 * folder encrypted at rest (at-rest.ts), the stored files with SHA256SUMS.ciphertext.
 */
export async function checkStoredSums(backupDir: string, log: string[]): Promise<void> {
  const list = (await isEncryptedFolder(backupDir)) ? CIPHERTEXT_SUMS : "SHA256SUMS";
  const sums = await fs.readFile(path.join(backupDir, list), "utf8");
  for (const { sha256: expected, file } of parseChecksums(sums)) {
    const actual = await sha256File(path.join(backupDir, file));
    if (actual !== expected) throw new Error(`checksum mismatch for ${file}: the file changed or is corrupt`);
  }
  log.push(`${list} match`);
}

async function verifyLogical(backupDir: string, log: string[]) {
  await checkStoredSums(backupDir, log);
  const dump = (await fs.readdir(backupDir)).find((file) => file === "dump" || file === "dump.pgdump");
  if (!dump) throw new Error("the backup folder has no dump");
  const result = await runTool({
    program: toolPath("pg_restore"),
    args: restoreListArgs(path.join(backupDir, dump)),
  });
  if (result.code !== 0)
    throw new Error(`pg_restore cannot read the dump: ${result.stderrTail.slice(-3).join(" | ")}`);
  log.push("pg_restore --list reads the dump");
}

/**
 * The backup's succeeded offsite copy: opened, "encrypted" (encrypted by the offsite repository,
 * no identity given, and copied before copies kept a SHA256SUMS.ciphertext: nothing to check
 * it by), or null when there is none.
 */
async function openOffsiteCopy(
  backup: { id: string; clusterId: string; encryptionRecipient: string | null },
  identityGiven: boolean,
) {
  const copy = await db().backupCopy.findFirst({
    where: { backupId: backup.id, repository: "s3", status: "succeeded" },
    orderBy: { finishedAt: "desc" },
    select: { ciphertextChecksum: true },
  });
  const settings = copy ? await getOffsiteSettings(backup.clusterId) : null;
  if (!settings) return null;
  // A backup encrypted at rest was copied as its own ciphertext, which its own key opens.
  if (
    settings.encryption?.enabled &&
    !backup.encryptionRecipient &&
    !identityGiven &&
    !copy?.ciphertextChecksum
  )
    return "encrypted" as const;
  return { repository: new S3Repository(settings) };
}

/** The backup's WAL is all in the archive (local or offsite), said in the log. */
async function checkWalHeld(
  missingWal: MissingWal,
  backup: { startWal: string | null; stopWal: string | null },
  log: string[],
): Promise<void> {
  const missing = await missingWal(segmentsBetween(backup.startWal!, backup.stopWal!));
  if (missing.length)
    throw new Error(`WAL the backup needs is missing from the archive: ${missing.join(", ")}`);
  log.push(`archive holds ${backup.startWal} … ${backup.stopWal}`);
}

/** Segments missing from the cluster's offsite WAL, as listed. */
function missingOffsite(repository: S3Repository, clusterName: string): MissingWal {
  return async (names) => {
    const prefix = `${offsiteWalPrefix(clusterName)}/`;
    const listed = new Set((await repository.list(prefix)).map((object) => object.key.slice(prefix.length)));
    return names.filter((name) => !listed.has(name));
  };
}

/**
 * Verifies one backup and records the result on it. Returns whether it passed, or null when it
 * was not verified now: not a succeeded backup, or another worker is verifying it (claimed).
 */
export async function verifyBackup(
  backupId: string,
  workerId = `local:${process.pid}`,
  options: { source?: RestoreSource; identity?: string } = {},
): Promise<boolean | null> {
  const backup = await db().backup.findUnique({ where: { id: backupId }, include: { cluster: true } });
  if (!backup || backup.status !== "succeeded") return null;
  // Offsite when asked, or when the local copy is not whole and an offsite copy can be read;
  // without one, the local copy is checked (and a missing one fails, as it should).
  const wantsOffsite =
    options.source === "offsite" ||
    (!options.source && !localCopyIsWhole(backup.path, backup.cluster.archivePath, backup.kind));
  const opened = wantsOffsite ? await openOffsiteCopy(backup, options.identity !== undefined) : null;
  // An encrypted offsite copy says nothing without its key: not verified now, not failed either.
  if (opened === "encrypted" || (options.source === "offsite" && !opened) || (!opened && !backup.path))
    return null;
  const offsite = opened;
  const claim = await claimVerification(backupId, workerId);
  if (!claim) {
    offsite?.repository.close();
    return null;
  }
  const log: string[] = [];
  const root = repositoryRootFor(backup.cluster);
  const scratch = verifyScratchDir(
    backupPaths(root, backup.cluster.name, backup.id).clusterDir,
    backup.id,
    claim.attempt,
  );
  let passed = false;
  let error: string | null = null;
  let scope: "full" | "ciphertext" = "full";
  const decrypted = `${scratch}.decrypted`;
  try {
    await removeUnderRoot(root, scratch);
    // From offsite: the copy downloaded beside the scratch folder (each file checked against
    // SHA256SUMS on the way), then checked exactly as the local folder is.
    const downloaded = `${scratch}.download`;
    let backupDir = backup.path!;
    const missingWal = offsite
      ? missingOffsite(offsite.repository, backup.cluster.name)
      : missingFromFolder(backup.cluster.archivePath);
    // Encrypted at rest (at-rest.ts; offsite, its ciphertext as stored): with a key, decrypted
    // into the job's own folder and checked in full; without one, the ciphertext is checked and
    // the result says so.
    let key: string | null = null;
    let keyRefusal: NoBackupKeyError | null = null;
    if (backup.encryptionRecipient) {
      try {
        key = backupIdentity(backup, backup.cluster, options.identity);
      } catch (refusal) {
        if (!(refusal instanceof NoBackupKeyError)) throw refusal;
        keyRefusal = refusal;
      }
    }
    if (offsite) {
      await removeUnderRoot(root, downloaded);
      const whose = options.identity ? "the identity given" : "the key Walden holds";
      // Encrypted by the offsite repository: only the identity given opens it (Walden holds none).
      const copyKey = key ?? (backup.encryptionRecipient ? undefined : openIdentity(options.identity));
      const { ciphertextOnly } = await downloadBackup(
        offsite.repository,
        { ...backup, clusterName: backup.cluster.name },
        downloaded,
        (line) => log.push(line),
        copyKey ? { identity: copyKey, whose } : undefined,
        true,
      );
      backupDir = downloaded;
      if (ciphertextOnly) {
        scope = "ciphertext";
        if (backup.kind === "physical") await checkWalHeld(missingWal, backup, log);
        log.push(
          "verified (ciphertext only): the offsite repository encrypts its copies and no identity was given; give the identity (AGE-SECRET-KEY-1…) that opens them for the full check",
        );
      }
    }
    if (backup.encryptionRecipient) {
      if (keyRefusal) {
        const refusal = keyRefusal;
        scope = "ciphertext";
        await checkCiphertext(backupDir, (line) => log.push(line));
        if (backup.kind === "physical") await checkWalHeld(missingWal, backup, log);
        log.push(
          `verified (ciphertext only): ${refusal.message.replace(/^identity: /, "")}; give the identity, or let Walden hold it, for the full check`,
        );
      }
      // Offsite, the download decrypted it already.
      if (key && !offsite) {
        await removeUnderRoot(root, decrypted);
        await decryptBackupFolder(backupDir, decrypted, key, (line) => log.push(line));
        backupDir = decrypted;
      }
    }
    if (scope === "full") {
      if (backup.kind === "physical") {
        await verifyPhysical(backupDir, scratch, missingWal, backup.startWal!, backup.stopWal!, log);
      } else {
        await verifyLogical(backupDir, log);
      }
    }
    if (offsite) log.push(`verified from the offsite copy in ${offsite.repository.description}`);
    passed = true;
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
    log.push(`failed: ${error}`);
  } finally {
    await removeUnderRoot(root, scratch).catch(() => {});
    await removeUnderRoot(root, decrypted).catch(() => {});
    if (offsite) await removeUnderRoot(root, `${scratch}.download`).catch(() => {});
    offsite?.repository.close();
    claim.release();
  }
  await db().backup.update({
    where: { id: backupId },
    data: {
      verified: passed,
      verifyScope: passed ? scope : null,
      verifiedAt: new Date(),
      verifyLog: log.slice(-200).join("\n"),
      verifyWorkerId: null,
    },
  });
  return passed;
}
