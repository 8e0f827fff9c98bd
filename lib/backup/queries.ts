import { z } from "zod";
import { db } from "@/lib/db";
import { appError } from "@/lib/errors";
import type { Backup } from "@/lib/generated/prisma/client";
import type { BackupCopyView, BackupDetail, BackupSummary } from "@/lib/schemas/backup";

// The shapes are wire types (lib/schemas/backup.ts): the backup pages and hooks take them from there.
export type { BackupDetail, BackupSummary };

const iso = (value: Date | null) => value?.toISOString() ?? null;

export function toBackupSummary(backup: Backup): BackupSummary {
  return {
    id: backup.id,
    clusterId: backup.clusterId,
    kind: backup.kind,
    status: backup.status,
    label: backup.label,
    options: backup.options,
    requestedBy: backup.requestedBy,
    progress: backup.progress,
    createdAt: backup.createdAt.toISOString(),
    startedAt: iso(backup.startedAt),
    finishedAt: iso(backup.finishedAt),
    durationSeconds:
      backup.startedAt && backup.finishedAt
        ? (backup.finishedAt.getTime() - backup.startedAt.getTime()) / 1000
        : null,
    sizeBytes: backup.sizeBytes === null ? null : Number(backup.sizeBytes),
    database: backup.database,
    startLsn: backup.startLsn,
    stopLsn: backup.stopLsn,
    timeline: backup.timeline,
    startWal: backup.startWal,
    stopWal: backup.stopWal,
    serverVersionNum: backup.serverVersionNum,
    systemIdentifier: backup.systemIdentifier,
    checksum: backup.checksum,
    verified: backup.verified,
    verifiedAt: iso(backup.verifiedAt),
    pinned: backup.pinned,
    error: backup.error,
  };
}

export const backupListQuerySchema = z.strictObject({
  clusterId: z.uuid("must be a cluster id").optional(),
  status: z.enum(["queued", "running", "succeeded", "failed", "expired"]).optional(),
  kind: z.enum(["physical", "logical"]).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export async function listBackups(query: z.infer<typeof backupListQuerySchema>): Promise<BackupSummary[]> {
  const backups = await db().backup.findMany({
    where: { clusterId: query.clusterId, status: query.status, kind: query.kind },
    orderBy: { createdAt: "desc" },
    take: query.limit,
  });
  return backups.map(toBackupSummary);
}

export async function getBackupOrThrow(id: string): Promise<BackupDetail> {
  const backup = z.uuid().safeParse(id).success
    ? await db().backup.findUnique({ where: { id }, include: { copies: { orderBy: { createdAt: "asc" } } } })
    : null;
  if (!backup) throw appError("not_found", "backups.noBackup", { id });
  const copies: BackupCopyView[] = [
    {
      repository: "local",
      status: backup.status,
      sizeBytes: backup.sizeBytes === null ? null : Number(backup.sizeBytes),
      verifiedAt: iso(backup.verifiedAt),
      location: backup.path,
      error: null,
    },
    ...backup.copies.map((copy) => ({
      repository: copy.repository === "s3" || copy.offsite ? ("offsite" as const) : ("local" as const),
      status: copy.status,
      sizeBytes: copy.sizeBytes === null ? null : Number(copy.sizeBytes),
      verifiedAt: iso(copy.verifiedAt),
      location: copy.path,
      error: copy.error,
    })),
  ];
  return { ...toBackupSummary(backup), log: backup.log, verifyLog: backup.verifyLog, copies };
}
