import os from "node:os";
import { db } from "@/lib/db";

export const HEARTBEAT_INTERVAL_MS = 5_000;

/** Writes this worker's heartbeat row now and every few seconds; /api/v1/health reads it. */
export function startHeartbeat(
  workerId: string,
  onError: (error: unknown) => void,
): { stop: () => Promise<void> } {
  const startedAt = new Date();
  const beat = () =>
    db().workerHeartbeat.upsert({
      where: { workerId },
      create: { workerId, hostname: os.hostname(), pid: process.pid, startedAt, beatAt: new Date() },
      update: { beatAt: new Date() },
    });
  let pending = beat().catch(onError);
  const timer = setInterval(() => {
    pending = beat().catch(onError);
  }, HEARTBEAT_INTERVAL_MS);
  return {
    async stop() {
      clearInterval(timer);
      await pending;
      // A worker that stops cleanly says so at once instead of waiting to go stale.
      await db().workerHeartbeat.deleteMany({ where: { workerId } }).catch(onError);
    },
  };
}
