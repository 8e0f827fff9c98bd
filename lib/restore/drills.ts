import cronParser from "cron-parser";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import type { Role } from "@/lib/auth/roles";
import { audit } from "@/lib/auth/audit";
import { systemActor } from "@/lib/auth/system-actor";
import { getActiveClusterRowOrThrow, getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import type { DrillSchedule } from "@/lib/generated/prisma/client";
import type { RestoreSource } from "@/lib/schemas/restore";
import type { DrillScheduleView } from "@/lib/schemas/restore-view";
import { cronSchema, timeZoneSchema } from "@/lib/schemas/schedule";
import { NoBackupKeyError } from "@/lib/backup/at-rest-open";
import { requestRestore } from "./mutations";

/** A drill's choices: the copy to restore from, and the key of a backup encrypted at rest. */
export interface DrillOptions {
  source?: RestoreSource;
  identity?: string;
}
import { listRestores, type RestoreView } from "./queries";

// Restore drills: a pitr restore of the latest backup to the latest archived point, verified,
// timed (RTO) and torn down. A cluster's schedule is its drill_schedules row (registration's
// defaults create a weekly one; defaults:false none); without a row no drill runs on its own.
// The worker's restore.sweep starts the drills that are due.

export const DEFAULT_DRILL_SCHEDULE = { cron: "0 5 * * 0", timezone: "UTC", enabled: true } as const;

/** The schedule's firing after (or, with "prev", before) a moment; null for a cron that cannot be read. */
export function drillFiring(
  schedule: Pick<DrillSchedule, "cron" | "timezone">,
  at: Date,
  direction: "next" | "prev" = "next",
): Date | null {
  try {
    const expression = cronParser.parseExpression(schedule.cron, { tz: schedule.timezone, currentDate: at });
    return (direction === "next" ? expression.next() : expression.prev()).toDate();
  } catch {
    return null;
  }
}

export async function getDrillSchedule(clusterId: string): Promise<DrillScheduleView> {
  const row = await db().drillSchedule.findUnique({ where: { clusterId } });
  // No row: no drill runs on its own; shown as the default, paused, for an admin to switch on.
  const schedule = row ?? { ...DEFAULT_DRILL_SCHEDULE, enabled: false, lastRunAt: null, lastOutcome: null };
  return {
    cron: schedule.cron,
    timezone: schedule.timezone,
    enabled: schedule.enabled,
    lastRunAt: schedule.lastRunAt?.toISOString() ?? null,
    lastOutcome: schedule.lastOutcome,
    nextRunAt: schedule.enabled ? (drillFiring(schedule, new Date())?.toISOString() ?? null) : null,
    isDefault: !row,
  };
}

/**
 * Starts a drill: a pitr restore to the latest point, promoted, with a one-hour life. Its copy is
 * chosen as a restore's is (local when whole, else offsite), or the one asked for.
 */
export function startDrill(
  clusterId: string,
  actor: Actor,
  meta: RequestMeta = {},
  options: DrillOptions = {},
) {
  return requestRestore(
    actor,
    {
      clusterId,
      kind: "pitr",
      target: { type: "latest" },
      action: "promote",
      ttlHours: 1,
      ...(options.source ? { source: options.source } : {}),
      // The key of a backup encrypted at rest, for this drill only (sealed by requestRestore).
      ...(options.identity ? { identity: options.identity } : {}),
    },
    meta,
    "drill",
  );
}

/** A cluster's drill schedule and its drill history (RTO, reached point), newest first. */
export async function getDrillOverview(
  clusterId: string,
  reader: Role,
): Promise<{ schedule: DrillScheduleView; history: RestoreView[] }> {
  const cluster = await getClusterRowOrThrow(clusterId);
  return {
    schedule: await getDrillSchedule(cluster.id),
    history: await listRestores({ clusterId: cluster.id, purpose: "drill", limit: 100 }, reader),
  };
}

/** Runs a drill now. A deleted cluster's backups stay restorable, but drills (evidence for a live cluster) stop. */
export async function startDrillNow(
  clusterId: string,
  actor: Actor,
  meta: RequestMeta,
  options: DrillOptions = {},
) {
  const cluster = await getActiveClusterRowOrThrow(clusterId);
  return startDrill(cluster.id, actor, meta, options);
}

/** Worker side: the drills whose last firing has not run yet. */
export async function startDueDrills(
  now = new Date(),
  log: (line: string) => void = () => {},
): Promise<number> {
  const clusters = await db().cluster.findMany({
    where: { retiredAt: null, drillSchedule: { isNot: null } },
    select: { id: true, name: true, createdAt: true, drillSchedule: true },
  });
  let started = 0;
  for (const cluster of clusters) {
    const schedule = cluster.drillSchedule;
    if (!schedule?.enabled) continue;
    const due = drillFiring(schedule, now, "prev");
    if (!due || due <= cluster.createdAt || (schedule.lastRunAt && schedule.lastRunAt >= due)) continue;
    let outcome: string;
    try {
      const drill = await startDrill(cluster.id, systemActor("drill schedule"));
      outcome = `started ${drill.id}`;
      started += 1;
    } catch (error) {
      if (error instanceof NoBackupKeyError) {
        // Encrypted at rest and Walden holds no key: nothing to drill with, not a failure.
        outcome = `skipped: ${error.message.replace(/^identity: /, "")}`;
        log(`drill ${cluster.name}: ${outcome}`);
        await db().drillSchedule.upsert({
          where: { clusterId: cluster.id },
          create: { clusterId: cluster.id, ...DEFAULT_DRILL_SCHEDULE, lastRunAt: now, lastOutcome: outcome },
          update: { lastRunAt: now, lastOutcome: outcome },
        });
        continue;
      }
      outcome = `not started: ${(error as Error).message}`;
      await audit(systemActor("drill schedule"), {
        action: "drill.request",
        outcome: "failed",
        target: { type: "cluster", id: cluster.id },
        details: { error: (error as Error).message },
      });
    }
    log(`drill ${cluster.name}: ${outcome}`);
    await db().drillSchedule.upsert({
      where: { clusterId: cluster.id },
      create: { clusterId: cluster.id, ...DEFAULT_DRILL_SCHEDULE, lastRunAt: now, lastOutcome: outcome },
      update: { lastRunAt: now, lastOutcome: outcome },
    });
  }
  return started;
}

export const drillScheduleSchema = z.strictObject({
  cron: cronSchema,
  timezone: timeZoneSchema,
  enabled: z.boolean().default(true),
});

export async function setDrillSchedule(
  actor: Actor,
  clusterId: string,
  input: z.infer<typeof drillScheduleSchema>,
  meta: RequestMeta,
): Promise<DrillScheduleView> {
  const cluster = await getActiveClusterRowOrThrow(clusterId);
  await db().drillSchedule.upsert({
    where: { clusterId: cluster.id },
    create: { clusterId: cluster.id, ...input },
    update: input,
  });
  await audit(
    actor,
    {
      action: "drill.schedule",
      outcome: "success",
      target: { type: "cluster", id: cluster.id },
      details: input,
    },
    meta,
  );
  return getDrillSchedule(cluster.id);
}
