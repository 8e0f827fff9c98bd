import { z } from "zod";

// The monthly report's figures (issue 6) as lib/reports/aggregate.ts computes them and the
// report page shows them. Schemas, because a finished month is stored as a JSON snapshot and
// read back (lib/db/json.ts readJson): a snapshot of another shape is an error, not a page of
// undefined figures.

const count = z.number();
const seconds = z.number().nullable();
const nullableTime = z.string().nullable();

export const sizeDurationStatsSchema = z.object({
  count,
  sizeBytesMedian: z.number().nullable(),
  sizeBytesP95: z.number().nullable(),
  durationSecondsMedian: seconds,
  durationSecondsP95: seconds,
});
export type SizeDurationStats = z.infer<typeof sizeDurationStatsSchema>;

export const kindReportSchema = sizeDurationStatsSchema.extend({
  /** Cron firings of the kind's schedule in the month (so far, for the current month). */
  scheduled: count,
  /** How `scheduled` was counted: an approximation when a schedule was edited during the month. */
  scheduledBasis: z.string(),
  /** Backups that started (any outcome). */
  run: count,
  succeeded: count,
  failed: count,
  /** succeeded / (succeeded + failed); null when none finished. */
  successRate: z.number().nullable(),
  previous: sizeDurationStatsSchema,
  trend: z.object({
    sizeMedianChangePercent: z.number().nullable(),
    durationMedianChangePercent: z.number().nullable(),
  }),
});
export type KindReport = z.infer<typeof kindReportSchema>;

export const rpoReportSchema = z.object({
  targetSeconds: z.number(),
  /** The largest gap between successful physical backups, in seconds (the achieved RPO). */
  worstGapSeconds: seconds,
  worstGapFrom: nullableTime,
  worstGapTo: nullableTime,
  met: z.boolean().nullable(),
  /** Set when no physical backup succeeded before the month: the first gap is counted from the month's start. */
  note: z.string().nullable(),
});
export type RpoReport = z.infer<typeof rpoReportSchema>;

export const verificationReportSchema = z.object({
  /** Backups of the month that were verified (passed). */
  verified: count,
  /** Backups of the month whose verification ran and failed. */
  failed: count,
  /** Succeeded backups of the month never verified. */
  unverified: count,
});
export type VerificationReport = z.infer<typeof verificationReportSchema>;

export const drillReportSchema = z.object({
  count,
  succeeded: count,
  failed: count,
  rtoTargetSeconds: z.number(),
  rtoMedianSeconds: seconds,
  rtoMaxSeconds: seconds,
  /** Succeeded drills whose RTO was within the target. */
  withinTarget: count,
  met: z.boolean().nullable(),
});
export type DrillReport = z.infer<typeof drillReportSchema>;

/** One standby's lag over the month, from the rollups (lib/reports/aggregate.ts LagSummary). */
export const standbyLagReportSchema = z.object({
  standby: z.string(),
  resolution: z.string(),
  buckets: count,
  /** Linear-interpolation percentiles (percentile_cont) of the per-bucket average lag. */
  replayBytesP50: z.number().nullable(),
  replayBytesP95: z.number().nullable(),
  replayBytesMax: z.number().nullable(),
  replaySecondsMax: seconds,
  thresholdBytes: z.number(),
  /**
   * Minutes whose largest sample was over the threshold. From hour rollups this is an upper
   * bound (60 per hour whose maximum was over).
   */
  minutesOverThreshold: count,
  minutesOverIsUpperBound: z.boolean(),
});
export type StandbyLagReport = z.infer<typeof standbyLagReportSchema>;

export const alertReportSchema = z.object({
  count,
  bySeverity: z.record(z.string(), count),
  resolved: count,
  open: count,
  resolveMedianSeconds: seconds,
  resolveMaxSeconds: seconds,
});
export type AlertReport = z.infer<typeof alertReportSchema>;

export const threeTwoOneReportSchema = z.object({
  /** The newest physical backup that succeeded in the month, which the status is read from. */
  backupId: z.string().nullable(),
  /** Copies of the data: the live database, the backup, and its checked copies. */
  copies: count,
  /** Distinct repository folders holding the backup or a copy. */
  repositories: count,
  offsite: z.boolean(),
  met: z.boolean(),
  /** Succeeded physical backups of the month with at least one checked copy. */
  copiedBackups: count,
  secondaryConfigured: z.boolean(),
  /**
   * Distinct storage media holding the backup or a copy: a disk (the repository folder, a second
   * folder) and object storage (the S3 repository). Absent in reports stored before it.
   */
  media: count.optional(),
  /** At the report's end: how old the newest offsite copy of a backup was (null: none by then). */
  offsiteBackupAgeSeconds: z.number().nonnegative().nullable().optional(),
  /**
   * At the report's end: how old the newest WAL offsite was (its archive time); null when no WAL
   * was offsite then or when it is not known (WAL shipped since: Walden keeps only the newest
   * shipped segment, so a finished month stored after more WAL was shipped cannot say).
   */
  offsiteWalAgeSeconds: z.number().nonnegative().nullable().optional(),
});
export type ThreeTwoOneReport = z.infer<typeof threeTwoOneReportSchema>;

export const walContinuityReportSchema = z.object({
  /** Share of the month (so far) covered by a restorable range; null when the window is unknown. */
  coveredRatio: z.number().nullable(),
  gaps: z.array(
    z.object({
      fromWal: z.string(),
      toWal: z.string(),
      segments: count,
      from: nullableTime,
      to: nullableTime,
    }),
  ),
  approximate: z.literal(true),
  basis: z.string(),
});
export type WalContinuityReport = z.infer<typeof walContinuityReportSchema>;

export const monthEndWindowSchema = z.object({
  earliest: nullableTime,
  latest: nullableTime,
  /** "stored": the window as last scanned (current month); "derived": read back from it to the month's end. */
  basis: z.enum(["stored", "derived", "unknown"]),
  computedAt: nullableTime,
});
export type MonthEndWindow = z.infer<typeof monthEndWindowSchema>;

export const clusterReportSchema = z.object({
  clusterId: z.string(),
  name: z.string(),
  backups: z.object({ physical: kindReportSchema, logical: kindReportSchema }),
  rpo: rpoReportSchema,
  walContinuity: walContinuityReportSchema,
  restorableWindow: monthEndWindowSchema,
  verification: verificationReportSchema,
  drills: drillReportSchema,
  replication: z.array(standbyLagReportSchema),
  alerts: alertReportSchema,
  threeTwoOne: threeTwoOneReportSchema,
});
export type ClusterReport = z.infer<typeof clusterReportSchema>;

export const fleetReportSchema = z.object({
  clusters: count,
  backupsScheduled: count,
  backupsRun: count,
  backupsSucceeded: count,
  backupsFailed: count,
  successRate: z.number().nullable(),
  /** Clusters whose achieved RPO met the target / whose drills met the RTO target. */
  rpoMet: count,
  rtoMet: count,
  worstGapSeconds: seconds,
  worstGapClusterId: z.string().nullable(),
  verified: count,
  verificationFailed: count,
  drills: count,
  drillsSucceeded: count,
  alerts: count,
  alertsBySeverity: z.record(z.string(), count),
  threeTwoOneMet: count,
});
export type FleetReport = z.infer<typeof fleetReportSchema>;

/** What a month's report holds: stored as the snapshot, hashed over its canonical JSON. */
export const monthlyReportBodySchema = z.object({
  month: z.string(),
  generatedAt: z.string(),
  scope: z.object({ clusterId: z.string().nullable() }),
  clusters: z.array(clusterReportSchema),
  fleet: fleetReportSchema,
});
export type MonthlyReportBody = z.infer<typeof monthlyReportBodySchema>;

/** GET /api/v1/reports/monthly (JSON) and the report page. */
export type MonthlyReport = MonthlyReportBody & {
  /** Set for a finished month: the stored evidence and its hash (over canonicalJson of the rest). */
  snapshot: { sha256: string; createdAt: string } | null;
};

/** The worker's answer to report.pdf: the printed report, base64 (a job's output is JSON). */
export const renderedReportPdfSchema = z.object({ pdf: z.string(), bytes: z.number() });
export type RenderedReportPdf = z.infer<typeof renderedReportPdfSchema>;
