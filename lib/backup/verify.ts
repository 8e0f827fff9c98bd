import fs from "node:fs/promises";
import path from "node:path";
import { parseChecksums, sha256File } from "@/lib/backup/checksum";
import { backupPaths, removeUnderRoot, repositoryRootFor } from "@/lib/backup/repository";
import { claimVerification, verifyScratchDir } from "@/lib/backup/verify-claim";
import { db } from "@/lib/db";
import { tablespaceArchives } from "@/lib/restore/tablespaces";
import { restoreListArgs, verifybackupArgs } from "@/lib/tools/argv";
import { toolPath } from "@/lib/tools/binaries";
import { runTool } from "@/lib/tools/run";
import { parseWalFileName, walFileName } from "@/lib/wal/segments";

// backup.verify: proves a backup can be restored without restoring it.
// Physical — unpack the tar files, run pg_verifybackup against the manifest (every file's
// SHA-256, and the WAL in pg_wal parsed from start to stop), and check the archive holds
// every segment from the backup's start WAL to its stop WAL.
// Logical — recompute SHA256SUMS and let pg_restore --list read the dump.

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

async function verifyPhysical(
  backupDir: string,
  scratch: string,
  archivePath: string | null,
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

  if (!archivePath) throw new Error("the cluster has no archive path to check the backup's WAL against");
  const missing: string[] = [];
  for (const name of segmentsBetween(startWal, stopWal)) {
    if (
      !(await fs.stat(path.join(archivePath, name)).then(
        () => true,
        () => false,
      ))
    )
      missing.push(name);
  }
  if (missing.length)
    throw new Error(`WAL the backup needs is missing from the archive: ${missing.join(", ")}`);
  log.push(`archive holds ${startWal} … ${stopWal}`);
}

/** Re-reads every file and compares it with SHA256SUMS, written when the backup was taken. */
export async function checkStoredSums(backupDir: string, log: string[]): Promise<void> {
  const sums = await fs.readFile(path.join(backupDir, "SHA256SUMS"), "utf8");
  for (const { sha256: expected, file } of parseChecksums(sums)) {
    const actual = await sha256File(path.join(backupDir, file));
    if (actual !== expected) throw new Error(`checksum mismatch for ${file}: the file changed or is corrupt`);
  }
  log.push("SHA256SUMS match");
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
 * Verifies one backup and records the result on it. Returns whether it passed, or null when it
 * was not verified now: not a succeeded backup, or another worker is verifying it (claimed).
 */
export async function verifyBackup(
  backupId: string,
  workerId = `local:${process.pid}`,
): Promise<boolean | null> {
  const backup = await db().backup.findUnique({ where: { id: backupId }, include: { cluster: true } });
  if (!backup || backup.status !== "succeeded" || !backup.path) return null;
  const claim = await claimVerification(backupId, workerId);
  if (!claim) return null;
  const log: string[] = [];
  const root = repositoryRootFor(backup.cluster);
  const scratch = verifyScratchDir(
    backupPaths(root, backup.cluster.name, backup.id).clusterDir,
    backup.id,
    claim.attempt,
  );
  let passed = false;
  let error: string | null = null;
  try {
    await removeUnderRoot(root, scratch);
    if (backup.kind === "physical") {
      await verifyPhysical(
        backup.path,
        scratch,
        backup.cluster.archivePath,
        backup.startWal!,
        backup.stopWal!,
        log,
      );
    } else {
      await verifyLogical(backup.path, log);
    }
    passed = true;
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
    log.push(`failed: ${error}`);
  } finally {
    await removeUnderRoot(root, scratch).catch(() => {});
    claim.release();
  }
  await db().backup.update({
    where: { id: backupId },
    data: {
      verified: passed,
      verifiedAt: new Date(),
      verifyLog: log.slice(-200).join("\n"),
      verifyWorkerId: null,
    },
  });
  return passed;
}
