import { listClusterRows, toClusterSummary } from "@/lib/clusters/queries";
import { englishReason } from "@/lib/clusters/safety-reasons";
import { db } from "@/lib/db";
import { toReplicationView } from "@/lib/replication/snapshot";
import type { ClusterListItem, ClusterSummary } from "@/lib/schemas/cluster";
import type { SafetyReason } from "@/lib/schemas/safety-reason";

// "Are we safe?" for the whole fleet: each cluster's summary plus its last backup against the
// RPO target, the stored restorable window, the archiver, the last drill against the RTO target
// and its firing alerts, with the reasons it is at risk. Five catalog queries for any number of
// clusters (never one per cluster): the overview polls this.

type Figures = Omit<ClusterListItem, keyof Omit<ClusterSummary, "lastBackup"> | "safety">;

interface LastBackupRow {
  cluster_id: string;
  id: string;
  kind: "physical" | "logical";
  label: string | null;
  finished_at: Date;
  size_bytes: bigint | null;
}
interface WindowRow {
  cluster_id: string;
  computed_at: Date;
  error: string | null;
  earliest: string | null;
  latest: string | null;
  gaps: number | null;
}
interface DrillRow {
  cluster_id: string;
  id: string;
  status: "succeeded" | "failed" | "cancelled";
  finished_at: Date | null;
  rto_ms: number | null;
}

/** GET /api/v1/clusters and the overview: every registered cluster with its safety figures. */
export async function listFleetStatus(now = new Date()): Promise<ClusterListItem[]> {
  // One read of the clusters with their nodes and snapshots serves both the summary and the figures.
  const rows = await listClusterRows();
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [backups, windows, drills, alerts] = await Promise.all([
    // The last succeeded physical backup per cluster: what a PITR would start from.
    db().$queryRaw<LastBackupRow[]>`
      SELECT DISTINCT ON (cluster_id) cluster_id::text, id::text, kind::text, label, finished_at, size_bytes
        FROM backups
       WHERE cluster_id = ANY(${ids}::uuid[]) AND status = 'succeeded' AND kind = 'physical'
         AND finished_at IS NOT NULL
       ORDER BY cluster_id, finished_at DESC`,
    // Only the window's ends and gap count: the stored window also lists every backup and range.
    db().$queryRaw<WindowRow[]>`
      SELECT cluster_id::text, computed_at, error, "window"->>'earliest' AS earliest,
             "window"->>'latest' AS latest, jsonb_array_length(COALESCE("window"->'gaps', '[]'::jsonb))::int AS gaps
        FROM restore_windows
       WHERE cluster_id = ANY(${ids}::uuid[])`,
    db().$queryRaw<DrillRow[]>`
      SELECT DISTINCT ON (cluster_id) cluster_id::text, id::text, status::text, finished_at, rto_ms
        FROM restores
       WHERE cluster_id = ANY(${ids}::uuid[]) AND purpose = 'drill'
         AND status IN ('succeeded', 'failed', 'cancelled')
       ORDER BY cluster_id, finished_at DESC NULLS LAST, created_at DESC`,
    db().alert.groupBy({
      by: ["clusterId", "severity"],
      where: { clusterId: { in: ids }, state: "firing" },
      _count: { _all: true },
    }),
  ]);

  const backupOf = new Map(backups.map((row) => [row.cluster_id, row]));
  const windowOf = new Map(windows.map((row) => [row.cluster_id, row]));
  const drillOf = new Map(drills.map((row) => [row.cluster_id, row]));

  return rows.map((row) => {
    const cluster = toClusterSummary(row);
    const rpoTargetSeconds = row.rpoTargetSeconds;
    const view = row.snapshot ? toReplicationView(row.snapshot, now.getTime()) : null;
    const backup = backupOf.get(cluster.id);
    const window = windowOf.get(cluster.id);
    const drill = drillOf.get(cluster.id);
    const lastBackup = backup
      ? {
          id: backup.id,
          kind: backup.kind,
          label: backup.label,
          finishedAt: backup.finished_at.toISOString(),
          sizeBytes: backup.size_bytes === null ? null : Number(backup.size_bytes),
          ageSeconds: Math.max(0, Math.round((now.getTime() - backup.finished_at.getTime()) / 1000)),
        }
      : null;
    const lags = view?.standbys ?? [];
    const figures: Figures = {
      lastBackup,
      restoreWindow: window
        ? {
            earliest: window.earliest,
            latest: window.latest,
            gaps: window.gaps ?? 0,
            computedAt: window.computed_at.toISOString(),
            error: window.error,
          }
        : null,
      rpo: { targetSeconds: rpoTargetSeconds, achievedSeconds: lastBackup?.ageSeconds ?? null },
      replicationLag: lags.length
        ? {
            bytes: maxOf(lags.map((standby) => standby.lagBytes.replay)),
            seconds: maxOf(lags.map((standby) => standby.lagSeconds.replay)),
          }
        : null,
      archiver: view?.archiver
        ? {
            failing: view.archiver.failing,
            failedCount: view.archiver.failedCount,
            lastFailedWal: view.archiver.lastFailedWal,
            lastFailedAt: view.archiver.lastFailedAt,
          }
        : null,
      lastDrill: drill
        ? {
            id: drill.id,
            status: drill.status,
            finishedAt: drill.finished_at?.toISOString() ?? null,
            rtoSeconds: drill.rto_ms === null ? null : drill.rto_ms / 1000,
            rtoTargetSeconds: row.rtoTargetSeconds,
          }
        : null,
      firingAlerts: {
        critical: countAlerts(alerts, cluster.id, "critical"),
        warning: countAlerts(alerts, cluster.id, "warning"),
      },
    };
    return { ...cluster, ...figures, safety: assessSafety(cluster.status, figures) };
  });
}

function maxOf(values: (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length ? Math.max(...known) : null;
}

function countAlerts(
  groups: { clusterId: string; severity: string; _count: { _all: number } }[],
  clusterId: string,
  severity: string,
): number {
  return (
    groups.find((group) => group.clusterId === clusterId && group.severity === severity)?._count._all ?? 0
  );
}

/**
 * Every reason the cluster's data is not safe now: as codes the overview translates and in the
 * API's English words. Warnings
 * that do not put data at risk by themselves (a warning alert, no drill run yet) are not reasons:
 * the figures show them.
 */
export function assessSafety(status: ClusterSummary["status"], figures: Figures): ClusterListItem["safety"] {
  const codes: SafetyReason[] = [];
  const none = {} as Record<string, never>;
  if (status === "unknown") codes.push({ code: "noSample", params: none });
  if (status === "critical") codes.push({ code: "unreachable", params: none });
  const { lastBackup, rpo, restoreWindow, archiver, lastDrill, firingAlerts } = figures;
  if (!lastBackup) codes.push({ code: "noBackup", params: none });
  else if (rpo.achievedSeconds !== null && rpo.achievedSeconds > rpo.targetSeconds)
    codes.push({
      code: "backupOverRpo",
      params: { ageSeconds: rpo.achievedSeconds, targetSeconds: rpo.targetSeconds },
    });
  if (archiver?.failing)
    codes.push({ code: "archiverFailing", params: { lastFailedWal: archiver.lastFailedWal } });
  if (!restoreWindow) codes.push({ code: "windowNotComputed", params: none });
  else if (restoreWindow.error)
    codes.push({ code: "archiveUnreadable", params: { error: restoreWindow.error } });
  else if (restoreWindow.earliest === null) codes.push({ code: "nothingRestorable", params: none });
  else if (restoreWindow.gaps > 0) codes.push({ code: "walGaps", params: { count: restoreWindow.gaps } });
  if (lastDrill?.status === "failed") codes.push({ code: "drillFailed", params: none });
  else if (lastDrill?.rtoSeconds != null && lastDrill.rtoSeconds > lastDrill.rtoTargetSeconds)
    codes.push({
      code: "drillOverRto",
      params: { rtoSeconds: lastDrill.rtoSeconds, targetSeconds: lastDrill.rtoTargetSeconds },
    });
  if (firingAlerts.critical > 0)
    codes.push({ code: "criticalAlerts", params: { count: firingAlerts.critical } });
  return {
    state: codes.length ? "at_risk" : "safe",
    reasons: codes.map(englishReason),
    reasonCodes: codes,
  };
}
