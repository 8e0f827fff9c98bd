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
  parseRepositoryDescriptor,
  REPOSITORY_DESCRIPTOR_FILE,
  repositoryDescriptorFor,
  serializeDescriptor,
  type BackupDescriptor,
  type DescribedBackupRow,
  type ParsedDescriptor,
  type RepositoryDescriptor,
} from "./descriptor";

// The descriptors in the local repository: <root>/<cluster>/<backup id>/walden.json beside the
// backup's files, and <root>/<cluster>/walden-repository.json beside the cluster's backups.
// Written by runBackup with the backup's files (from the row it is about to mark succeeded), and
// lazily from the catalog (when the backup is copied offsite) for backups taken before Walden
// wrote them. Each file is written whole or not at all (a private temporary file, fsynced,
// renamed; a new backup's walden.json with the folder it is sealed and renamed in), only inside
// the backup's own repository.

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

/** The files a backup folder's SHA256SUMS lists. */
async function listedFiles(backupDir: string): Promise<string[]> {
  const sums = parseChecksums(await fs.readFile(path.join(backupDir, "SHA256SUMS"), "utf8"));
  return sums.map((entry) => entry.file);
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
  const descriptor = backupDescriptorFor(backup, backup.cluster.name, await listedFiles(backup.path));
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
 * A new backup's walden.json, written into its partial folder before the folder is sealed and
 * renamed (so it is whole exactly when the backup is), from the row the catalog is about to hold.
 * Never throws (null then): the backup is whole without it, and a missing descriptor is written
 * again when the backup is copied.
 */
export async function describeNewBackup(
  partialDir: string,
  row: DescribedBackupRow,
  clusterName: string,
): Promise<BackupDescriptor | null> {
  const file = path.join(partialDir, BACKUP_DESCRIPTOR_FILE);
  try {
    const descriptor = backupDescriptorFor(row, clusterName, await listedFiles(partialDir));
    await fs.writeFile(file, serializeDescriptor(descriptor), { mode: PRIVATE_FILE_MODE });
    return descriptor;
  } catch (error) {
    console.error(`[backup] writing the descriptor of backup ${row.id} failed:`, error);
    await fs.rm(file, { force: true }).catch(() => {});
    return null;
  }
}

/**
 * runBackup's last step: the cluster's walden-repository.json, rewritten only when what it says
 * (not when it was written) changed. Never throws, as describeNewBackup.
 */
export async function describeRepository(
  clusterDir: string,
  backup: BackupDescriptor | null,
  archivePath: string | null,
): Promise<void> {
  if (backup?.kind !== "physical" || !archivePath) return;
  try {
    const file = path.join(clusterDir, REPOSITORY_DESCRIPTOR_FILE);
    const wanted = repositoryDescriptorFor(backup, archivePath);
    const onDisk = await fs
      .readFile(file, "utf8")
      .then(parseRepositoryDescriptor)
      .catch(() => null);
    if (onDisk?.ok && sameRepository(onDisk.descriptor, wanted)) return;
    await writeWhole(path.dirname(clusterDir), file, serializeDescriptor(wanted));
  } catch (error) {
    console.error(`[backup] writing the repository descriptor in ${clusterDir} failed:`, error);
  }
}

const sameRepository = (a: RepositoryDescriptor, b: RepositoryDescriptor) =>
  JSON.stringify({ ...a, writtenAt: null }) === JSON.stringify({ ...b, writtenAt: null });

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
