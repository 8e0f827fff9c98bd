import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { readJson } from "@/lib/db/json";
import type { BackupSchedule } from "@/lib/generated/prisma/client";
import { describeSchedule } from "@/lib/schedules/preview";
import {
  backupFromSchema,
  storedScheduleOptionsSchema,
  type ScheduleKind,
  type ScheduleSummary,
} from "@/lib/schemas/schedule";

// Reading backup schedules (the catalog is their source of truth; schedule-queues.ts carries
// them out).

export function toScheduleSummary(
  row: BackupSchedule,
  now = new Date(),
  primaryOfKind = true,
): ScheduleSummary {
  return {
    id: row.id,
    clusterId: row.clusterId,
    kind: row.kind,
    name: row.name,
    primaryOfKind,
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

/** The order schedules are listed in: by kind, then oldest first (the first of a kind is its default). */
export const scheduleOrder = [{ kind: "asc" }, { createdAt: "asc" }, { id: "asc" }] as const satisfies {
  [key: string]: "asc";
}[];

/** A cluster's schedules with their previews (404 for an unknown cluster). */
export async function listSchedules(clusterId: string, now = new Date()): Promise<ScheduleSummary[]> {
  await getClusterRowOrThrow(clusterId);
  const rows = await db().backupSchedule.findMany({ where: { clusterId }, orderBy: [...scheduleOrder] });
  return rows.map((row, index) =>
    toScheduleSummary(row, now, rows.findIndex((other) => other.kind === row.kind) === index),
  );
}

/** The cluster's first (oldest) schedule of a kind: what PUT/DELETE …/schedules/:kind address. */
export function firstScheduleOfKind(clusterId: string, kind: ScheduleKind): Promise<BackupSchedule | null> {
  return db().backupSchedule.findFirst({ where: { clusterId, kind }, orderBy: [...scheduleOrder] });
}

/** Whether this row is the oldest of its kind on its cluster. */
export async function isFirstOfKind(row: BackupSchedule): Promise<boolean> {
  return (await firstScheduleOfKind(row.clusterId, row.kind))?.id === row.id;
}
