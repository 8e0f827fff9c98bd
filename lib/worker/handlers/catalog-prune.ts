import { audit } from "@/lib/auth/audit";
import { pruneSignInThrottle } from "@/lib/auth/sign-in-throttle";
import { systemActor } from "@/lib/auth/system-actor";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { defineHandler } from "@/lib/worker/handler";

const DAY_MS = 86_400_000;

export interface PrunedCatalog {
  sessions: number;
  heartbeats: number;
  signInWindows: number;
  auditEvents: number;
}

/**
 * Deletes expired sessions, old heartbeat rows of workers that died without saying goodbye,
 * finished sign-in throttle windows, and audit events older than WALDEN_AUDIT_RETENTION_DAYS
 * (the pruning itself is audited, so the log says where it now begins).
 */
export async function pruneCatalog(
  now = new Date(),
  auditRetentionDays = env().WALDEN_AUDIT_RETENTION_DAYS,
): Promise<PrunedCatalog> {
  const sessions = await db().session.deleteMany({ where: { expiresAt: { lt: now } } });
  const heartbeats = await db().workerHeartbeat.deleteMany({
    where: { beatAt: { lt: new Date(now.getTime() - DAY_MS) } },
  });
  const signInWindows = await pruneSignInThrottle();
  const before = new Date(now.getTime() - auditRetentionDays * DAY_MS);
  const auditEvents = await db().auditEvent.deleteMany({ where: { at: { lt: before } } });
  if (auditEvents.count > 0) {
    await audit(systemActor("catalog prune"), {
      action: "audit.prune",
      outcome: "success",
      details: {
        deleted: auditEvents.count,
        before: before.toISOString(),
        retentionDays: auditRetentionDays,
      },
    });
  }
  return {
    sessions: sessions.count,
    heartbeats: heartbeats.count,
    signInWindows,
    auditEvents: auditEvents.count,
  };
}

// catalog.prune — hourly
export const catalogPrune = defineHandler({
  queue: "catalog.prune",
  schedule: "17 * * * *",
  async handle(_payload, { log }) {
    const pruned = await pruneCatalog();
    log(
      `catalog.prune: ${pruned.sessions} expired sessions, ${pruned.heartbeats} stale heartbeats, ` +
        `${pruned.signInWindows} sign-in windows, ${pruned.auditEvents} audit events past retention removed`,
    );
  },
});
