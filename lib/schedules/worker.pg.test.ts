import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import { BOSS_SCHEMA, createBoss, ensureQueues } from "@/lib/queue/boss";
import { upsertSchedule } from "@/lib/schedules/mutations";
import { removeScheduleQueue, scheduleQueueName } from "@/lib/schedules/schedule-queues";
import { runScheduledBackup, startScheduleWorkers, type ScheduleWorkers } from "@/lib/schedules/worker";
import { scheduleInputSchema } from "@/lib/schemas/schedule";

// Firings against the real catalog and pg-boss: what runScheduledBackup catalogs and enqueues,
// the overlap rule, and the worker side picking up schedules created after it started.

const admin: Actor = {
  kind: "session",
  userId: "00000000-0000-0000-0000-000000000002",
  email: "schedule-test",
  role: "admin",
  label: "schedule test",
};
let boss: PgBoss;
let clusterId: string;
const jobIds: string[] = [];
const queueNames = new Set<string>();

beforeAll(async () => {
  const cluster = await db().cluster.create({
    data: { name: `fired-${Date.now().toString(36)}`, archiveMode: "archive_command" },
  });
  clusterId = cluster.id;
  // No cron supervision: firings happen when the test says so.
  boss = createBoss(inject("databaseUrl"), { schedule: false, supervise: false });
  await boss.start();
  await ensureQueues(boss);
});

afterAll(async () => {
  // Nothing consumes backup.run here; leave no job behind for another test's worker.
  if (jobIds.length) await boss.cancel("backup.run", jobIds);
  for (const name of queueNames) await removeScheduleQueue(boss, name);
  await db().cluster.delete({ where: { id: clusterId } });
  await boss.stop({ graceful: false });
});

async function schedule(kind: "physical" | "logical", body: Record<string, unknown>) {
  const input = scheduleInputSchema(kind).parse(body);
  const summary = await upsertSchedule(admin, clusterId, kind, input, {}, boss);
  queueNames.add(scheduleQueueName(summary.id));
  return summary;
}

/** The backup.run jobs for a backup, read without fetching (fetching would start them); remembered for cleanup. */
async function backupRunJob(backupId: string): Promise<string[]> {
  const { rows } = (await boss
    .getDb()
    .executeSql(`SELECT id FROM ${BOSS_SCHEMA}.job WHERE name = 'backup.run' AND data->>'backupId' = $1`, [
      backupId,
    ])) as { rows: { id: string }[] };
  const ids = rows.map((row) => row.id);
  jobIds.push(...ids);
  return ids;
}

async function started(scheduleId: string) {
  const result = await runScheduledBackup(scheduleId, boss);
  if (result.outcome !== "started") throw new Error(`expected a start, got ${JSON.stringify(result)}`);
  if (result.jobId) jobIds.push(result.jobId);
  return result;
}

describe("runScheduledBackup", () => {
  let scheduleId: string;

  beforeAll(async () => {
    scheduleId = (
      await schedule("logical", {
        cron: "0 2 * * *",
        timezone: "UTC",
        options: { database: "app", tables: ["public.*"] },
      })
    ).id;
  });

  it("catalogs a queued backup with the schedule's id and options, and enqueues backup.run", async () => {
    const result = await started(scheduleId);
    const backup = await db().backup.findUniqueOrThrow({ where: { id: result.backupId } });
    expect(backup).toMatchObject({
      clusterId,
      kind: "logical",
      status: "queued",
      requestedBy: "schedule",
      scheduleId,
      database: "app",
    });
    expect(backup.options).toMatchObject({
      clusterId,
      kind: "logical",
      database: "app",
      tables: ["public.*"],
    });

    const job = await boss.getJobById<{ backupId: string }>("backup.run", result.jobId!);
    expect(job?.data).toEqual({ backupId: result.backupId });

    const row = await db().backupSchedule.findUniqueOrThrow({ where: { id: scheduleId } });
    expect(row.lastOutcome).toBe(`started ${result.backupId}`);
    expect(row.lastRunAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(
      await db().auditEvent.count({
        where: { action: "backup.request", targetId: result.backupId, actorLabel: "schedule" },
      }),
    ).toBe(1);
  });

  it("skips a firing while the previous run is still queued, and says so", async () => {
    const previous = await db().backup.findFirstOrThrow({
      where: { scheduleId },
      orderBy: { createdAt: "desc" },
    });
    const before = await db().backup.count({ where: { scheduleId } });

    expect(await runScheduledBackup(scheduleId, boss)).toEqual({
      outcome: "skipped",
      runningBackupId: previous.id,
    });
    expect(await db().backup.count({ where: { scheduleId } })).toBe(before);
    const row = await db().backupSchedule.findUniqueOrThrow({ where: { id: scheduleId } });
    expect(row.lastOutcome).toBe(`skipped: the previous run (${previous.id}) was still running`);
    const event = await db().auditEvent.findFirstOrThrow({
      where: { action: "schedule.run", targetId: scheduleId },
      orderBy: { at: "desc" },
    });
    expect(event).toMatchObject({ outcome: "failed", actorLabel: "schedule" });
    expect(event.details).toMatchObject({ reason: "overlap", runningBackupId: previous.id });
  });

  it("skips while it is running too, and starts again once it has finished", async () => {
    const previous = await db().backup.findFirstOrThrow({
      where: { scheduleId },
      orderBy: { createdAt: "desc" },
    });
    await db().backup.update({ where: { id: previous.id }, data: { status: "running" } });
    expect((await runScheduledBackup(scheduleId, boss)).outcome).toBe("skipped");

    await db().backup.update({ where: { id: previous.id }, data: { status: "failed" } });
    const next = await started(scheduleId);
    expect(next.backupId).not.toBe(previous.id);
  });

  it("lets only one of two simultaneous firings start a backup", async () => {
    await db().backup.updateMany({ where: { scheduleId }, data: { status: "succeeded" } });
    const results = await Promise.all([
      runScheduledBackup(scheduleId, boss),
      runScheduledBackup(scheduleId, boss),
    ]);
    for (const result of results) if (result.outcome === "started" && result.jobId) jobIds.push(result.jobId);
    expect(results.map((result) => result.outcome).sort()).toEqual(["skipped", "started"]);
  });

  it("does nothing for a disabled or deleted schedule", async () => {
    const paused = await schedule("physical", { cron: "0 3 * * *", timezone: "UTC", enabled: false });
    expect(await runScheduledBackup(paused.id, boss)).toEqual({
      outcome: "ignored",
      reason: "the schedule is disabled",
    });
    expect(await runScheduledBackup("5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e", boss)).toMatchObject({
      outcome: "ignored",
    });
    expect(await db().backup.count({ where: { scheduleId: paused.id } })).toBe(0);
  });

  it("refuses options the catalog holds but a backup request would not take", async () => {
    const physical = await db().backupSchedule.findFirstOrThrow({
      where: { clusterId, kind: "physical" },
    });
    await db().backupSchedule.update({
      where: { id: physical.id },
      data: { enabled: true, options: { compression: "rar" } },
    });
    const result = await runScheduledBackup(physical.id, boss);
    expect(result).toMatchObject({ outcome: "failed", error: expect.stringMatching(/compression/) });
    expect(await db().backup.count({ where: { scheduleId: physical.id } })).toBe(0);
  });
});

describe("startScheduleWorkers", () => {
  let workers: ScheduleWorkers | undefined;
  const lines: string[] = [];

  afterAll(async () => {
    await workers?.stop();
  });

  it("re-applies catalog schedules pg-boss lost, and consumes a schedule created after it started", async () => {
    // A schedule whose pg-boss side went missing (as after a restore of the catalog).
    const lost = await schedule("physical", { cron: "0 4 * * *", timezone: "Europe/Paris" });
    await boss.unschedule(scheduleQueueName(lost.id));

    workers = await startScheduleWorkers(boss, (line) => lines.push(line), {
      refreshMs: 1_000,
      pollingIntervalSeconds: 0.5,
    });
    const reapplied = (await boss.getSchedules()).find((entry) => entry.name === scheduleQueueName(lost.id));
    expect(reapplied).toMatchObject({ cron: "0 4 * * *", data: { scheduleId: lost.id } });

    // Created after the workers started: the periodic refresh must find it without help.
    await db().backupSchedule.deleteMany({ where: { clusterId, kind: "logical" } });
    const fresh = await schedule("logical", { cron: "0 5 * * *", timezone: "UTC" });
    await boss.send(scheduleQueueName(fresh.id), { scheduleId: fresh.id });

    const deadline = Date.now() + 20_000;
    let backup = await db().backup.findFirst({ where: { scheduleId: fresh.id } });
    while (!backup && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      backup = await db().backup.findFirst({ where: { scheduleId: fresh.id } });
    }
    expect(backup, lines.join("\n")).toMatchObject({ status: "queued", requestedBy: "schedule" });
    expect(await backupRunJob(backup!.id)).toHaveLength(1);
    // The handler logs after it wrote the row: wait for the line too, not only the row.
    const started = `schedule ${fresh.id}: started backup ${backup!.id}`;
    while (!lines.join("\n").includes(started) && Date.now() < deadline + 10_000)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines.join("\n")).toContain(started);
  });

  it("removes the pg-boss schedule and queue of a schedule that left the catalog, fired jobs and all", async () => {
    await db().backupSchedule.deleteMany({ where: { clusterId, kind: "physical" } });
    const doomed = await schedule("physical", { cron: "0 6 * * *", timezone: "UTC" });
    const name = scheduleQueueName(doomed.id);
    await workers!.refresh();
    expect(await boss.getQueue(name)).not.toBeNull();
    // A firing that completed: pg-boss keeps the job in the queue for hours, and will not drop
    // a queue that holds jobs.
    const fired = await boss.send(name, { scheduleId: doomed.id });
    const deadline = Date.now() + 20_000;
    while ((await boss.getJobById(name, fired!))?.state !== "completed" && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await boss.getJobById(name, fired!))?.state, lines.join("\n")).toBe("completed");
    const backup = await db().backup.findFirstOrThrow({ where: { scheduleId: doomed.id } });
    expect(await backupRunJob(backup.id)).toHaveLength(1);

    // As when a cluster is deleted: the catalog cascade knows nothing of pg-boss.
    await db().backupSchedule.delete({ where: { id: doomed.id } });
    await workers!.refresh();
    expect((await boss.getSchedules()).some((entry) => entry.name === name)).toBe(false);
    expect(await boss.getQueue(name)).toBeNull();
    expect(lines.join("\n")).toContain(`${name}: removed`);
  });

  it("gets its firings from pg-boss's own cron (not a timer of ours)", async () => {
    // A worker-like pg-boss with cron supervision, checking every second instead of every 30 s.
    const cronBoss = createBoss(inject("databaseUrl"), {
      supervise: false,
      cronMonitorIntervalSeconds: 1,
      cronWorkerIntervalSeconds: 1,
    });
    await cronBoss.start();
    // Every minute, written straight to the catalog: the API would refuse it, pg-boss fires it at once.
    await db().backupSchedule.deleteMany({ where: { clusterId, kind: "physical" } });
    const row = await db().backupSchedule.create({
      data: { clusterId, kind: "physical", cron: "* * * * *", timezone: "UTC", options: {} },
    });
    const name = scheduleQueueName(row.id);
    queueNames.add(name);
    const cronWorkers = await startScheduleWorkers(cronBoss, (line) => lines.push(line), {
      pollingIntervalSeconds: 0.5,
    });
    try {
      const deadline = Date.now() + 30_000;
      let backup = await db().backup.findFirst({ where: { scheduleId: row.id } });
      while (!backup && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        backup = await db().backup.findFirst({ where: { scheduleId: row.id } });
      }
      expect(backup, lines.join("\n")).toMatchObject({ status: "queued", requestedBy: "schedule" });
      await backupRunJob(backup!.id);
    } finally {
      await cronWorkers.stop();
      // Waits for the firing's job to complete: a queue with a running job cannot be dropped.
      await cronBoss.stop({ graceful: true, wait: true, timeout: 10_000 });
      await removeScheduleQueue(boss, name);
    }
  });
});

describe("where a physical schedule backs up from", () => {
  it("keeps a named node, and refuses a name the cluster does not have with a 422", async () => {
    await db().node.create({
      data: {
        clusterId,
        name: "replica",
        role: "standby",
        host: "127.0.0.1",
        port: 1,
        username: "u",
        database: "d",
      },
    });
    const body = { cron: "0 4 * * *", timezone: "UTC" };
    await expect(schedule("physical", { ...body, backupFrom: "standby:nope" })).rejects.toMatchObject({
      code: "unprocessable_entity",
      message: expect.stringMatching(
        /^backupFrom: cluster fired-\w+ has no node named nope \(it has replica\)$/,
      ),
    });
    const saved = await schedule("physical", { ...body, backupFrom: "standby:replica" });
    expect(saved.backupFrom).toBe("standby:replica");
    expect((await db().backupSchedule.findUniqueOrThrow({ where: { id: saved.id } })).backupFrom).toBe(
      "standby:replica",
    );
    const preferred = await schedule("physical", { ...body, backupFrom: "prefer-standby" });
    expect(preferred).toMatchObject({ id: saved.id, backupFrom: "prefer-standby" });
  });
});
