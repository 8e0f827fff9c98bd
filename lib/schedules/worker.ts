import type PgBoss from "pg-boss";
import { audit } from "@/lib/auth/audit";
import { systemActor } from "@/lib/auth/system-actor";
import { db } from "@/lib/db";
import { readJson, toJson } from "@/lib/db/json";
import type { BackupSchedule } from "@/lib/generated/prisma/client";
import { enqueue, ensureQueue } from "@/lib/queue/boss";
import { scheduleQueueOptions } from "@/lib/queue/queues";
import {
  applySchedule,
  isScheduleQueue,
  removeScheduleQueue,
  scheduledJobSchema,
  scheduleQueueName,
  type ScheduleTiming,
} from "@/lib/schedules/schedule-queues";
import { backupRequestSchema } from "@/lib/schemas/backup";
import { storedScheduleOptionsSchema } from "@/lib/schemas/schedule";

// The worker side of backup schedules: each worker consumes every schedule's queue
// (startScheduleWorkers), keeps pg-boss in line with the catalog, and turns each firing into a
// queued backup (runScheduledBackup).

/** How often a worker re-reads the catalog for new, changed and deleted schedules. */
export const SCHEDULE_REFRESH_MS = 15_000;
/** Schedule queues see at most one job per firing; a slow poll keeps N schedules cheap. */
const SCHEDULE_POLL_SECONDS = 5;

/** Who the audit log shows for what a schedule does on its own. */
const scheduleActor = systemActor("schedule");

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export type ScheduledRunResult =
  | { outcome: "started"; backupId: string; jobId: string | null }
  | { outcome: "skipped"; runningBackupId: string }
  | { outcome: "failed"; error: string }
  | { outcome: "ignored"; reason: string };

type Decision =
  | { kind: "ignored"; reason: string }
  | { kind: "skipped"; schedule: BackupSchedule; runningBackupId: string; message: string }
  | { kind: "invalid"; schedule: BackupSchedule; message: string }
  | { kind: "started"; schedule: BackupSchedule; backupId: string; request: unknown };

/**
 * What a worker runs when pg-boss fires a schedule. Refuses to overlap: while the backup this
 * schedule started last is still queued or running, the firing is skipped and says so (lastOutcome
 * and the audit log). Otherwise it catalogs a queued backup (requestedBy "schedule", scheduleId)
 * and enqueues backup.run. The schedule row is locked meanwhile, so two firings cannot both start.
 */
export async function runScheduledBackup(
  scheduleId: string,
  boss: PgBoss,
  now = new Date(),
): Promise<ScheduledRunResult> {
  scheduledJobSchema.parse({ scheduleId });
  const decision = await db().$transaction(async (tx): Promise<Decision> => {
    await tx.$queryRaw`SELECT id FROM backup_schedules WHERE id = ${scheduleId}::uuid FOR UPDATE`;
    const schedule = await tx.backupSchedule.findUnique({ where: { id: scheduleId } });
    if (!schedule) return { kind: "ignored", reason: "the schedule no longer exists" };
    if (!schedule.enabled) return { kind: "ignored", reason: "the schedule is disabled" };

    const running = await tx.backup.findFirst({
      where: { scheduleId, status: { in: ["queued", "running"] } },
      orderBy: { createdAt: "desc" },
      select: { id: true },
    });
    if (running) {
      const message = `skipped: the previous run (${running.id}) was still running`;
      await tx.backupSchedule.update({
        where: { id: scheduleId },
        data: { lastRunAt: now, lastOutcome: message },
      });
      return { kind: "skipped", schedule, runningBackupId: running.id, message };
    }

    // Parsed again as a request: the catalog may predate a tightened schema, and what reaches
    // pg_dump's argv must pass today's.
    const parsed = backupRequestSchema.safeParse({
      ...readJson(storedScheduleOptionsSchema, schedule.options, "schedule options"),
      clusterId: schedule.clusterId,
      kind: schedule.kind,
    });
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((issue) => `${issue.path.join(".") || "options"}: ${issue.message}`)
        .join("; ");
      const message = `failed: the schedule's backup options are no longer valid (${problems})`;
      await tx.backupSchedule.update({
        where: { id: scheduleId },
        data: { lastRunAt: now, lastOutcome: message },
      });
      return { kind: "invalid", schedule, message };
    }

    const request = parsed.data;
    const backup = await tx.backup.create({
      data: {
        clusterId: schedule.clusterId,
        kind: request.kind,
        label: request.label ?? null,
        options: toJson(request),
        requestedBy: "schedule",
        database: request.kind === "logical" ? (request.database ?? null) : null,
        scheduleId,
      },
    });
    await tx.backupSchedule.update({
      where: { id: scheduleId },
      data: { lastRunAt: now, lastOutcome: `started ${backup.id}` },
    });
    return { kind: "started", schedule, backupId: backup.id, request };
  });

  if (decision.kind === "ignored") return { outcome: "ignored", reason: decision.reason };
  const target = { type: "schedule", id: scheduleId };
  if (decision.kind === "skipped") {
    await audit(scheduleActor, {
      action: "schedule.run",
      outcome: "failed",
      target,
      details: { reason: "overlap", runningBackupId: decision.runningBackupId, message: decision.message },
    });
    return { outcome: "skipped", runningBackupId: decision.runningBackupId };
  }
  if (decision.kind === "invalid") {
    await audit(scheduleActor, {
      action: "schedule.run",
      outcome: "failed",
      target,
      details: { reason: "invalid options", message: decision.message },
    });
    return { outcome: "failed", error: decision.message };
  }

  let jobId: string | null;
  try {
    jobId = await enqueue(boss, "backup.run", { backupId: decision.backupId });
  } catch (error) {
    // A queued row without a job would block this schedule forever (it looks like an overlap).
    const message = `could not queue backup.run: ${errorMessage(error)}`;
    await db().backup.update({
      where: { id: decision.backupId },
      data: { status: "failed", finishedAt: new Date(), error: message },
    });
    await db().backupSchedule.update({
      where: { id: scheduleId },
      data: { lastOutcome: `failed: ${message}` },
    });
    await audit(scheduleActor, {
      action: "schedule.run",
      outcome: "failed",
      target,
      details: { backupId: decision.backupId, message },
    });
    throw error;
  }
  await audit(scheduleActor, {
    action: "backup.request",
    outcome: "success",
    target: { type: "backup", id: decision.backupId },
    details: { scheduleId, request: decision.request },
  });
  return { outcome: "started", backupId: decision.backupId, jobId };
}

function describeRun(result: ScheduledRunResult): string {
  switch (result.outcome) {
    case "started":
      return `started backup ${result.backupId}`;
    case "skipped":
      return `skipped: backup ${result.runningBackupId} from the previous firing is still running`;
    case "failed":
      return result.error;
    case "ignored":
      return `ignored: ${result.reason}`;
  }
}

type BossScheduleRow = PgBoss.Schedule & { timezone?: string | null };

function matches(current: BossScheduleRow, schedule: ScheduleTiming): boolean {
  const data = current.data as { scheduleId?: unknown } | undefined;
  return (
    current.cron === schedule.cron &&
    (current.timezone ?? "UTC") === schedule.timezone &&
    data?.scheduleId === schedule.id
  );
}

export interface ScheduleWorkers {
  /** Re-reads the catalog now (the timer does it every SCHEDULE_REFRESH_MS). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Run by each worker process: consumes every schedule queue in the catalog and keeps pg-boss in
 * line with the catalog. At start it re-applies every enabled schedule (the catalog is the source
 * of truth); then every SCHEDULE_REFRESH_MS it picks up new schedules, applies changed ones,
 * stops consuming deleted ones and removes their pg-boss schedule and queue (a deleted cluster
 * takes its schedules with it in the catalog only).
 */
export async function startScheduleWorkers(
  boss: PgBoss,
  log: (line: string) => void,
  options: { refreshMs?: number; pollingIntervalSeconds?: number } = {},
): Promise<ScheduleWorkers> {
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? SCHEDULE_POLL_SECONDS;
  const working = new Set<string>();
  let stopped = false;
  let inFlight: Promise<void> | null = null;
  let again: Promise<void> | null = null;

  const handler = async (jobs: PgBoss.Job<unknown>[]) => {
    for (const job of jobs) {
      const { scheduleId } = scheduledJobSchema.parse(job.data);
      log(`schedule ${scheduleId}: ${describeRun(await runScheduledBackup(scheduleId, boss))}`);
    }
  };

  async function reconcile(reapply: boolean): Promise<void> {
    // pg-boss first, then the catalog: a row is committed before its queue is created, so a
    // queue seen here whose row is missing below really is an orphan, not a schedule being born.
    const queues = (await boss.getQueues()).map((queue) => queue.name).filter(isScheduleQueue);
    const scheduled = new Map(
      ((await boss.getSchedules()) as BossScheduleRow[])
        .filter((schedule) => isScheduleQueue(schedule.name))
        .map((schedule) => [schedule.name, schedule]),
    );
    const rows = await db().backupSchedule.findMany({
      select: { id: true, cron: true, timezone: true, enabled: true },
    });
    const wanted = new Map(rows.map((row) => [scheduleQueueName(row.id), row]));
    const existing = new Set(queues);

    for (const [name, row] of wanted) {
      if (stopped) return;
      try {
        const current = scheduled.get(name);
        if (!existing.has(name)) await ensureQueue(boss, name, scheduleQueueOptions);
        if (row.enabled && (reapply || !current || !matches(current, row))) await applySchedule(boss, row);
        if (!row.enabled && current) await boss.unschedule(name);
        if (!working.has(name)) {
          await boss.work(name, { batchSize: 1, pollingIntervalSeconds }, handler);
          working.add(name);
        }
      } catch (error) {
        log(`schedule ${row.id}: could not apply to pg-boss: ${errorMessage(error)}`);
      }
    }

    for (const name of working) {
      if (wanted.has(name)) continue;
      await boss.offWork(name);
      working.delete(name);
    }
    for (const name of new Set([...queues, ...scheduled.keys()])) {
      if (wanted.has(name)) continue;
      try {
        await removeScheduleQueue(boss, name);
        log(`${name}: removed, its schedule is no longer in the catalog`);
      } catch (error) {
        log(`${name}: could not remove: ${errorMessage(error)}`);
      }
    }
  }

  // One reconcile at a time; a refresh asked for meanwhile runs once more after it, so a caller
  // always gets a pass that started after its call.
  function refresh(reapply = false): Promise<void> {
    if (stopped) return Promise.resolve();
    if (!inFlight) {
      inFlight = reconcile(reapply)
        .catch((error) => log(`schedules: refresh failed: ${errorMessage(error)}`))
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    }
    again ??= inFlight.then(() => {
      again = null;
      return refresh(reapply);
    });
    return again;
  }

  await refresh(true);
  log(`schedules: consuming ${working.size} schedule queue${working.size === 1 ? "" : "s"}`);
  const timer = setInterval(() => void refresh(), options.refreshMs ?? SCHEDULE_REFRESH_MS);
  timer.unref();

  return {
    refresh: () => refresh(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await again;
      await inFlight;
      for (const name of working) await boss.offWork(name);
      working.clear();
    },
  };
}
