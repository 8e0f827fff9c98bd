import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Backup } from "@/lib/generated/prisma/client";

export interface BackupSummary {
  id: string;
  clusterId: string;
  kind: "physical" | "logical";
  status: "queued" | "running" | "succeeded" | "failed" | "expired";
  label: string | null;
  options: unknown;
  requestedBy: string;
  progress: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
  sizeBytes: number | null;
  database: string | null;
  startLsn: string | null;
  stopLsn: string | null;
  timeline: number | null;
  startWal: string | null;
  stopWal: string | null;
  serverVersionNum: number | null;
  systemIdentifier: string | null;
  checksum: string | null;
  verified: boolean;
  verifiedAt: string | null;
  pinned: boolean;
  error: string | null;
}

export type BackupDetail = BackupSummary & { log: string | null; verifyLog: string | null };

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
  const backup = z.uuid().safeParse(id).success ? await db().backup.findUnique({ where: { id } }) : null;
  if (!backup) throw new AppError("not_found", `No backup with id ${id}`);
  return { ...toBackupSummary(backup), log: backup.log, verifyLog: backup.verifyLog };
}
