import { canJudge, type ClusterFacts, clusterConditions, type RuleFacts } from "@/lib/alerts/conditions";
import { alertPayload, queueDeliveries } from "@/lib/alerts/notify";
import { isSilenced, type OpenAlert, planTransitions } from "@/lib/alerts/transitions";
import { db } from "@/lib/db";
import { readJson } from "@/lib/db/json";
import { toReplicationView } from "@/lib/replication/snapshot";
import type { AlertKind } from "@/lib/schemas/alerts";
import { restoreWindowSchema, storedWindowGapsSchema } from "@/lib/schemas/restore-window";
import { getOffsiteLag } from "@/lib/offsite/offsite-wal-lag";

// One evaluation pass over the fleet: gather each cluster's facts from the catalog, compute
// the conditions, apply the state machine, and queue notifications. The worker runs it every
// few seconds under an advisory lock (worker.ts), so passes never overlap.

export async function gatherClusterFacts(clusterId: string, now: Date): Promise<ClusterFacts | null> {
  const cluster = await db().cluster.findUnique({
    where: { id: clusterId },
    include: { snapshot: true },
  });
  if (!cluster) return null;
  const finished = { status: { in: ["succeeded", "failed"] as ("succeeded" | "failed")[] } };
  const [lastPhysical, latestPhysical, latestLogical, latestVerification, latestDrill, window] =
    await Promise.all([
      db().backup.findFirst({
        where: { clusterId, kind: "physical", status: "succeeded" },
        orderBy: { finishedAt: "desc" },
        select: { finishedAt: true },
      }),
      db().backup.findFirst({
        where: { clusterId, kind: "physical", ...finished },
        orderBy: { createdAt: "desc" },
      }),
      db().backup.findFirst({
        where: { clusterId, kind: "logical", ...finished },
        orderBy: { createdAt: "desc" },
      }),
      db().backup.findFirst({
        where: { clusterId, verifiedAt: { not: null } },
        orderBy: { verifiedAt: "desc" },
        select: { id: true, verified: true, verifiedAt: true, verifyLog: true },
      }),
      db().restore.findFirst({
        where: { clusterId, purpose: "drill", status: { in: ["succeeded", "failed"] } },
        orderBy: { createdAt: "desc" },
        select: { id: true, status: true, finishedAt: true, error: true },
      }),
      db().restoreWindowSnapshot.findUnique({ where: { clusterId } }),
    ]);
  const gaps = readJson(storedWindowGapsSchema, window?.window ?? null, "restore window")?.gaps ?? [];
  const parsedWindow = window?.window ? restoreWindowSchema.safeParse(window.window) : null;
  const offsite = await getOffsiteLag(clusterId, parsedWindow?.success ? parsedWindow.data : null);
  return {
    clusterId,
    clusterName: cluster.name,
    createdAt: cluster.createdAt,
    rpoTargetSeconds: cluster.rpoTargetSeconds,
    snapshot: cluster.snapshot ? toReplicationView(cluster.snapshot, now.getTime()) : null,
    lastPhysicalBackupAt: lastPhysical?.finishedAt ?? null,
    latestBackups: [latestPhysical, latestLogical]
      .filter((backup) => backup !== null)
      .map((backup) => ({
        id: backup.id,
        kind: backup.kind,
        status: backup.status,
        finishedAt: backup.finishedAt,
        error: backup.error,
      })),
    latestVerification: latestVerification?.verifiedAt
      ? {
          backupId: latestVerification.id,
          verified: latestVerification.verified,
          verifiedAt: latestVerification.verifiedAt,
          log: latestVerification.verifyLog,
        }
      : null,
    latestDrill,
    walGaps: Array.isArray(gaps) ? gaps : [],
    offsiteLagSeconds: offsite?.lagSeconds ?? null,
  };
}

export interface EvaluationSummary {
  opened: number;
  fired: number;
  resolved: number;
  notifications: number;
}

/** Evaluates every enabled rule on every cluster (or only `clusterIds`) once. */
export async function evaluateAlerts(
  now: Date = new Date(),
  options: { clusterIds?: string[] } = {},
): Promise<EvaluationSummary> {
  const summary: EvaluationSummary = { opened: 0, fired: 0, resolved: 0, notifications: 0 };
  const clusters = await db().cluster.findMany({
    where: { retiredAt: null, ...(options.clusterIds ? { id: { in: options.clusterIds } } : {}) },
    select: { id: true },
  });
  const rules = await db().alertRule.findMany({ where: { enabled: true } });
  const ruleById = new Map(rules.map((rule) => [rule.id, rule]));
  const forSecondsByRule = new Map(rules.map((rule) => [rule.id, rule.forSeconds]));

  for (const { id: clusterId } of clusters) {
    const facts = await gatherClusterFacts(clusterId, now);
    if (!facts) continue;
    const applicable: RuleFacts[] = rules
      .filter((rule) => rule.clusterId === null || rule.clusterId === clusterId)
      .map((rule) => ({ id: rule.id, kind: rule.kind as AlertKind, threshold: rule.threshold }));
    const conditions = clusterConditions(applicable, facts, now);
    const unjudged = new Set(applicable.filter((rule) => !canJudge(rule.kind, facts)).map((rule) => rule.id));
    const openRows = await db().alert.findMany({
      where: { clusterId, state: { in: ["pending", "firing"] } },
      orderBy: { pendingSince: "asc" },
    });
    const open: OpenAlert[] = openRows.map((row) => ({
      id: row.id,
      ruleId: row.ruleId,
      subject: row.subject,
      state: row.state as "pending" | "firing",
      pendingSince: row.pendingSince,
      value: row.value,
      message: row.message,
    }));
    const openById = new Map(openRows.map((row) => [row.id, row]));

    const notify = async (alertId: string, event: "firing" | "resolved") => {
      const alert = await db().alert.findUniqueOrThrow({ where: { id: alertId } });
      if (isSilenced(alert.silencedUntil, now)) return;
      const rule = await db().alertRule.findUnique({ where: { id: alert.ruleId } });
      const channelIds = Array.isArray(rule?.channelIds) ? (rule.channelIds as string[]) : [];
      const payload = alertPayload(event, { ...alert, clusterName: facts.clusterName });
      summary.notifications += await queueDeliveries(channelIds, alert.id, event, payload, now);
    };

    for (const transition of planTransitions(open, conditions, forSecondsByRule, now, unjudged)) {
      switch (transition.type) {
        case "open": {
          const rule = ruleById.get(transition.ruleId)!;
          const alert = await db().alert.create({
            data: {
              ruleId: rule.id,
              clusterId,
              kind: rule.kind,
              subject: transition.subject,
              severity: rule.severity,
              message: transition.message,
              value: transition.value,
              state: transition.firing ? "firing" : "pending",
              pendingSince: now,
              startedAt: transition.firing ? now : null,
            },
          });
          summary.opened += 1;
          if (transition.firing) {
            summary.fired += 1;
            await notify(alert.id, "firing");
          }
          break;
        }
        case "fire":
          await db().alert.update({
            where: { id: transition.alertId },
            data: { state: "firing", startedAt: now, value: transition.value, message: transition.message },
          });
          summary.fired += 1;
          await notify(transition.alertId, "firing");
          break;
        case "update":
          await db().alert.update({
            where: { id: transition.alertId },
            data: { value: transition.value, message: transition.message },
          });
          break;
        case "resolve":
          await db().alert.update({
            where: { id: transition.alertId },
            data: { state: "resolved", resolvedAt: now },
          });
          summary.resolved += 1;
          if (openById.get(transition.alertId)?.state === "firing")
            await notify(transition.alertId, "resolved");
          break;
        case "drop":
          await db().alert.deleteMany({ where: { id: transition.alertId, state: "pending" } });
          break;
      }
    }
  }
  return summary;
}
