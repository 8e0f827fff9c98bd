import type PgBoss from "pg-boss";
import type { VerifyScheduleView } from "@/lib/schemas/schedule";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { getActiveClusterRowOrThrow, getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { appError } from "@/lib/errors";
import { enqueue } from "@/lib/queue/boss";
import { drillFiring } from "@/lib/restore/drills";
import { cronSchema, timeZoneSchema } from "@/lib/schemas/schedule";

// The weekly verification, per cluster: when its schedule fires, every succeeded backup of the
// cluster not verified in the last 7 days is verified again (backup.verify: pg_verifybackup and
// the WAL it needs). Registration's defaults create the row; a cluster without one is never
// re-verified on its own. The worker's backup.reverify sweep (every 15 minutes) starts the
// verifications that are due, as restore.sweep does for drills.

export const DEFAULT_VERIFY_SCHEDULE = { cron: "0 4 * * 0", timezone: "UTC", enabled: true } as const;
/** A backup verified more recently than this is not verified again. */
export const REVERIFY_AFTER_MS = 7 * 86_400_000;

export const verifyScheduleSchema = z.strictObject({
  cron: cronSchema,
  timezone: timeZoneSchema,
  enabled: z.boolean({ error: "must be true or false" }).default(true),
});
export type VerifyScheduleInput = z.output<typeof verifyScheduleSchema>;

/** The cluster's verification schedule, or null when it has none (404 for an unknown cluster). */
export async function getVerifySchedule(
  clusterId: string,
  now = new Date(),
): Promise<VerifyScheduleView | null> {
  await getClusterRowOrThrow(clusterId);
  const row = await db().verifySchedule.findUnique({ where: { clusterId } });
  if (!row) return null;
  return {
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled,
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    lastOutcome: row.lastOutcome,
    nextRunAt: row.enabled ? (drillFiring(row, now)?.toISOString() ?? null) : null,
  };
}

/** Creates or replaces the cluster's verification schedule (admin, audited). */
export async function setVerifySchedule(
  actor: Actor,
  clusterId: string,
  input: VerifyScheduleInput,
  meta: RequestMeta,
): Promise<VerifyScheduleView> {
  const cluster = await getActiveClusterRowOrThrow(clusterId);
  const previous = await db().verifySchedule.findUnique({ where: { clusterId: cluster.id } });
  await db().verifySchedule.upsert({
    where: { clusterId: cluster.id },
    create: { clusterId: cluster.id, ...input },
    update: input,
  });
  await audit(
    actor,
    {
      action: previous ? "verify_schedule.update" : "verify_schedule.create",
      outcome: "success",
      target: { type: "cluster", id: cluster.id },
      details: {
        schedule: input,
        ...(previous && {
          previous: { cron: previous.cron, timezone: previous.timezone, enabled: previous.enabled },
        }),
      },
    },
    meta,
  );
  return (await getVerifySchedule(cluster.id))!;
}

/** Removes it (admin, audited): the cluster's backups are then verified only when asked. */
export async function deleteVerifySchedule(
  actor: Actor,
  clusterId: string,
  meta: RequestMeta,
): Promise<void> {
  const cluster = await getClusterRowOrThrow(clusterId);
  const removed = await db().verifySchedule.deleteMany({ where: { clusterId: cluster.id } });
  if (removed.count === 0) throw appError("not_found", "schedules.noVerifySchedule");
  await audit(
    actor,
    { action: "verify_schedule.delete", outcome: "success", target: { type: "cluster", id: cluster.id } },
    meta,
  );
}

/**
 * Worker side: for each cluster whose verification schedule fired since it last ran (and since
 * it was last changed), queues backup.verify for its backups not verified in the last 7 days.
 * Returns how many verifications were queued.
 */
export async function startDueVerifications(
  boss: PgBoss,
  now = new Date(),
  log: (line: string) => void = () => {},
): Promise<number> {
  const schedules = await db().verifySchedule.findMany({
    where: { enabled: true },
    include: { cluster: { select: { name: true } } },
  });
  let queued = 0;
  for (const schedule of schedules) {
    const due = drillFiring(schedule, now, "prev");
    if (!due || due <= schedule.updatedAt || (schedule.lastRunAt && schedule.lastRunAt >= due)) continue;
    let outcome: string;
    try {
      const backups = await db().backup.findMany({
        where: {
          clusterId: schedule.clusterId,
          status: "succeeded",
          OR: [{ verifiedAt: null }, { verifiedAt: { lt: new Date(now.getTime() - REVERIFY_AFTER_MS) } }],
        },
        select: { id: true },
        orderBy: { createdAt: "asc" },
      });
      for (const backup of backups) await enqueue(boss, "backup.verify", { backupId: backup.id });
      queued += backups.length;
      outcome = `queued ${backups.length} verification${backups.length === 1 ? "" : "s"}`;
    } catch (error) {
      outcome = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    log(`verification ${schedule.cluster.name}: ${outcome}`);
    await db().verifySchedule.update({
      where: { clusterId: schedule.clusterId },
      data: { lastRunAt: now, lastOutcome: outcome },
    });
  }
  return queued;
}
