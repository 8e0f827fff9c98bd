import fs from "node:fs/promises";
import path from "node:path";
import { sha256File } from "@/lib/backup/checksum";
import { assertUnderRoot, backupPaths, folderSize, removeUnderRoot } from "@/lib/backup/repository";
import { checkStoredSums } from "@/lib/backup/verify";
import { db } from "@/lib/db";

// backup.copy: the 3-2-1 rule's second copy. The backup folder is copied to the cluster's
// second repository under .partial-<id>, every file is checked against the original's
// SHA256SUMS, and only then renamed into place and recorded as a succeeded copy.

export async function copyBackup(backupId: string): Promise<{ ok: boolean; copyId: string | null }> {
  const backup = await db().backup.findUnique({ where: { id: backupId }, include: { cluster: true } });
  const secondaryRoot = backup?.cluster.secondaryRepositoryPath;
  if (!backup || backup.status !== "succeeded" || !backup.path || !secondaryRoot)
    return { ok: false, copyId: null };

  const paths = backupPaths(secondaryRoot, backup.cluster.name, backup.id);
  const copy = await db().backupCopy.create({
    data: {
      backupId,
      path: paths.finalDir,
      offsite: backup.cluster.secondaryOffsite,
      status: "running",
      startedAt: new Date(),
    },
  });
  try {
    await fs.mkdir(paths.clusterDir, { recursive: true });
    await assertUnderRoot(secondaryRoot, paths.partialDir);
    await removeUnderRoot(secondaryRoot, paths.partialDir);
    await removeUnderRoot(secondaryRoot, paths.finalDir);
    await fs.cp(backup.path, paths.partialDir, { recursive: true, errorOnExist: true, force: false });
    const log: string[] = [];
    // The copy must match the sums written when the backup was taken, file by file.
    await checkStoredSums(paths.partialDir, log);
    // The backup's checksum is the SHA-256 of its SHA256SUMS list: the copy's list must be the same.
    const checksum = await sha256File(path.join(paths.partialDir, "SHA256SUMS"));
    if (backup.checksum && checksum !== backup.checksum) {
      throw new Error("the copy's checksum list differs from the original's");
    }
    const sizeBytes = await folderSize(paths.partialDir);
    await fs.rename(paths.partialDir, paths.finalDir);
    await db().backupCopy.update({
      where: { id: copy.id },
      data: { status: "succeeded", checksum, sizeBytes: BigInt(sizeBytes), finishedAt: new Date() },
    });
    return { ok: true, copyId: copy.id };
  } catch (error) {
    await removeUnderRoot(secondaryRoot, paths.partialDir).catch(() => {});
    await db().backupCopy.update({
      where: { id: copy.id },
      data: {
        status: "failed",
        error: error instanceof Error ? error.message : String(error),
        finishedAt: new Date(),
      },
    });
    return { ok: false, copyId: copy.id };
  }
}

export async function listCopies(backupId: string) {
  const copies = await db().backupCopy.findMany({ where: { backupId }, orderBy: { createdAt: "asc" } });
  return copies.map((copy) => ({
    id: copy.id,
    path: copy.path,
    offsite: copy.offsite,
    status: copy.status,
    checksum: copy.checksum,
    sizeBytes: copy.sizeBytes === null ? null : Number(copy.sizeBytes),
    error: copy.error,
    startedAt: copy.startedAt?.toISOString() ?? null,
    finishedAt: copy.finishedAt?.toISOString() ?? null,
  }));
}
