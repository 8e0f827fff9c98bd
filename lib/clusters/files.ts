import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { folderSize, removeUnderRoot, repositoryRootFor } from "@/lib/backup/repository";
import { requireTypedName } from "@/lib/clusters/mutations";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { appError } from "@/lib/errors";

// A deleted (retired) cluster's backups stay on disk, restorable, until an admin removes them
// here, explicitly. The rows stay as evidence (marked expired, as retention does); the WAL
// archive folder is left alone: the server may still archive into it, and a cluster registered
// again may use it.

export interface RetiredFilesRemoval {
  id: string;
  name: string;
  backups: { removed: number; bytes: number };
  copies: { removed: number };
  /** Backups whose folder could not be removed, with why; their rows are left as they were. */
  failed: { backupId: string; message: string }[];
  archive: { path: string | null; removed: false };
}

/** DELETE /api/v1/clusters/:id/files: removes a retired cluster's backup folders and local copies. */
export async function removeRetiredClusterFiles(
  actor: Actor,
  id: string,
  confirm: string | null,
  meta: RequestMeta,
): Promise<RetiredFilesRemoval> {
  const cluster = await getClusterRowOrThrow(id);
  if (!cluster.retiredAt) throw appError("conflict", "clusters.stillRegistered", { name: cluster.name });
  await requireTypedName(actor, "cluster.files.remove", cluster, confirm, meta);

  const busy = await db().restore.count({
    where: {
      clusterId: id,
      OR: [{ status: { in: ["queued", "running"] } }, { instanceState: { in: ["running", "stopped"] } }],
    },
  });
  if (busy > 0) throw appError("conflict", "clusters.restoresBusy", { busy });

  const root = repositoryRootFor(cluster);
  const backups = await db().backup.findMany({
    where: { clusterId: id, path: { not: null } },
    include: { copies: true },
  });
  const result: RetiredFilesRemoval = {
    id,
    name: cluster.name,
    backups: { removed: 0, bytes: 0 },
    copies: { removed: 0 },
    failed: [],
    archive: { path: cluster.archivePath, removed: false },
  };
  for (const backup of backups) {
    try {
      const bytes = await folderSize(backup.path!).catch(() => 0);
      // Local second copies first: a failure there leaves the original, still listed, in place.
      for (const copy of backup.copies.filter((copy) => !copy.offsite && copy.status === "succeeded")) {
        if (!cluster.secondaryRepositoryPath) continue;
        await removeUnderRoot(cluster.secondaryRepositoryPath, copy.path);
        await db().backupCopy.update({ where: { id: copy.id }, data: { status: "expired" } });
        result.copies.removed += 1;
      }
      await removeUnderRoot(root, backup.path!);
      await db().backup.update({
        where: { id: backup.id },
        data: { status: backup.status === "succeeded" ? "expired" : backup.status, path: null },
      });
      result.backups.removed += 1;
      result.backups.bytes += bytes;
    } catch (error) {
      result.failed.push({ backupId: backup.id, message: (error as Error).message });
    }
  }
  await audit(
    actor,
    {
      action: "cluster.files.remove",
      outcome: result.failed.length ? "failed" : "success",
      target: { type: "cluster", id },
      details: { ...result },
    },
    meta,
  );
  return result;
}
