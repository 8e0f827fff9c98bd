import type PgBoss from "pg-boss";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { getActiveClusterRowOrThrow, getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { readJson, toJson } from "@/lib/db/json";
import { appError } from "@/lib/errors";
import type { BackupSchedule } from "@/lib/generated/prisma/client";
import { firstScheduleOfKind, isFirstOfKind, toScheduleSummary } from "@/lib/schedules/queries";
import { applySchedule, removeScheduleQueue, scheduleQueueName } from "@/lib/schedules/schedule-queues";
import {
  backupFromSchema,
  scheduleInputSchema,
  storedScheduleOptionsSchema,
  type ScheduleInput,
  type ScheduleKind,
  type ScheduleSummary,
} from "@/lib/schemas/schedule";

// Saving and removing a cluster's backup schedules (admin): the catalog row first, then its
// pg-boss side (schedule-queues.ts); each change audited. A cluster may have several schedules of
// each kind, each addressed by its id; the older per-kind calls address the first of the kind.

type Cluster = Awaited<ReturnType<typeof getActiveClusterRowOrThrow>>;

function checkBackupFrom(cluster: Cluster, input: ScheduleInput): void {
  const standby = input.backupFrom.startsWith("standby:") ? input.backupFrom.slice("standby:".length) : null;
  if (standby && !cluster.nodes.some((node) => node.name === standby))
    throw appError(
      "unprocessable_entity",
      "schedules.noNodeNamed",
      { cluster: cluster.name, standby, nodes: cluster.nodes.map((node) => node.name).join(", ") },
      { issues: [{ path: "backupFrom", message: `no node named ${standby}` }] },
    );
}

function rowData(input: ScheduleInput) {
  return {
    name: input.name,
    cron: input.cron,
    timezone: input.timezone,
    enabled: input.enabled,
    options: toJson(input.options),
    backupFrom: input.backupFrom,
  };
}

function previousOf(row: BackupSchedule) {
  return {
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled,
    backupFrom: row.backupFrom,
    options: row.options,
  };
}

/**
 * Applies a saved row to pg-boss. The catalog row is what counts: if pg-boss cannot be updated
 * now, the workers' refresh applies it within SCHEDULE_REFRESH_MS, so that failure is logged
 * rather than reported as a failed save.
 */
async function applyOrLog(boss: PgBoss, row: BackupSchedule): Promise<void> {
  await applySchedule(boss, row).catch((error) =>
    console.error(`[schedules] pg-boss not updated for ${row.id} (the worker will apply it):`, error),
  );
}

/** A new schedule of either kind beside the cluster's others (admin), applied to pg-boss. */
export async function createSchedule(
  actor: Actor,
  clusterId: string,
  input: ScheduleInput & { kind: ScheduleKind },
  meta: RequestMeta,
  boss: PgBoss,
): Promise<ScheduleSummary> {
  const cluster = await getActiveClusterRowOrThrow(clusterId);
  checkBackupFrom(cluster, input);
  const row = await db().backupSchedule.create({ data: { clusterId, kind: input.kind, ...rowData(input) } });
  await audit(
    actor,
    {
      action: "schedule.create",
      outcome: "success",
      target: { type: "schedule", id: row.id },
      details: { clusterId, kind: input.kind, schedule: input },
    },
    meta,
  );
  await applyOrLog(boss, row);
  return toScheduleSummary(row, new Date(), await isFirstOfKind(row));
}

/**
 * Creates or replaces the cluster's first schedule of this kind (admin): PUT …/schedules/:kind,
 * the contract from when a cluster had one schedule per kind.
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
  checkBackupFrom(cluster, input);
  const previous = await firstScheduleOfKind(clusterId, kind);
  const row = previous
    ? await db().backupSchedule.update({ where: { id: previous.id }, data: rowData(input) })
    : await db().backupSchedule.create({ data: { clusterId, kind, ...rowData(input) } });
  await audit(
    actor,
    {
      action: previous ? "schedule.update" : "schedule.create",
      outcome: "success",
      target: { type: "schedule", id: row.id },
      details: { clusterId, kind, schedule: input, ...(previous && { previous: previousOf(previous) }) },
    },
    meta,
  );
  await applyOrLog(boss, row);
  return toScheduleSummary(row, new Date(), true);
}

async function scheduleOrThrow(clusterId: string, scheduleId: string): Promise<BackupSchedule> {
  const row = z.uuid().safeParse(scheduleId).success
    ? await db().backupSchedule.findFirst({ where: { id: scheduleId, clusterId } })
    : null;
  if (!row) throw appError("not_found", "schedules.noScheduleWithId");
  return row;
}

/** What a stored row reads as, as an input (the base a PATCH is merged onto). */
function storedInput(row: BackupSchedule): Record<string, unknown> {
  return {
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled,
    options: readJson(storedScheduleOptionsSchema, row.options, "schedule options"),
    backupFrom: backupFromSchema.catch("primary").parse(row.backupFrom),
  };
}

/**
 * Changes one schedule (admin): the fields sent replace the stored ones, and the result is
 * checked whole against its kind's schema (a 422 names the field).
 */
export async function updateScheduleById(
  actor: Actor,
  clusterId: string,
  scheduleId: string,
  patch: Record<string, unknown>,
  meta: RequestMeta,
  boss: PgBoss,
): Promise<ScheduleSummary> {
  const cluster = await getActiveClusterRowOrThrow(clusterId);
  const previous = await scheduleOrThrow(clusterId, scheduleId);
  if ("kind" in patch && patch.kind !== previous.kind)
    throw appError(
      "unprocessable_entity",
      "schedules.kindCannotChange",
      {},
      { issues: [{ path: "kind", message: "cannot change; add a new schedule" }] },
    );
  const { kind: _kind, ...fields } = patch;
  void _kind;
  const input = scheduleInputSchema(previous.kind).parse({ ...storedInput(previous), ...fields });
  checkBackupFrom(cluster, input);
  const row = await db().backupSchedule.update({ where: { id: previous.id }, data: rowData(input) });
  await audit(
    actor,
    {
      action: "schedule.update",
      outcome: "success",
      target: { type: "schedule", id: row.id },
      details: { clusterId, kind: row.kind, schedule: input, previous: previousOf(previous) },
    },
    meta,
  );
  await applyOrLog(boss, row);
  return toScheduleSummary(row, new Date(), await isFirstOfKind(row));
}

async function removeRow(actor: Actor, row: BackupSchedule, meta: RequestMeta, boss: PgBoss): Promise<void> {
  await db().backupSchedule.delete({ where: { id: row.id } });
  await audit(
    actor,
    {
      action: "schedule.delete",
      outcome: "success",
      target: { type: "schedule", id: row.id },
      details: {
        clusterId: row.clusterId,
        kind: row.kind,
        name: row.name,
        cron: row.cron,
        timezone: row.timezone,
      },
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

/** Removes one schedule by its id (admin): catalog row, pg-boss schedule and queue. */
export async function deleteScheduleById(
  actor: Actor,
  clusterId: string,
  scheduleId: string,
  meta: RequestMeta,
  boss: PgBoss,
): Promise<void> {
  await getClusterRowOrThrow(clusterId);
  await removeRow(actor, await scheduleOrThrow(clusterId, scheduleId), meta, boss);
}

/** Removes the cluster's first schedule of this kind (admin): DELETE …/schedules/:kind. */
export async function deleteSchedule(
  actor: Actor,
  clusterId: string,
  kind: ScheduleKind,
  meta: RequestMeta,
  boss: PgBoss,
): Promise<void> {
  await getClusterRowOrThrow(clusterId);
  const row = await firstScheduleOfKind(clusterId, kind);
  if (!row) throw appError("not_found", "schedules.noScheduleOfKind", { kind });
  await removeRow(actor, row, meta, boss);
}
