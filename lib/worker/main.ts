// npm run worker — the process that does all long or risky work (design.md "Worker").
import "dotenv/config";
import { randomUUID } from "node:crypto";
import os from "node:os";
import type PgBoss from "pg-boss";
import { startAlertLoops } from "@/lib/alerts/worker";
import { reapStaleCopies } from "@/lib/backup/copy";
import { BACKUP_HEARTBEAT_MS, reapStaleBackups } from "@/lib/backup/run";
import { reapStaleVerifications } from "@/lib/backup/verify-claim";
import { disconnectDb, isConnectionFailure } from "@/lib/db";
import { migrateCatalog } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { createBoss, ensureQueues } from "@/lib/queue/boss";
import { parsePayload } from "@/lib/queue/queues";
import { reapStaleRestores } from "@/lib/restore/run";
import { startScheduleWorkers } from "@/lib/schedules/worker";
import type { QueueHandler, WorkerContext } from "@/lib/worker/handler";
import { handlers } from "@/lib/worker/handlers";
import { startHeartbeat } from "@/lib/worker/heartbeat";
import { reapLostQueued } from "@/lib/worker/lost-jobs";
import { SamplerFleet } from "@/lib/worker/sampler";

const log = (line: string) => console.log(`[worker] ${line}`);

/** Serves one queue: each job's payload validated, handled, its answer returned; a schedule if it has one. */
async function registerHandler(boss: PgBoss, handler: QueueHandler, ctx: WorkerContext): Promise<void> {
  await boss.work(handler.queue, handler.work ?? {}, async (jobs) => {
    let answer: unknown;
    for (const job of jobs) answer = await handler.handle(parsePayload(handler.queue, job.data), ctx);
    return answer;
  });
  if (handler.schedule) await boss.schedule(handler.queue, handler.schedule, {}, { tz: "UTC" });
}

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
  const alerts = startAlertLoops(log);

  const ctx: WorkerContext = { boss, workerId, log, mayReap };
  for (const handler of handlers) await registerHandler(boss, handler, ctx);

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
