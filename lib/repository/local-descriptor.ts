import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { parseChecksums } from "@/lib/backup/checksum";
import { assertUnderRoot } from "@/lib/backup/repository";
import { db } from "@/lib/db";
import { fsyncPath, PRIVATE_FILE_MODE } from "@/lib/fs-private";
import {
  BACKUP_DESCRIPTOR_FILE,
  backupDescriptorFor,
  parseBackupDescriptor,
  REPOSITORY_DESCRIPTOR_FILE,
  repositoryDescriptorFor,
  serializeDescriptor,
  type BackupDescriptor,
  type ParsedDescriptor,
} from "./descriptor";

// The descriptors in the local repository: <root>/<cluster>/<backup id>/walden.json beside the
// backup's files, and <root>/<cluster>/walden-repository.json beside the cluster's backups.
// Written from the catalog when a backup succeeds, and lazily (when the backup is copied
// offsite) for backups taken before Walden wrote them. Each file is written whole or not at all
// (a private temporary file, fsynced, renamed), only inside the backup's own repository.

/** The backup's walden.json read and checked; null when there is none. */
export async function readLocalBackupDescriptor(
  backupDir: string,
): Promise<ParsedDescriptor<BackupDescriptor> | null> {
  const text = await fs.readFile(path.join(backupDir, BACKUP_DESCRIPTOR_FILE), "utf8").catch((error) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  });
  return text === null ? null : parseBackupDescriptor(text);
}

async function writeWhole(root: string, file: string, text: string): Promise<void> {
  await assertUnderRoot(root, file);
  const scratch = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
  try {
    await fs.writeFile(scratch, text, { mode: PRIVATE_FILE_MODE, flag: "wx" });
    await fsyncPath(scratch);
    await fs.rename(scratch, file);
  } finally {
    await fs.rm(scratch, { force: true });
  }
  await fsyncPath(path.dirname(file));
}

/**
 * Writes the descriptors of a succeeded backup from its catalog row: the backup's walden.json
 * and the repository's walden-repository.json. Returns the backup's descriptor.
 */
export async function writeLocalDescriptors(backupId: string): Promise<BackupDescriptor> {
  const backup = await db().backup.findUniqueOrThrow({
    where: { id: backupId },
    include: { cluster: { select: { name: true, archivePath: true } } },
  });
  if (!backup.path) throw new Error(`backup ${backupId} has no folder`);
  // The backup's own repository: its folder is <root>/<cluster>/<id>, even in an older root.
  const clusterDir = path.dirname(backup.path);
  const root = path.dirname(clusterDir);
  const sums = parseChecksums(await fs.readFile(path.join(backup.path, "SHA256SUMS"), "utf8"));
  const descriptor = backupDescriptorFor(
    backup,
    backup.cluster.name,
    sums.map((entry) => entry.file),
  );
  await writeWhole(root, path.join(backup.path, BACKUP_DESCRIPTOR_FILE), serializeDescriptor(descriptor));
  if (descriptor.kind === "physical" && backup.cluster.archivePath) {
    await writeWhole(
      root,
      path.join(clusterDir, REPOSITORY_DESCRIPTOR_FILE),
      serializeDescriptor(repositoryDescriptorFor(descriptor, backup.cluster.archivePath)),
    );
  }
  return descriptor;
}

/**
 * runBackup's last step: the new backup describes itself. Never throws: the backup is whole
 * whatever happens here, and a missing descriptor is written again when the backup is copied.
 */
export async function describeNewBackup(backupId: string): Promise<void> {
  try {
    await writeLocalDescriptors(backupId);
  } catch (error) {
    console.error(`[backup] writing the descriptor of backup ${backupId} failed:`, error);
  }
}

/**
 * The backup's descriptor: the one on disk when it is current (this backup, this checksum),
 * else written now from the catalog (backups taken before Walden wrote descriptors).
 */
export async function ensureLocalDescriptor(backup: {
  id: string;
  path: string;
  checksum: string | null;
}): Promise<BackupDescriptor> {
  const onDisk = await readLocalBackupDescriptor(backup.path);
  if (
    onDisk?.ok &&
    onDisk.descriptor.backupId === backup.id &&
    onDisk.descriptor.checksums.sha256 === backup.checksum
  )
    return onDisk.descriptor;
  return writeLocalDescriptors(backup.id);
}
