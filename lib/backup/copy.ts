import fs from "node:fs/promises";
import path from "node:path";
import { sha256File } from "@/lib/backup/checksum";
import { claimCopy, COPY_HEARTBEAT_MS } from "@/lib/backup/copy-claim";
import {
  checkRepositoriesDistinct,
  realpathOrNearest,
  repositoriesAlias,
} from "@/lib/backup/repository-alias";
import {
  assertUnderRoot,
  backupPaths,
  folderSize,
  removeUnderRoot,
  repositoryRootFor,
} from "@/lib/backup/repository";
import { checkStoredSums } from "@/lib/backup/verify";
import { db } from "@/lib/db";
import { fsyncPath, mkdirPrivate, sealTree } from "@/lib/fs-private";
import { runTool } from "@/lib/tools/run";

// backup.copy: the 3-2-1 rule's second copy. The copy is claimed in the catalog (one running
// copy per backup and target, a unique index), copied into a scratch folder of its own
// attempt, every file checked against the original's SHA256SUMS, made private and fsynced, and
// only then renamed into place and recorded as succeeded. A copy never deletes an original:
// the second repository must not be, contain or lie inside the primary one (after realpath),
// and a copy already in place is replaced only once the new one is whole.

const STALE_AFTER_MS = 6 * COPY_HEARTBEAT_MS;

export interface CopyResult {
  ok: boolean;
  copyId: string | null;
  /** Another worker is copying this backup to the same place right now: this delivery did nothing. */
  alreadyRunning?: boolean;
}

/** The scratch folder of one copy attempt, beside the final folder (so the rename stays on one filesystem). */
function scratchDir(finalDir: string, copyId: string): string {
  return path.join(path.dirname(finalDir), `.copy-${copyId}`);
}

/** Refuses a copy that could write over, or next to, the original. */
async function checkCopyTarget(primaryRoot: string, secondaryRoot: string, backupDir: string): Promise<void> {
  await checkRepositoriesDistinct(primaryRoot, secondaryRoot);
  // The backup's own folder may sit in an older primary repository: it must not alias either.
  const problem = repositoriesAlias(
    await realpathOrNearest(backupDir),
    await realpathOrNearest(secondaryRoot),
  );
  if (problem) throw new Error(`the backup's folder and the second repository overlap: ${problem}`);
}

export async function copyBackup(backupId: string, workerId = `local:${process.pid}`): Promise<CopyResult> {
  const backup = await db().backup.findUnique({ where: { id: backupId }, include: { cluster: true } });
  const secondaryRoot = backup?.cluster.secondaryRepositoryPath;
  if (!backup || backup.status !== "succeeded" || !backup.path || !secondaryRoot)
    return { ok: false, copyId: null };

  const paths = backupPaths(secondaryRoot, backup.cluster.name, backup.id);
  const claim = await claimCopy({
    backupId,
    path: paths.finalDir,
    offsite: backup.cluster.secondaryOffsite,
    workerId,
  });
  if (!claim) return { ok: false, copyId: null, alreadyRunning: true };
  const copy = { id: claim.copyId };
  const scratch = scratchDir(paths.finalDir, copy.id);
  const replaced = path.join(paths.clusterDir, `.replaced-${copy.id}`);
  try {
    await checkCopyTarget(repositoryRootFor(backup.cluster), secondaryRoot, backup.path);
    await mkdirPrivate(paths.clusterDir);
    await assertUnderRoot(secondaryRoot, scratch);
    // cp, not an in-process copy: a copy that stops making progress (a hung mount) is killed by
    // the watchdog and fails, instead of holding the job and its heartbeat forever.
    const copied = await runTool({
      program: "cp",
      args: ["-R", "--", backup.path, scratch],
      waitingFor: `copying ${backup.path} to ${scratch}`,
    });
    if (copied.stalled) throw new Error(copied.stalled);
    if (copied.code !== 0)
      throw new Error(
        `cp failed (exit ${copied.code ?? copied.signal}): ${copied.stderrTail.slice(-3).join(" | ")}`,
      );
    const log: string[] = [];
    // The copy must match the sums written when the backup was taken, file by file.
    await checkStoredSums(scratch, log);
    // The backup's checksum is the SHA-256 of its SHA256SUMS list: the copy's list must be the same.
    const checksum = await sha256File(path.join(scratch, "SHA256SUMS"));
    if (backup.checksum && checksum !== backup.checksum) {
      throw new Error("the copy's checksum list differs from the original's");
    }
    const sizeBytes = await folderSize(scratch);
    // Private and on disk before the catalog says succeeded.
    await sealTree(scratch);
    // An earlier copy in place goes aside first and is removed only once the new one is there.
    const hadCopy = await fs.stat(paths.finalDir).then(
      () => true,
      () => false,
    );
    if (hadCopy) {
      await assertUnderRoot(secondaryRoot, paths.finalDir);
      await fs.rename(paths.finalDir, replaced);
    }
    await fs.rename(scratch, paths.finalDir);
    await fsyncPath(paths.clusterDir);
    if (hadCopy) await removeUnderRoot(secondaryRoot, replaced);
    await db().backupCopy.update({
      where: { id: copy.id },
      data: { status: "succeeded", checksum, sizeBytes: BigInt(sizeBytes), finishedAt: new Date() },
    });
    return { ok: true, copyId: copy.id };
  } catch (error) {
    await removeUnderRoot(secondaryRoot, scratch).catch(() => {});
    await db().backupCopy.update({
      where: { id: copy.id },
      data: {
        status: "failed",
        error: error instanceof Error ? error.message : String(error),
        finishedAt: new Date(),
      },
    });
    return { ok: false, copyId: copy.id };
  } finally {
    claim.release();
  }
}

/** A running copy whose worker stopped beating is failed, and its scratch folder removed. */
export async function reapStaleCopies(staleAfterMs = STALE_AFTER_MS): Promise<string[]> {
  const before = new Date(Date.now() - staleAfterMs);
  const stale = await db().backupCopy.findMany({
    where: {
      status: "running",
      OR: [{ heartbeatAt: { lt: before } }, { heartbeatAt: null, startedAt: { lt: before } }],
    },
    include: { backup: { include: { cluster: { select: { secondaryRepositoryPath: true } } } } },
  });
  for (const copy of stale) {
    const root = copy.backup.cluster.secondaryRepositoryPath;
    // An offsite copy has no scratch folder: its incomplete uploads are never objects.
    if (root && copy.repository === "folder")
      await removeUnderRoot(root, scratchDir(copy.path, copy.id)).catch(() => {});
    await db().backupCopy.updateMany({
      where: { id: copy.id, status: "running" },
      data: {
        status: "failed",
        finishedAt: new Date(),
        error: `the worker copying it (${copy.workerId ?? "unknown"}) stopped (no heartbeat since ${(copy.heartbeatAt ?? copy.startedAt)?.toISOString()}); scratch files removed`,
      },
    });
  }
  return stale.map((copy) => copy.id);
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
