import { Gauge, Registry } from "prom-client";

// Every metric /metrics exposes, named by Prometheus's conventions (base units: seconds and
// bytes; points in time as `_timestamp_seconds` since the epoch, so a rule computes the age with
// `time() - …` and the value does not go stale between scrapes). One place for names and help
// texts: the Grafana dashboard and the alerting rules in deploy/ are checked against this list.

function families(registry: Registry) {
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  return {
    // Replication, from the newest sample of each cluster.
    lagBytes: gauge(
      "walden_replication_lag_bytes",
      "Bytes a standby is behind the primary's current WAL position",
      ["cluster", "standby", "kind"],
    ),
    lagSeconds: gauge(
      "walden_replication_lag_seconds",
      "Seconds since the primary was at the standby's position",
      ["cluster", "standby", "kind"],
    ),
    standbyState: gauge("walden_standby_state", "1 for the standby's current state, 0 for the others", [
      "cluster",
      "standby",
      "state",
    ]),
    slotRetained: gauge("walden_slot_retained_bytes", "WAL a replication slot holds back", [
      "cluster",
      "node",
      "slot",
    ]),
    slotActive: gauge("walden_slot_active", "1 when a replication slot has a consumer connected", [
      "cluster",
      "node",
      "slot",
    ]),
    slotSafeWal: gauge(
      "walden_slot_safe_wal_size_bytes",
      "WAL that can still be written before the slot loses WAL it needs (max_slot_wal_keep_size)",
      ["cluster", "node", "slot"],
    ),
    writableNodes: gauge(
      "walden_writable_nodes",
      "Nodes taking writes (not in recovery): more than 1 is a split brain",
      ["cluster"],
    ),
    archiverFailing: gauge("walden_archiver_failing", "1 when the last archive attempt failed", ["cluster"]),
    archiveReady: gauge("walden_archiver_ready_segments", "WAL segments waiting to be archived", ["cluster"]),
    archiverLastArchived: gauge(
      "walden_archiver_last_archived_timestamp_seconds",
      "When the archiver last archived a WAL segment successfully",
      ["cluster"],
    ),
    archiveLag: gauge(
      "walden_wal_archive_lag_seconds",
      "How long WAL has been waiting to be archived: 0 when no segment waits, else the time since the last successful archive",
      ["cluster"],
    ),
    primaryUp: gauge("walden_primary_up", "1 when the primary answered the last sample", ["cluster"]),
    walRate: gauge("walden_wal_bytes_per_second", "WAL written per second on the primary (last minute)", [
      "cluster",
    ]),
    sampleAge: gauge("walden_sample_age_seconds", "Age of the newest replication sample", ["cluster"]),
    rpoTarget: gauge(
      "walden_cluster_rpo_target_seconds",
      "The cluster's recovery point objective: the longest acceptable time without a physical backup",
      ["cluster"],
    ),
    clusterStatus: gauge("walden_cluster_status", "1 for the cluster's current status", [
      "cluster",
      "status",
    ]),

    // Backups and jobs, from the catalog.
    backupLastSuccess: gauge(
      "walden_backup_last_success_timestamp_seconds",
      "When the newest succeeded backup of this kind finished",
      ["cluster", "kind"],
    ),
    backupLastDuration: gauge(
      "walden_backup_last_duration_seconds",
      "How long the newest succeeded backup of this kind ran",
      ["cluster", "kind"],
    ),
    backupLastSize: gauge(
      "walden_backup_last_size_bytes",
      "Size of the newest succeeded backup of this kind",
      ["cluster", "kind"],
    ),
    backupLastFailure: gauge(
      "walden_backup_last_failure_timestamp_seconds",
      "When the newest failed backup of this kind finished",
      ["cluster", "kind"],
    ),
    backupLastVerification: gauge(
      "walden_backup_last_verification_success",
      "1 when the newest verification of a backup passed, 0 when it failed",
      ["cluster"],
    ),
    jobsRunning: gauge(
      "walden_jobs_running",
      "Jobs running now (backup_physical, backup_logical, verify, restore_pitr, restore_logical, restore_table, drill)",
      ["cluster", "job"],
    ),
    jobsQueued: gauge("walden_jobs_queued", "Jobs waiting for a worker", ["cluster", "job"]),
    backupCopies: gauge(
      "walden_backup_copies",
      "Succeeded backups with a whole copy in each repository (local: the backup itself)",
      ["cluster", "repository"],
    ),
    offsiteLag: gauge(
      "walden_offsite_lag_seconds",
      "How far the newest WAL in the offsite repository is behind the newest archived WAL",
      ["cluster"],
    ),

    // The restorable window, as the worker last computed it from the archive.
    windowStart: gauge(
      "walden_restore_window_start_timestamp_seconds",
      "The earliest time a point-in-time restore can reach",
      ["cluster"],
    ),
    windowEnd: gauge(
      "walden_restore_window_end_timestamp_seconds",
      "The latest time a point-in-time restore can reach (the last archived commit)",
      ["cluster"],
    ),
    archiveGaps: gauge(
      "walden_wal_archive_gaps",
      "Ranges of WAL missing from the archive (each one splits the restorable window)",
      ["cluster"],
    ),
    archiveMissingSegments: gauge(
      "walden_wal_archive_missing_segments",
      "WAL segments missing from the archive, over all gaps",
      ["cluster"],
    ),

    // Drills and alerts.
    drillLastRto: gauge(
      "walden_drill_last_rto_seconds",
      "Recovery time of the newest succeeded restore drill (start to verified)",
      ["cluster"],
    ),
    drillLastSuccess: gauge(
      "walden_drill_last_success_timestamp_seconds",
      "When the newest succeeded restore drill finished",
      ["cluster"],
    ),
    drillLastFailure: gauge(
      "walden_drill_last_failure_timestamp_seconds",
      "When the newest failed restore drill finished",
      ["cluster"],
    ),
    alertsFiring: gauge("walden_alerts_firing", "Walden alerts firing now, by severity", [
      "cluster",
      "severity",
    ]),
  };
}

export type MetricFamilies = ReturnType<typeof families>;

/** A fresh registry with every family registered (and no values yet). */
export function createMetricFamilies(): { registry: Registry; metrics: MetricFamilies } {
  const registry = new Registry();
  return { registry, metrics: families(registry) };
}

/** The name of every family, for the checks of deploy/ against the exposition. */
export function metricNames(): string[] {
  return createMetricFamilies()
    .registry.getMetricsAsArray()
    .map((metric) => metric.name);
}
