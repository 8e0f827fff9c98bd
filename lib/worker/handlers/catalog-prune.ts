import { db } from "@/lib/db";
import { defineHandler } from "@/lib/worker/handler";

/** Deletes expired sessions and old heartbeat rows of workers that died without saying goodbye. */
export async function pruneCatalog(now = new Date()): Promise<{ sessions: number; heartbeats: number }> {
  const sessions = await db().session.deleteMany({ where: { expiresAt: { lt: now } } });
  const heartbeats = await db().workerHeartbeat.deleteMany({
    where: { beatAt: { lt: new Date(now.getTime() - 86_400_000) } },
  });
  return { sessions: sessions.count, heartbeats: heartbeats.count };
}

// catalog.prune — hourly
export const catalogPrune = defineHandler({
  queue: "catalog.prune",
  schedule: "17 * * * *",
  async handle(_payload, { log }) {
    const pruned = await pruneCatalog();
    log(`catalog.prune: ${pruned.sessions} expired sessions, ${pruned.heartbeats} stale heartbeats removed`);
  },
});
