import { db } from "@/lib/db";

// The catalog facts behind /metrics' backup, job, window, drill and alert families, for the
// whole fleet at once: a fixed number of queries however many clusters there are (a scrape of
// 500 clusters must not become 500 × n round trips).

export interface LastBackupRow {
  cluster_id: string;
  kind: "physical" | "logical";
  status: "succeeded" | "failed";
  started_at: Date | null;
  finished_at: Date;
  size_bytes: bigint | null;
}

export interface JobCountRow {
  cluster_id: string;
  job: string;
  state: "queued" | "running";
  count: number;
}

export interface WindowRow {
  cluster_id: string;
  earliest: string | null;
  latest: string | null;
  gaps: number;
  missing_segments: number;
}

export interface DrillRow {
  cluster_id: string;
  status: "succeeded" | "failed";
  finished_at: Date;
  rto_ms: number | null;
}

export interface VerificationRow {
  cluster_id: string;
  verified: boolean;
}

export interface FleetFacts {
  lastBackups: LastBackupRow[];
  jobs: JobCountRow[];
  windows: WindowRow[];
  drills: DrillRow[];
  verifications: VerificationRow[];
  firingAlerts: { clusterId: string; severity: string; count: number }[];
  localCopies: Map<string, number>;
  offsiteCopies: Map<string, number>;
}

export async function loadFleetFacts(clusterIds: string[]): Promise<FleetFacts> {
  const ids = clusterIds;
  const [lastBackups, jobs, windows, drills, verifications, alerts, local, offsite] = await Promise.all([
    // The newest succeeded and the newest failed backup per cluster and kind.
    db().$queryRaw<LastBackupRow[]>`
      SELECT DISTINCT ON (cluster_id, kind, status)
             cluster_id::text, kind::text, status::text, started_at, finished_at, size_bytes
        FROM backups
       WHERE cluster_id = ANY(${ids}::uuid[]) AND status IN ('succeeded', 'failed')
         AND finished_at IS NOT NULL
       ORDER BY cluster_id, kind, status, finished_at DESC`,
    // Queued and running work per cluster: backups by kind, verifications, restores by kind
    // (drills apart: they are scheduled evidence, not someone waiting for data).
    db().$queryRaw<JobCountRow[]>`
      SELECT cluster_id::text, 'backup_' || kind::text AS job, status::text AS state, count(*)::int AS count
        FROM backups
       WHERE cluster_id = ANY(${ids}::uuid[]) AND status IN ('queued', 'running')
       GROUP BY 1, 2, 3
      UNION ALL
      SELECT cluster_id::text, 'verify', 'running', count(*)::int
        FROM backups
       WHERE cluster_id = ANY(${ids}::uuid[]) AND verify_worker_id IS NOT NULL
       GROUP BY 1
      UNION ALL
      SELECT cluster_id::text, CASE WHEN purpose = 'drill' THEN 'drill' ELSE 'restore_' || kind::text END,
             status::text, count(*)::int
        FROM restores
       WHERE cluster_id = ANY(${ids}::uuid[]) AND status IN ('queued', 'running')
       GROUP BY 1, 2, 3`,
    // Only the window's ends and gaps: the stored window also lists every backup and range.
    db().$queryRaw<WindowRow[]>`
      SELECT cluster_id::text, "window"->>'earliest' AS earliest, "window"->>'latest' AS latest,
             jsonb_array_length(COALESCE("window"->'gaps', '[]'::jsonb))::int AS gaps,
             COALESCE((SELECT sum((gap->>'segments')::bigint)
                         FROM jsonb_array_elements(COALESCE("window"->'gaps', '[]'::jsonb)) AS gap), 0)::int
               AS missing_segments
        FROM restore_windows
       WHERE cluster_id = ANY(${ids}::uuid[]) AND "window" IS NOT NULL`,
    db().$queryRaw<DrillRow[]>`
      SELECT DISTINCT ON (cluster_id, status) cluster_id::text, status::text, finished_at, rto_ms
        FROM restores
       WHERE cluster_id = ANY(${ids}::uuid[]) AND purpose = 'drill' AND status IN ('succeeded', 'failed')
         AND finished_at IS NOT NULL
       ORDER BY cluster_id, status, finished_at DESC`,
    // The newest verification result per cluster.
    db().$queryRaw<VerificationRow[]>`
      SELECT DISTINCT ON (cluster_id) cluster_id::text, verified
        FROM backups
       WHERE cluster_id = ANY(${ids}::uuid[]) AND verified_at IS NOT NULL
       ORDER BY cluster_id, verified_at DESC`,
    db().alert.groupBy({
      by: ["clusterId", "severity"],
      where: { clusterId: { in: ids }, state: "firing" },
      _count: { _all: true },
    }),
    db().backup.groupBy({
      by: ["clusterId"],
      where: { clusterId: { in: ids }, status: "succeeded" },
      _count: { _all: true },
    }),
    db().backup.groupBy({
      by: ["clusterId"],
      where: {
        clusterId: { in: ids },
        status: "succeeded",
        copies: { some: { repository: "s3", status: "succeeded" } },
      },
      _count: { _all: true },
    }),
  ]);
  const counts = (rows: { clusterId: string; _count: { _all: number } }[]) =>
    new Map(rows.map((row) => [row.clusterId, row._count._all]));
  return {
    lastBackups,
    jobs,
    windows,
    drills,
    verifications,
    firingAlerts: alerts.map((row) => ({
      clusterId: row.clusterId,
      severity: row.severity,
      count: row._count._all,
    })),
    localCopies: counts(local),
    offsiteCopies: counts(offsite),
  };
}
