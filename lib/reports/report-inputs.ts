// The rows the monthly report is computed from, as monthly.ts loads them from the catalog (and
// the tests write them by hand): the inputs of aggregate.ts and backup-figures.ts.

export interface MonthRange {
  /** YYYY-MM */
  month: string;
  /** First instant of the month, UTC. */
  start: Date;
  /** First instant of the next month, UTC. */
  end: Date;
}

export interface BackupRow {
  id: string;
  kind: "physical" | "logical";
  status: "queued" | "running" | "succeeded" | "failed" | "expired";
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  sizeBytes: number | null;
  verified: boolean;
  verifiedAt: Date | null;
  path: string | null;
  copies: CopyRow[];
}

export interface CopyRow {
  path: string;
  offsite: boolean;
  status: string;
  /** "folder" (a second local repository, a disk) or "s3" (object storage); older rows: from the path. */
  repository?: string;
}

/** The offsite repository's facts at the report's end (3-2-1's "1 offsite"). */
export interface OffsiteFacts {
  /** When the newest offsite copy of a backup that succeeded by the report's end finished. */
  lastBackupCopyAt: Date | null;
  /** The newest shipped WAL segment per timeline: when it was archived and when it was shipped. */
  walPositions: { lastSegmentArchivedAt: Date; shippedAt: Date }[];
}

export interface ScheduleRow {
  kind: "physical" | "logical";
  cron: string;
  timezone: string;
  enabled: boolean;
  createdAt: Date;
}

export interface DrillRow {
  id: string;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  createdAt: Date;
  rtoMs: number | null;
}

export interface RollupRow {
  standby: string;
  resolution: string;
  bucket: Date;
  replayBytesAvg: number | null;
  replayBytesMax: number | null;
  replaySecondsMax: number | null;
}

/**
 * A month of one standby's rollups at one resolution, summed up. The catalog computes it in SQL
 * (lib/reports/monthly.ts: a month of minute rollups is 43,200 rows per standby);
 * summarizeRollups is the same computation over rows, the reference the tests pin.
 */
export interface LagSummary {
  standby: string;
  resolution: string;
  buckets: number;
  /** Linear-interpolation percentiles (percentile_cont) of the per-bucket average lag. */
  replayBytesP50: number | null;
  replayBytesP95: number | null;
  replayBytesMax: number | null;
  replaySecondsMax: number | null;
  /** Buckets whose largest sample was over the threshold. */
  bucketsOver: number;
}

export interface AlertRow {
  severity: string;
  kind: string;
  startedAt: Date;
  resolvedAt: Date | null;
}

/** The stored restorable window (lib/wal/stored-window.ts), only the parts the report reads. */
export interface StoredWindowInput {
  computedAt: Date;
  earliest: string | null;
  latest: string | null;
  ranges: { from: string; to: string | null }[];
  gaps: { fromWal: string; toWal: string; segments: number; from: string | null; to: string | null }[];
}

export interface ClusterInput {
  id: string;
  name: string;
  /** When the cluster was registered in Walden. */
  createdAt: Date;
  rpoTargetSeconds: number;
  rtoTargetSeconds: number;
  secondaryRepositoryPath: string | null;
  secondaryOffsite: boolean;
  /** Backups created in the month. */
  backups: BackupRow[];
  /** Backups created in the previous month, for the trend. */
  previousBackups: BackupRow[];
  /** The last physical backup that succeeded (or later expired) before the month began. */
  lastSuccessBefore: Date | null;
  schedules: ScheduleRow[];
  /** Restores with purpose "drill" created in the month. */
  drills: DrillRow[];
  /** The month's replication rollups (1m and/or 1h) per standby and resolution. */
  lag: LagSummary[];
  /** Alerts that fired in the month. */
  alerts: AlertRow[];
  window: StoredWindowInput | null;
  /** Why the window is missing, when the archive could not be read. */
  windowError: string | null;
  /** Null without an offsite repository (or in tests that leave it out). */
  offsite?: OffsiteFacts | null;
}
