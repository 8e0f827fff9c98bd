import type PgBoss from "pg-boss";
import { z } from "zod";
import type { BackupSchedule } from "@/lib/generated/prisma/client";
import { BOSS_SCHEMA, ensureQueue } from "@/lib/queue/boss";
import { scheduleQueueOptions } from "@/lib/queue/queues";

// Backup schedules live in the catalog (the source of truth) and are carried out by pg-boss:
// pg-boss 10 keys cron schedules by queue name, so each schedule has its own queue,
// backup.scheduled.<id>, whose jobs say only { scheduleId }. This is that pg-boss side, kept in
// line by the web side when a schedule is saved (mutations.ts) and by every worker's refresh
// (worker.ts), which also turns each firing into a queued backup.

const QUEUE_PREFIX = "backup.scheduled.";

export function scheduleQueueName(scheduleId: string): string {
  return `${QUEUE_PREFIX}${scheduleId}`;
}

export function isScheduleQueue(name: string): boolean {
  return name.startsWith(QUEUE_PREFIX);
}

/** The payload pg-boss stores with the cron schedule and hands back at each firing. */
export const scheduledJobSchema = z.strictObject({ scheduleId: z.uuid() });

export type ScheduleTiming = Pick<BackupSchedule, "id" | "cron" | "timezone" | "enabled">;

/** Makes pg-boss match one catalog row: its queue exists, and it is scheduled exactly when enabled. */
export async function applySchedule(boss: PgBoss, schedule: ScheduleTiming): Promise<void> {
  const name = scheduleQueueName(schedule.id);
  await ensureQueue(boss, name, scheduleQueueOptions);
  if (schedule.enabled) {
    await boss.schedule(name, schedule.cron, { scheduleId: schedule.id }, { tz: schedule.timezone });
  } else {
    await boss.unschedule(name);
  }
}

/**
 * Removes a schedule's pg-boss side: its cron schedule, then its queue. pg-boss 10 refuses to
 * drop a queue that still holds jobs (completed ones included, until they are archived hours
 * later), and has no call to list them, so the finished and pending jobs of this queue, which
 * belong to nobody once the schedule is gone, are deleted first. A job running right now keeps
 * the queue; the next refresh retries.
 */
export async function removeScheduleQueue(boss: PgBoss, name: string): Promise<void> {
  await boss.unschedule(name);
  await boss.purgeQueue(name);
  await boss
    .getDb()
    .executeSql(`DELETE FROM ${BOSS_SCHEMA}.job WHERE name = $1 AND state > 'active'`, [name]);
  try {
    await boss.deleteQueue(name);
  } catch (error) {
    if ((error as { code?: unknown }).code === "23503")
      throw new Error(`${name} still has a running job; it is removed on a later refresh`);
    throw error;
  }
}
