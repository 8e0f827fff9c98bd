import { db } from "@/lib/db";
import { clusterStatus, toReplicationView } from "@/lib/replication/snapshot";
import { PROMOTED_REASON } from "@/lib/replication/tracker";
import { standbyStates } from "@/lib/schemas/replication";
import { severitySchema } from "@/lib/schemas/alerts";
import { createMetricFamilies, type MetricFamilies } from "./families";
import { loadFleetFacts, type FleetFacts } from "./fleet-facts";
import { loadOffsiteLags } from "./offsite-lag";

// GET /metrics: the Prometheus exposition (families.ts names every metric). A fresh registry per
// scrape: the values live in the catalog (written by whichever worker samples each cluster or
// runs each job), not in this process. Fleet-wide queries only, so a scrape costs the same
// handful of round trips for 5 clusters or 500.

type Cluster = Awaited<ReturnType<typeof listMonitoredClusters>>[number];

function listMonitoredClusters() {
  return db().cluster.findMany({
    where: { retiredAt: null },
    select: { id: true, name: true, rpoTargetSeconds: true, snapshot: true },
    orderBy: { name: "asc" },
  });
}

const seconds = (date: Date | string) => new Date(date).getTime() / 1000;

/** The work kinds walden_jobs_running/queued always carry (0 when idle), so a query sees a series. */
const jobKinds = [
  "backup_physical",
  "backup_logical",
  "verify",
  "restore_pitr",
  "restore_logical",
  "restore_table",
  "drill",
];

function setReplication(metrics: MetricFamilies, cluster: Cluster, now: number): void {
  const view = cluster.snapshot ? toReplicationView(cluster.snapshot, now) : null;
  const status = clusterStatus(view);
  for (const candidate of ["ok", "warning", "critical", "unknown"])
    metrics.clusterStatus.set({ cluster: cluster.name, status: candidate }, candidate === status ? 1 : 0);
  const labels = { cluster: cluster.name };
  metrics.rpoTarget.set(labels, cluster.rpoTargetSeconds);
  if (!view || !cluster.snapshot) return;
  metrics.sampleAge.set(labels, (now - cluster.snapshot.sampledAt.getTime()) / 1000);
  metrics.primaryUp.set(labels, view.primary.reachable ? 1 : 0);
  // As the split_brain alert sees it: the primary, and any standby the sampler found promoted.
  const writablePrimary = view.primary.reachable && view.primary.inRecovery === false ? 1 : 0;
  const promoted = view.standbys.filter((standby) => standby.reason === PROMOTED_REASON).length;
  metrics.writableNodes.set(labels, writablePrimary + promoted);
  if (view.primary.walBytesPerSecond !== null) metrics.walRate.set(labels, view.primary.walBytesPerSecond);
  if (view.archiver) {
    const { failing, readyCount, lastArchivedAt } = view.archiver;
    metrics.archiverFailing.set(labels, failing ? 1 : 0);
    if (readyCount !== null) metrics.archiveReady.set(labels, readyCount);
    if (lastArchivedAt) metrics.archiverLastArchived.set(labels, seconds(lastArchivedAt));
    // Nothing waiting is no lag, however long ago the last segment was archived (an idle primary).
    if (readyCount === 0) metrics.archiveLag.set(labels, 0);
    else if (readyCount !== null && lastArchivedAt)
      metrics.archiveLag.set(labels, Math.max(0, (now - Date.parse(lastArchivedAt)) / 1000));
  }
  for (const standby of view.standbys) {
    const standbyLabels = { cluster: cluster.name, standby: standby.name };
    for (const [kind, value] of Object.entries(standby.lagBytes))
      if (value !== null) metrics.lagBytes.set({ ...standbyLabels, kind }, value);
    for (const [kind, value] of Object.entries(standby.lagSeconds))
      if (value !== null) metrics.lagSeconds.set({ ...standbyLabels, kind }, value);
    for (const candidate of standbyStates)
      metrics.standbyState.set({ ...standbyLabels, state: candidate }, candidate === standby.state ? 1 : 0);
  }
  for (const slot of view.slots) {
    const slotLabels = { cluster: cluster.name, node: slot.node, slot: slot.name };
    metrics.slotActive.set(slotLabels, slot.active ? 1 : 0);
    if (slot.retainedBytes !== null) metrics.slotRetained.set(slotLabels, slot.retainedBytes);
    if (slot.safeWalSize !== null) metrics.slotSafeWal.set(slotLabels, slot.safeWalSize);
  }
}

function setCatalogFacts(metrics: MetricFamilies, nameOf: Map<string, string>, facts: FleetFacts): void {
  const cluster = (id: string) => nameOf.get(id) ?? id;
  for (const [id, name] of nameOf) {
    for (const job of jobKinds) {
      metrics.jobsRunning.set({ cluster: name, job }, 0);
      metrics.jobsQueued.set({ cluster: name, job }, 0);
    }
    for (const severity of severitySchema.options) metrics.alertsFiring.set({ cluster: name, severity }, 0);
    metrics.backupCopies.set({ cluster: name, repository: "local" }, facts.localCopies.get(id) ?? 0);
  }
  for (const row of facts.lastBackups) {
    const labels = { cluster: cluster(row.cluster_id), kind: row.kind };
    if (row.status === "failed") {
      metrics.backupLastFailure.set(labels, seconds(row.finished_at));
      continue;
    }
    metrics.backupLastSuccess.set(labels, seconds(row.finished_at));
    if (row.started_at)
      metrics.backupLastDuration.set(labels, seconds(row.finished_at) - seconds(row.started_at));
    if (row.size_bytes !== null) metrics.backupLastSize.set(labels, Number(row.size_bytes));
  }
  for (const row of facts.jobs) {
    const gauge = row.state === "running" ? metrics.jobsRunning : metrics.jobsQueued;
    gauge.set({ cluster: cluster(row.cluster_id), job: row.job }, row.count);
  }
  for (const row of facts.windows) {
    const labels = { cluster: cluster(row.cluster_id) };
    if (row.earliest) metrics.windowStart.set(labels, seconds(row.earliest));
    if (row.latest) metrics.windowEnd.set(labels, seconds(row.latest));
    metrics.archiveGaps.set(labels, row.gaps);
    metrics.archiveMissingSegments.set(labels, row.missing_segments);
  }
  for (const row of facts.drills) {
    const labels = { cluster: cluster(row.cluster_id) };
    if (row.status === "failed") {
      metrics.drillLastFailure.set(labels, seconds(row.finished_at));
      continue;
    }
    metrics.drillLastSuccess.set(labels, seconds(row.finished_at));
    if (row.rto_ms !== null) metrics.drillLastRto.set(labels, row.rto_ms / 1000);
  }
  for (const row of facts.verifications)
    metrics.backupLastVerification.set({ cluster: cluster(row.cluster_id) }, row.verified ? 1 : 0);
  for (const row of facts.firingAlerts)
    metrics.alertsFiring.set({ cluster: cluster(row.clusterId), severity: row.severity }, row.count);
}

export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const { registry, metrics } = createMetricFamilies();
  const clusters = await listMonitoredClusters();
  const ids = clusters.map((cluster) => cluster.id);
  const nameOf = new Map(clusters.map((cluster) => [cluster.id, cluster.name]));
  const [facts, offsiteLags] =
    ids.length > 0 ? await Promise.all([loadFleetFacts(ids), loadOffsiteLags(ids)]) : [null, new Map()];
  const now = Date.now();
  for (const cluster of clusters) setReplication(metrics, cluster, now);
  if (facts) setCatalogFacts(metrics, nameOf, facts);
  for (const [clusterId, lag] of offsiteLags) {
    const labels = { cluster: nameOf.get(clusterId) ?? clusterId };
    // A repository without a computable lag yet still shows its copies.
    metrics.backupCopies.set({ ...labels, repository: "offsite" }, facts?.offsiteCopies.get(clusterId) ?? 0);
    if (lag?.lagSeconds != null) metrics.offsiteLag.set(labels, lag.lagSeconds);
  }
  return { body: await registry.metrics(), contentType: registry.contentType };
}
