import { audit } from "@/lib/auth/audit";
import { systemActor } from "@/lib/auth/system-actor";
import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import type { Prisma, Restore } from "@/lib/generated/prisma/client";
import { wipeEndedIdentities, wipeRestoreIdentity } from "./identity";
import { instancePaths, removeInstance, stopInstance } from "./instance";
import { PITR_STEPS, runPitrRestore } from "./pitr";
import { LOGICAL_STEPS, runLogicalRestore, runTableRestore, TABLE_STEPS } from "./logical";
import { RestoreCancelled, type RestoreContext } from "./context";
import { StepTracker } from "./steps";

// restore.run in the worker. Idempotent by id: only a queued restore is claimed. Every step is
// stored as it changes; a cancel request is honoured between and during steps; any failure
// stops and removes the instance it started. A worker that dies mid-restore is noticed by
// the others (no heartbeat) and its restore failed and cleaned up the same way.

export const RESTORE_HEARTBEAT_MS = 2_000;
const STALE_AFTER_MS = 15 * RESTORE_HEARTBEAT_MS;

function stepsFor(kind: Restore["kind"]): readonly string[] {
  return kind === "pitr" ? PITR_STEPS : kind === "logical" ? LOGICAL_STEPS : TABLE_STEPS;
}

/** Runs one restore to the end. Returns false when it was not queued (taken, or cancelled). */
export async function runRestore(restoreId: string, workerId: string): Promise<boolean> {
  const startedAt = new Date();
  const claimed = await db().restore.updateMany({
    where: { id: restoreId, status: "queued" },
    data: { status: "running", workerId, startedAt, heartbeatAt: startedAt, progress: 0 },
  });
  if (claimed.count === 0) return false;
  const restore = await db().restore.findUniqueOrThrow({ where: { id: restoreId } });
  let progress = 0;
  let eta: number | null = null;
  const steps: StepTracker = new StepTracker(stepsFor(restore.kind), () => void save().catch(() => {}));
  // Writes land in the order they were asked for: a heartbeat or step write still in flight must
  // not overwrite the final one (a succeeded restore was seen at progress 99 on a fresh clone).
  let lastSave: Promise<unknown> = Promise.resolve();
  const save = (data: Prisma.RestoreUncheckedUpdateInput = {}) => {
    const row = { steps: toJson(steps.steps), progress, etaSeconds: eta, heartbeatAt: new Date(), ...data };
    const write = lastSave
      .catch(() => {})
      .then(() => db().restore.update({ where: { id: restoreId }, data: row }));
    lastSave = write;
    return write;
  };
  const heartbeat = setInterval(() => void save().catch(() => {}), RESTORE_HEARTBEAT_MS);
  const ctx: RestoreContext = {
    steps,
    setProgress(percent, etaSeconds) {
      progress = percent;
      eta = etaSeconds;
    },
    async checkCancelled() {
      const row = await db().restore.findUnique({
        where: { id: restoreId },
        select: { cancelRequestedAt: true },
      });
      if (row?.cancelRequestedAt) throw new RestoreCancelled("cancelled by request");
    },
    async persist(data) {
      await save(data);
    },
  };

  try {
    if (restore.kind === "pitr") await runPitrRestore(ctx, restore);
    else if (restore.kind === "logical") await runLogicalRestore(ctx, restore);
    else await runTableRestore(ctx, restore);
    const finishedAt = new Date();
    if (restore.purpose === "drill") {
      // A drill is evidence, not a copy to keep: RTO is measured to "verified", then it goes.
      await removeInstance(instancePaths(restoreId));
      steps.log("drill: verified; instance torn down");
      await save({ instanceState: "removed" });
    }
    const ttlHours = (restore.request as { ttlHours?: number }).ttlHours ?? 24;
    progress = 100;
    eta = 0;
    await save({
      status: "succeeded",
      finishedAt,
      rtoMs: finishedAt.getTime() - startedAt.getTime(),
      expiresAt:
        restore.kind === "pitr" && restore.purpose !== "drill"
          ? new Date(finishedAt.getTime() + ttlHours * 3_600_000)
          : null,
    });
  } catch (error) {
    const cancelled = error instanceof RestoreCancelled;
    const message = error instanceof Error ? error.message : String(error);
    steps.log(cancelled ? "cancelled: stopping the instance and removing its files" : `failed: ${message}`);
    steps.finish(cancelled ? "cancelled" : "failed");
    const cleanup =
      restore.kind === "pitr"
        ? await removeInstance(instancePaths(restoreId)).then(
            () => null,
            (e: Error) => e.message,
          )
        : null;
    await save({
      status: cancelled ? "cancelled" : "failed",
      error: cancelled ? null : message,
      finishedAt: new Date(),
      instanceState: restore.kind === "pitr" ? (cleanup ? "stopped" : "removed") : null,
      ...(cleanup ? { error: `${message}; cleanup failed: ${cleanup}` } : {}),
    });
    if (restore.purpose === "drill") {
      await audit(systemActor("drill"), {
        action: "drill.failed",
        outcome: "failed",
        target: { type: "restore", id: restoreId },
        details: { clusterId: restore.clusterId, error: cancelled ? "cancelled" : message },
      }).catch(() => {});
    }
  } finally {
    clearInterval(heartbeat);
    // The identity was for this restore only: gone however it ended.
    await wipeRestoreIdentity(restoreId).catch(() => {});
  }
  return true;
}

/** A running restore whose worker stopped beating is failed and its instance removed. */
export async function reapStaleRestores(staleAfterMs = STALE_AFTER_MS): Promise<string[]> {
  await wipeEndedIdentities();
  const stale = await db().restore.findMany({
    where: { status: "running", heartbeatAt: { lt: new Date(Date.now() - staleAfterMs) } },
  });
  for (const restore of stale) {
    if (restore.kind === "pitr") await removeInstance(instancePaths(restore.id)).catch(() => {});
    await db().restore.updateMany({
      where: { id: restore.id, status: "running" },
      data: {
        status: "failed",
        finishedAt: new Date(),
        instanceState: restore.kind === "pitr" ? "removed" : null,
        error: `the worker running it stopped (no heartbeat since ${restore.heartbeatAt?.toISOString()}); its instance was stopped and removed`,
      },
    });
    await wipeRestoreIdentity(restore.id);
  }
  return stale.map((restore) => restore.id);
}

/** Tears down restored instances whose time to live is over (or that were asked to go). */
export async function tearDownExpired(now = new Date()): Promise<string[]> {
  const expired = await db().restore.findMany({
    where: {
      instanceState: { in: ["running", "stopped"] },
      expiresAt: { lte: now },
      status: { in: ["succeeded", "failed", "cancelled"] },
    },
    select: { id: true },
  });
  for (const { id } of expired) {
    await removeInstance(instancePaths(id));
    await db().restore.update({ where: { id }, data: { instanceState: "removed" } });
  }
  return expired.map((row) => row.id);
}

/** Stops (keeps) a restored instance: used when a worker shuts down cleanly. */
export async function stopRestoredInstance(restoreId: string): Promise<void> {
  await stopInstance(instancePaths(restoreId), "fast");
  await db().restore.update({ where: { id: restoreId }, data: { instanceState: "stopped" } });
}
