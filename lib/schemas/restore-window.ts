import { z } from "zod";

// The restorable window as the worker computes it (lib/wal/compute-window.ts), stores it in
// the catalog (RestoreWindowSnapshot.window) and the API serves it. A schema, not only a type,
// because the web side reads it back from a JSON column (lib/db/json.ts readJson).

const time = z.string();
const nullableTime = time.nullable();

export const commitRecordSchema = z.object({
  xid: z.number(),
  lsn: z.string(),
  /** ISO-8601 with offset, microseconds kept as pg_waldump prints them. */
  time,
});
export type CommitRecord = z.infer<typeof commitRecordSchema>;

export const restoreRangeSchema = z.object({
  /** Stop time of the backup the range starts from. */
  from: time,
  /** Time of the last archived commit reachable from it; null when none could be read. */
  to: nullableTime,
  /** The timeline to recover into (recovery_target_timeline). */
  timeline: z.number(),
  fromBackupId: z.string(),
  /** Every restorable backup whose WAL leads into this range, oldest first. */
  backupIds: z.array(z.string()),
  /** The backup's start segment and the last archived segment of the range. */
  fromWal: z.string(),
  toWal: z.string(),
  lastCommit: commitRecordSchema.nullable(),
});
export type RestoreRange = z.infer<typeof restoreRangeSchema>;

export const restoreWindowGapSchema = z.object({
  timeline: z.number(),
  /** The first and last missing segment. */
  fromWal: z.string(),
  toWal: z.string(),
  /** Start of the first missing segment and end of the last one. */
  fromLsn: z.string(),
  toLsn: z.string(),
  segments: z.number(),
  /** Last commit time before the gap and first after it, when they could be read. */
  from: nullableTime,
  to: nullableTime,
});
export type RestoreWindowGap = z.infer<typeof restoreWindowGapSchema>;

export const timelineViewSchema = z.object({
  timeline: z.number(),
  parent: z.number().nullable(),
  /** The first LSN of this timeline: where it branched off its parent. */
  switchLsn: z.string().nullable(),
  reason: z.string().nullable(),
  hasHistoryFile: z.boolean(),
  firstWal: z.string().nullable(),
  lastWal: z.string().nullable(),
  segments: z.number(),
});
export type TimelineView = z.infer<typeof timelineViewSchema>;

export const restoreWindowBackupSchema = z.object({
  id: z.string(),
  label: z.string().nullable(),
  startLsn: z.string().nullable(),
  stopLsn: z.string().nullable(),
  timeline: z.number().nullable(),
  startWal: z.string().nullable(),
  stopWal: z.string().nullable(),
  finishedAt: nullableTime,
  /** Every segment from its start to its stop WAL is archived. */
  walComplete: z.boolean(),
  /** Its stop time when it can be restored to a point in time (its WAL archived and a commit after it). */
  restorableFrom: nullableTime,
  /** The end of the range it belongs to. */
  restorableTo: nullableTime,
  /** The timeline a restore from it recovers into. */
  targetTimeline: z.number().nullable(),
  /** Missing segments of its own WAL (the first few). */
  missingWal: z.array(z.string()),
  /** When its verification failed (absent otherwise): such a backup is in no range and never planned from. */
  verificationFailedAt: nullableTime.optional(),
});
export type RestoreWindowBackup = z.infer<typeof restoreWindowBackupSchema>;

export const windowComputationSchema = z.object({
  earliest: nullableTime,
  latest: nullableTime,
  ranges: z.array(restoreRangeSchema),
  timelines: z.array(timelineViewSchema),
  gaps: z.array(restoreWindowGapSchema),
  backups: z.array(restoreWindowBackupSchema),
  problems: z.array(z.string()),
});
export type WindowComputation = z.infer<typeof windowComputationSchema>;

export const restoreWindowArchiveSchema = z.object({
  path: z.string(),
  segments: z.number(),
  firstWal: z.string().nullable(),
  lastWal: z.string().nullable(),
  segmentSize: z.number(),
  historyFiles: z.number(),
  partialFiles: z.number(),
  backupHistoryFiles: z.number(),
  ignoredFiles: z.number(),
  scannedAt: time,
});
export type RestoreWindowArchive = z.infer<typeof restoreWindowArchiveSchema>;

/**
 * The offsite copy's own window as the worker last computed it from the offsite WAL listing and
 * the commit times read there (lib/offsite/offsite-wal-window.ts); `error` when it could not be.
 */
export const offsiteWindowFactsSchema = z.object({
  earliest: nullableTime,
  latest: nullableTime,
  /** The newest segment in the offsite listing. */
  lastWal: z.string().nullable(),
  segmentSize: z.number(),
  computedAt: time,
  problems: z.array(z.string()),
  error: z.string().nullable(),
});
export type OffsiteWindowFacts = z.infer<typeof offsiteWindowFactsSchema>;

export const restoreWindowSchema = windowComputationSchema.extend({
  clusterId: z.string(),
  archive: restoreWindowArchiveSchema.nullable(),
  /** Absent in windows stored before issue 14 and for clusters without an offsite repository. */
  offsiteWindow: offsiteWindowFactsSchema.nullable().optional(),
  /** "offsite" when the local archive could not be read and this is the offsite copy's window. */
  source: z.enum(["local", "offsite"]).optional(),
});
export type RestoreWindow = z.infer<typeof restoreWindowSchema>;

/**
 * How far the offsite repository's WAL is behind the archive (issue 14). `earliest`: the first
 * time restorable from a backup copied offsite; `latest`: the newest time the offsite WAL
 * holds (the archive's last commit when caught up, else when its newest shipped segment was
 * archived); `lagSeconds`: the archive's last commit minus that time, 0 when caught up.
 */
export interface OffsiteWalLag {
  earliest: string | null;
  latest: string | null;
  lagBytes: number | null;
  lagSeconds: number | null;
}

/** GET /api/v1/clusters/:id/restore-window: the stored window and when the worker computed it; `offsite` null without an offsite repository. */
export type StoredRestoreWindow = RestoreWindow & { computedAt: string; offsite?: OffsiteWalLag | null };

/** What the alert evaluation reads back from a stored window: only its gaps (null when the scan failed). */
export const storedWindowGapsSchema = restoreWindowSchema.pick({ gaps: true }).nullable();
