import { Gauge, Registry } from "prom-client";
import { db } from "@/lib/db";
import { clusterStatus, toReplicationView } from "@/lib/replication/snapshot";
import { standbyStates } from "@/lib/schemas/replication";
import { restoreWindowSchema } from "@/lib/schemas/restore-window";
import { getOffsiteLag } from "@/lib/offsite/offsite-wal-lag";

type ClusterWithWindow = { id: string; name: string; restoreWindow: { window: unknown } | null };

/** walden_backup_copies and walden_offsite_lag_seconds for one cluster (issue 14). */
async function setRepositoryMetrics(
  cluster: ClusterWithWindow,
  gauges: { offsiteLag: Gauge; backupCopies: Gauge },
): Promise<void> {
  const labels = { cluster: cluster.name };
  const local = await db().backup.count({ where: { clusterId: cluster.id, status: "succeeded" } });
  gauges.backupCopies.set({ ...labels, repository: "local" }, local);
  const offsite = await db().backup.count({
    where: {
      clusterId: cluster.id,
      status: "succeeded",
      copies: { some: { repository: "s3", status: "succeeded" } },
    },
  });
  const window = cluster.restoreWindow?.window
    ? restoreWindowSchema.safeParse(cluster.restoreWindow.window)
    : null;
  const lag = await getOffsiteLag(cluster.id, window?.success ? window.data : null);
  if (!lag) return;
  gauges.backupCopies.set({ ...labels, repository: "offsite" }, offsite);
  if (lag.lagSeconds !== null) gauges.offsiteLag.set(labels, lag.lagSeconds);
}

/**
 * Prometheus exposition of the latest samples. A fresh registry per scrape: the values live in
 * the catalog (written by whichever worker samples each cluster), not in this process.
 */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const lagBytes = gauge(
    "walden_replication_lag_bytes",
    "Bytes a standby is behind the primary's current WAL position",
    ["cluster", "standby", "kind"],
  );
  const lagSeconds = gauge(
    "walden_replication_lag_seconds",
    "Seconds since the primary was at the standby's position",
    ["cluster", "standby", "kind"],
  );
  const state = gauge("walden_standby_state", "1 for the standby's current state, 0 for the others", [
    "cluster",
    "standby",
    "state",
  ]);
  const slotRetained = gauge("walden_slot_retained_bytes", "WAL a replication slot holds back", [
    "cluster",
    "node",
    "slot",
  ]);
  const slotActive = gauge("walden_slot_active", "1 when a replication slot has a consumer connected", [
    "cluster",
    "node",
    "slot",
  ]);
  const archiverFailing = gauge("walden_archiver_failing", "1 when the last archive attempt failed", [
    "cluster",
  ]);
  const archiveReady = gauge("walden_archiver_ready_segments", "WAL segments waiting to be archived", [
    "cluster",
  ]);
  const primaryUp = gauge("walden_primary_up", "1 when the primary answered the last sample", ["cluster"]);
  const walRate = gauge(
    "walden_wal_bytes_per_second",
    "WAL written per second on the primary (last minute)",
    ["cluster"],
  );
  const sampleAge = gauge("walden_sample_age_seconds", "Age of the newest replication sample", ["cluster"]);
  const healthy = gauge("walden_cluster_status", "1 for the cluster's current status", ["cluster", "status"]);

  const offsiteLag = gauge(
    "walden_offsite_lag_seconds",
    "How far the newest WAL in the offsite repository is behind the newest archived WAL",
    ["cluster"],
  );
  const backupCopies = gauge(
    "walden_backup_copies",
    "Succeeded backups with a whole copy in each repository (local: the backup itself)",
    ["cluster", "repository"],
  );

  const clusters = await db().cluster.findMany({
    where: { retiredAt: null },
    include: { snapshot: true, restoreWindow: true },
    orderBy: { name: "asc" },
  });
  const now = Date.now();
  for (const cluster of clusters) {
    await setRepositoryMetrics(cluster, { offsiteLag, backupCopies });
    const view = cluster.snapshot ? toReplicationView(cluster.snapshot, now) : null;
    const status = clusterStatus(view);
    for (const candidate of ["ok", "warning", "critical", "unknown"])
      healthy.set({ cluster: cluster.name, status: candidate }, candidate === status ? 1 : 0);
    if (!view || !cluster.snapshot) continue;
    const labels = { cluster: cluster.name };
    sampleAge.set(labels, (now - cluster.snapshot.sampledAt.getTime()) / 1000);
    primaryUp.set(labels, view.primary.reachable ? 1 : 0);
    if (view.primary.walBytesPerSecond !== null) walRate.set(labels, view.primary.walBytesPerSecond);
    if (view.archiver) {
      archiverFailing.set(labels, view.archiver.failing ? 1 : 0);
      if (view.archiver.readyCount !== null) archiveReady.set(labels, view.archiver.readyCount);
    }
    for (const standby of view.standbys) {
      const standbyLabels = { cluster: cluster.name, standby: standby.name };
      for (const [kind, value] of Object.entries(standby.lagBytes))
        if (value !== null) lagBytes.set({ ...standbyLabels, kind }, value);
      for (const [kind, value] of Object.entries(standby.lagSeconds))
        if (value !== null) lagSeconds.set({ ...standbyLabels, kind }, value);
      for (const candidate of standbyStates)
        state.set({ ...standbyLabels, state: candidate }, candidate === standby.state ? 1 : 0);
    }
    for (const slot of view.slots) {
      const slotLabels = { cluster: cluster.name, node: slot.node, slot: slot.name };
      slotActive.set(slotLabels, slot.active ? 1 : 0);
      if (slot.retainedBytes !== null) slotRetained.set(slotLabels, slot.retainedBytes);
    }
  }
  return { body: await registry.metrics(), contentType: registry.contentType };
}
