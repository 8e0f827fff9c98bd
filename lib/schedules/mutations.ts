import type PgBoss from "pg-boss";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { getActiveClusterRowOrThrow, getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import { AppError } from "@/lib/errors";
import { toScheduleSummary } from "@/lib/schedules/queries";
import { applySchedule, removeScheduleQueue, scheduleQueueName } from "@/lib/schedules/schedule-queues";
import type { ScheduleInput, ScheduleKind, ScheduleSummary } from "@/lib/schemas/schedule";

// Saving and removing a cluster's backup schedules (admin): the catalog row first, then its
// pg-boss side (schedule-queues.ts); each change audited.

/**
 * Creates or replaces the cluster's schedule of this kind (admin), then applies it to pg-boss.
 * The catalog row is what counts: if pg-boss cannot be updated now, the workers' refresh applies
 * it within SCHEDULE_REFRESH_MS, so that failure is logged rather than reported as a failed save.
 */
export async function upsertSchedule(
  actor: Actor,
  clusterId: string,
  kind: ScheduleKind,
  input: ScheduleInput,
  meta: RequestMeta,
  boss: PgBoss,
): Promise<ScheduleSummary> {
  const cluster = await getActiveClusterRowOrThrow(clusterId);
  const standby = input.backupFrom.startsWith("standby:") ? input.backupFrom.slice("standby:".length) : null;
  if (standby && !cluster.nodes.some((node) => node.name === standby))
    throw new AppError(
      "unprocessable_entity",
      `backupFrom: cluster ${cluster.name} has no node named ${standby} (it has ${cluster.nodes.map((node) => node.name).join(", ")})`,
      { issues: [{ path: "backupFrom", message: `no node named ${standby}` }] },
    );
  const previous = await db().backupSchedule.findUnique({ where: { clusterId_kind: { clusterId, kind } } });
  const data = {
    cron: input.cron,
    timezone: input.timezone,
    enabled: input.enabled,
    options: toJson(input.options),
    backupFrom: input.backupFrom,
  };
  const row = await db().backupSchedule.upsert({
    where: { clusterId_kind: { clusterId, kind } },
    create: { clusterId, kind, ...data },
    update: data,
  });
  await audit(
    actor,
    {
      action: previous ? "schedule.update" : "schedule.create",
      outcome: "success",
      target: { type: "schedule", id: row.id },
      details: {
        clusterId,
        kind,
        schedule: input,
        ...(previous && {
          previous: {
            cron: previous.cron,
            timezone: previous.timezone,
            enabled: previous.enabled,
            backupFrom: previous.backupFrom,
          },
        }),
      },
    },
    meta,
  );
  await applySchedule(boss, row).catch((error) =>
    console.error(`[schedules] pg-boss not updated for ${row.id} (the worker will apply it):`, error),
  );
  return toScheduleSummary(row);
}

/** Removes the cluster's schedule of this kind (admin): catalog row, pg-boss schedule and queue. */
export async function deleteSchedule(
  actor: Actor,
  clusterId: string,
  kind: ScheduleKind,
  meta: RequestMeta,
  boss: PgBoss,
): Promise<void> {
  await getClusterRowOrThrow(clusterId);
  const row = await db().backupSchedule.findUnique({ where: { clusterId_kind: { clusterId, kind } } });
  if (!row) throw new AppError("not_found", `This cluster has no ${kind} backup schedule`);
  await db().backupSchedule.delete({ where: { id: row.id } });
  await audit(
    actor,
    {
      action: "schedule.delete",
      outcome: "success",
      target: { type: "schedule", id: row.id },
      details: { clusterId, kind, cron: row.cron, timezone: row.timezone },
    },
    meta,
  );
  try {
    await removeScheduleQueue(boss, scheduleQueueName(row.id));
  } catch (error) {
    // A firing of a deleted schedule does nothing, and the workers' refresh removes the queue.
    console.error(`[schedules] pg-boss not cleaned up for ${row.id} (the worker will do it):`, error);
  }
}
