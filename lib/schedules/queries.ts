import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { readJson } from "@/lib/db/json";
import type { BackupSchedule } from "@/lib/generated/prisma/client";
import { describeSchedule } from "@/lib/schedules/preview";
import { backupFromSchema, storedScheduleOptionsSchema, type ScheduleSummary } from "@/lib/schemas/schedule";

// Reading backup schedules (the catalog is their source of truth; schedule-queues.ts carries
// them out).

export function toScheduleSummary(row: BackupSchedule, now = new Date()): ScheduleSummary {
  return {
    id: row.id,
    clusterId: row.clusterId,
    kind: row.kind,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled,
    options: readJson(storedScheduleOptionsSchema, row.options, "schedule options"),
    // The migration's CHECK allows nothing else; a hand-written oddity reads as the default.
    backupFrom: backupFromSchema.catch("primary").parse(row.backupFrom),
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    lastOutcome: row.lastOutcome,
    // updatedAt moves on every change and every firing: a firing expected before it is not missed.
    preview: describeSchedule(row.cron, row.timezone, now, row.lastRunAt, {
      enabled: row.enabled,
      activeSince: row.updatedAt,
      lastOutcome: row.lastOutcome,
    }),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A cluster's schedules with their previews (404 for an unknown cluster). */
export async function listSchedules(clusterId: string, now = new Date()): Promise<ScheduleSummary[]> {
  await getClusterRowOrThrow(clusterId);
  const rows = await db().backupSchedule.findMany({ where: { clusterId }, orderBy: { kind: "asc" } });
  return rows.map((row) => toScheduleSummary(row, now));
}
