// npm run worker — the process that does all long or risky work (design.md "Worker").
import "dotenv/config";
import { randomUUID } from "node:crypto";
import os from "node:os";
import { startAlertWorkers } from "@/lib/alerts/worker";
import { systemActor } from "@/lib/auth/system-actor";
import { copyBackup, reapStaleCopies } from "@/lib/backup/copy";
import { applyRetention } from "@/lib/backup/retention";
import { BACKUP_HEARTBEAT_MS, reapStaleBackups, runBackup } from "@/lib/backup/run";
import { verifyBackup } from "@/lib/backup/verify";
import { reapStaleVerifications } from "@/lib/backup/verify-claim";
import { db, disconnectDb, isConnectionFailure } from "@/lib/db";
import { migrateCatalog } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { createBoss, enqueue, ensureQueues } from "@/lib/jobs/boss";
import { pruneCatalog } from "@/lib/jobs/handlers/catalog-prune";
import { startHeartbeat } from "@/lib/jobs/heartbeat";
import { reapLostQueued } from "@/lib/jobs/lost-jobs";
import { parsePayload } from "@/lib/jobs/queues";
import { SamplerFleet } from "@/lib/jobs/sampler";
import { snapshotMonth } from "@/lib/reports/monthly";
import { registerReportPdfWorker } from "@/lib/reports/pdf";
import { rollUpReplication } from "@/lib/replication/rollup";
import { startDueDrills } from "@/lib/restore/drills";
import { captureRelationMap } from "@/lib/restore/events/relation-map";
import { findTableEvents } from "@/lib/restore/events/find-events";
import { answerPlanRequest } from "@/lib/restore/plan-service";
import { reapStaleRestores, runRestore, tearDownExpired } from "@/lib/restore/run";
import { startScheduleWorkers } from "@/lib/schedules/service";
import { pitrRestoreRequestSchema, tableEventsQuerySchema } from "@/lib/schemas/restore";
import { refreshRestoreWindow } from "@/lib/wal/stored-window";

const log = (line: string) => console.log(`[worker] ${line}`);

async function main(): Promise<void> {
  // Backups, dumps, WAL and restores, and what the programs it runs create: owner only.
  process.umask(0o077);
  const { DATABASE_URL } = env();
  const workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // Heartbeats missed while the catalog was unreachable are not deaths: after an outage the
  // reapers wait one whole staleness period (30 s, theirs), so the jobs still running resume
  // beating first instead of being failed and their files removed under them.
  let catalogTroubleAt = 0;
  const mayReap = () => Date.now() - catalogTroubleAt > 6 * BACKUP_HEARTBEAT_MS;
  // Idempotent and lock-protected: a worker started before the app still finds its tables.
  await migrateCatalog(DATABASE_URL);

  const boss = createBoss(DATABASE_URL);
  boss.on("error", (error) => console.error("[worker] pg-boss:", error));
  await boss.start();
  await ensureQueues(boss);
  const schedules = await startScheduleWorkers(boss, log);
  const alerts = await startAlertWorkers(boss, log);

  await boss.work("catalog.prune", async (jobs) => {
    for (const job of jobs) {
      parsePayload("catalog.prune", job.data);
      const pruned = await pruneCatalog();
      log(
        `catalog.prune: ${pruned.sessions} expired sessions, ${pruned.heartbeats} stale heartbeats removed`,
      );
    }
  });
  await boss.schedule("catalog.prune", "17 * * * *", {}, { tz: "UTC" });

  await boss.work("replication.rollup", async (jobs) => {
    for (const job of jobs) {
      parsePayload("replication.rollup", job.data);
      await rollUpReplication();
    }
  });
  await boss.schedule("replication.rollup", "* * * * *", {}, { tz: "UTC" });

  // Backups run one at a time per worker: pg_basebackup and pg_dump are I/O-bound, and
  // several workers share the queue.
  await boss.work("backup.run", { batchSize: 1 }, async (jobs) => {
    for (const job of jobs) {
      const { backupId } = parsePayload("backup.run", job.data);
      log(`backup.run ${backupId}`);
      await runBackup(backupId, workerId);
      // A new backup changes the restorable window; with a second repository it also needs its copy.
      const done = await db().backup.findUniqueOrThrow({
        where: { id: backupId },
        include: { cluster: { select: { secondaryRepositoryPath: true } } },
      });
      await enqueue(boss, "archive.scan", { clusterId: done.clusterId });
      // Table names by relfilenode as of this backup, so the event finder can name a table dropped later.
      if (done.status === "succeeded" && done.kind === "physical") {
        await captureRelationMap(done.clusterId, { backupId }).catch((error) =>
          log(`relation map after backup ${backupId} failed: ${(error as Error).message}`),
        );
      }
      if (done.status === "succeeded" && done.cluster.secondaryRepositoryPath) {
        await enqueue(boss, "backup.copy", { backupId });
      }
    }
  });
  await boss.work("backup.verify", { batchSize: 1 }, async (jobs) => {
    for (const job of jobs) {
      const { backupId } = parsePayload("backup.verify", job.data);
      const passed = await verifyBackup(backupId, workerId);
      log(
        `backup.verify ${backupId}: ${passed === null ? "not verified now (not a succeeded backup, or another worker verifies it)" : passed ? "verified" : "FAILED"}`,
      );
    }
  });
  // Verification by default once a week: a backup nobody checked is a hope, not a backup.
  await boss.work("backup.reverify", async () => {
    const due = await db().backup.findMany({
      where: {
        status: "succeeded",
        OR: [{ verifiedAt: null }, { verifiedAt: { lt: new Date(Date.now() - 7 * 86_400_000) } }],
      },
      select: { id: true },
    });
    for (const backup of due) await enqueue(boss, "backup.verify", { backupId: backup.id });
  });
  await boss.schedule("backup.reverify", "0 4 * * 0", {}, { tz: "UTC" });
  await boss.work("backup.copy", { batchSize: 1 }, async (jobs) => {
    for (const job of jobs) {
      const { backupId } = parsePayload("backup.copy", job.data);
      const result = await copyBackup(backupId, workerId);
      log(
        `backup.copy ${backupId}: ${result.ok ? "copied and checked" : result.alreadyRunning ? "another worker is copying it" : "FAILED"}`,
      );
    }
  });
  await boss.work("archive.scan", async (jobs) => {
    for (const job of jobs) {
      const { clusterId } = parsePayload("archive.scan", job.data);
      await refreshRestoreWindow(clusterId);
      // Table names by relfilenode, each minute (an unchanged map is not stored), so the event
      // finder can name a table created and dropped between two backups.
      await captureRelationMap(clusterId).catch((error) =>
        log(`relation map of ${clusterId} failed: ${(error as Error).message}`),
      );
    }
  });
  // Every minute, rescan every cluster's archive (cheap: a directory listing, and pg_waldump only on new edge segments).
  await boss.work("archive.sweep", async () => {
    for (const cluster of await db().cluster.findMany({ where: { retiredAt: null }, select: { id: true } }))
      await enqueue(boss, "archive.scan", { clusterId: cluster.id });
  });
  await boss.schedule("archive.sweep", "* * * * *", {}, { tz: "UTC" });

  // Retention runs daily for every cluster (its policy, or the defaults).
  await boss.work("retention.apply", async (jobs) => {
    for (const job of jobs) {
      const { clusterId } = parsePayload("retention.apply", job.data);
      const result = await applyRetention(systemActor("retention schedule"), clusterId, {});
      log(
        `retention ${clusterId}: ${result.expire.length} backups expired, ${result.wal.count} WAL files pruned`,
      );
    }
  });
  // A deleted (retired) cluster's files stay until an admin removes them: no retention for it.
  await boss.work("retention.sweep", async () => {
    for (const cluster of await db().cluster.findMany({ where: { retiredAt: null }, select: { id: true } }))
      await enqueue(boss, "retention.apply", { clusterId: cluster.id });
  });
  await boss.schedule("retention.sweep", "30 3 * * *", {}, { tz: "UTC" });

  // Questions the web app asks and waits for: polled often, answered at once.
  await boss.work("restore.plan", { pollingIntervalSeconds: 0.5 }, async ([job]) => {
    const { request } = parsePayload("restore.plan", job!.data);
    return answerPlanRequest(pitrRestoreRequestSchema.parse(request));
  });
  await boss.work("restore.events", { pollingIntervalSeconds: 0.5 }, async ([job]) => {
    const { clusterId, query } = parsePayload("restore.events", job!.data);
    return findTableEvents(clusterId, tableEventsQuerySchema.parse(query));
  });
  await registerReportPdfWorker(boss);
  // A finished month's reports are stored with their sha256 on the 1st, so the evidence cannot drift.
  await boss.work("report.snapshot", async (jobs) => {
    for (const job of jobs) {
      const { month } = parsePayload("report.snapshot", job.data);
      const previous = new Date();
      previous.setUTCDate(0);
      const target = month ?? previous.toISOString().slice(0, 7);
      const outcomes = await snapshotMonth(target);
      log(`report.snapshot ${target}: ${outcomes.length} reports stored or already kept`);
    }
  });
  await boss.schedule("report.snapshot", "0 2 1 * *", {}, { tz: "UTC" });
  // Restores run one at a time per worker: extraction and replay are I/O-bound.
  await boss.work("restore.run", { batchSize: 1, pollingIntervalSeconds: 1 }, async (jobs) => {
    for (const job of jobs) {
      const { restoreId } = parsePayload("restore.run", job.data);
      log(`restore.run ${restoreId}`);
      await runRestore(restoreId, workerId);
    }
  });
  await boss.work("restore.sweep", async () => {
    for (const id of mayReap() ? await reapStaleRestores() : [])
      log(`restore ${id}: failed, its worker stopped; instance removed`);
    for (const id of await tearDownExpired()) log(`restore ${id}: restored instance torn down`);
    await startDueDrills(new Date(), log);
  });
  await boss.schedule("restore.sweep", "* * * * *", {}, { tz: "UTC" });

  let reaperTicks = 0;
  const reaper = setInterval(() => {
    if (!mayReap()) return;
    void reapStaleVerifications()
      .then((ids) => ids.forEach((id) => log(`backup ${id}: verification interrupted, its worker stopped`)))
      .catch((error) => console.error("[worker] verification reaper:", error));
    void reapStaleCopies()
      .then((ids) => ids.forEach((id) => log(`copy ${id}: failed, its worker stopped`)))
      .catch((error) => console.error("[worker] copy reaper:", error));
    // Once a minute: queued rows whose pg-boss job is gone.
    if (reaperTicks++ % 6 === 0)
      void reapLostQueued()
        .then(({ backups, restores }) =>
          [...backups, ...restores].forEach((id) => log(`${id}: failed, its queued job was lost`)),
        )
        .catch((error) => console.error("[worker] lost-job reaper:", error));
    void reapStaleBackups()
      .then((ids) => ids.forEach((id) => log(`backup ${id}: failed, its worker stopped`)))
      .catch((error) => console.error("[worker] backup reaper:", error));
    void reapStaleRestores()
      .then((ids) => ids.forEach((id) => log(`restore ${id}: failed, its worker stopped; instance removed`)))
      .catch((error) => console.error("[worker] restore reaper:", error));
  }, 10_000);

  const samplers = new SamplerFleet(DATABASE_URL, workerId, log);
  samplers.start();

  const heartbeat = startHeartbeat(workerId, (error) => {
    if (isConnectionFailure(error)) catalogTroubleAt = Date.now();
    console.error("[worker] heartbeat failed:", error);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping (waiting up to 30 s for running jobs)`);
    clearInterval(reaper);
    await samplers.stop();
    await schedules.stop();
    await alerts.stop();
    await heartbeat.stop();
    await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
    await disconnectDb();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  // Last, so "started" means every handler, including SIGTERM's, is in place.
  log(`started ${workerId}`);
}

// pg-boss 10 marks a job complete without awaiting it (manager.js, watch → this.complete): if the
// catalog restarts at that moment the rejection is unhandled and Node would end the worker. A
// lost connection is survivable (every loop retries, pg-boss re-runs the job when it expires,
// and handlers are idempotent by id), so it is logged; anything else still ends the process.
process.on("unhandledRejection", (reason) => {
  if (!isConnectionFailure(reason)) throw reason;
  console.error(`[worker] a database connection was lost: ${(reason as Error).message}`);
});

main().catch((error) => {
  console.error("[worker] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
