import { z } from "zod";

function tierSchema(periods: string) {
  return z
    .number({ error: `must be a whole number of ${periods}` })
    .int(`must be a whole number of ${periods}`)
    .min(0, "must be 0 (off) or more")
    .max(1000, `must be at most 1000 ${periods}`)
    .default(0);
}

export const retentionPolicySchema = z.strictObject({
  recoveryWindowDays: z.number({ error: "must be a whole number of days" }).int().min(0).max(3650),
  minRedundancy: z
    .number({ error: "must be a whole number" })
    .int()
    .min(1, "keep at least one physical backup")
    .max(1000),
  logicalKeep: z.number({ error: "must be a whole number" }).int().min(0).max(10000),
  // Grandfather-father-son tiers of physical backups, beside the window; 0 (or left out) turns a tier off.
  keepDaily: tierSchema("days"),
  keepWeekly: tierSchema("weeks"),
  keepMonthly: tierSchema("months"),
  keepYearly: tierSchema("years"),
  // The same tiers in the offsite repository, beside its own days and minimum backups (set with
  // the repository). Left out, the stored ones stay: a client that does not know them keeps them.
  offsiteTiers: z
    .strictObject({
      keepDaily: tierSchema("days"),
      keepWeekly: tierSchema("weeks"),
      keepMonthly: tierSchema("months"),
      keepYearly: tierSchema("years"),
    })
    .optional(),
});

/** PUT /api/v1/clusters/:id/retention's body, parsed. */
export type RetentionPolicyUpdate = z.output<typeof retentionPolicySchema>;

// A policy and what applying it would do, as the API returns them (lib/backup/retention.ts).

/** How many days, ISO weeks, months and years keep their newest physical backup; 0: the tier is off. */
export interface RetentionTiers {
  keepDaily: number;
  keepWeekly: number;
  keepMonthly: number;
  keepYearly: number;
}

export interface RetentionPolicyInput extends RetentionTiers {
  recoveryWindowDays: number;
  minRedundancy: number;
  logicalKeep: number;
}

/** The local policy and the offsite repository's tiers, as stored and returned. */
export interface RetentionPolicy extends RetentionPolicyInput {
  offsiteTiers: RetentionTiers;
}

export interface RetentionDecision {
  id: string;
  kind: "physical" | "logical";
  reason: string;
  /** The reason as a code and its figures (messages findings.retention.<code>), for the page's language. */
  reasonCode?: string;
  reasonParams?: Record<string, string | number>;
}

/** A kept backup: the first reason that keeps it, and every tier period it stands for. */
export interface RetentionKeepDecision extends RetentionDecision {
  /** "daily 2026-12-01", "weekly 2026-W49", "monthly 2026-12", "yearly 2026"; empty when no tier keeps it. */
  tiers: string[];
}

/** Archived WAL a retention run deletes: none (and why), or a range. */
export interface WalPruningPreview {
  skipped: string | null;
  count: number;
  bytes: number;
  fromWal: string | null;
  toWal: string | null;
  keepFrom: string | null;
}

/**
 * The offsite repository's part of the dry run: its own days and minimum backups, the tiers, the
 * copies kept and expired (with the objects each one has), and the offsite WAL no kept copy needs.
 */
export interface OffsiteRetentionPreview {
  /** s3://bucket/prefix at endpoint */
  repository: string;
  policy: { days: number | null; minBackups: number | null } & RetentionTiers;
  /** Why nothing is deleted offsite, when nothing is (no retention set, storage unreachable…). */
  skipped: string | null;
  windowStart: string | null;
  keep: (RetentionKeepDecision & { finishedAt: string })[];
  expire: (RetentionDecision & { finishedAt: string; objects: number; sizeBytes: number })[];
  wal: WalPruningPreview;
  /** Copies whose upload is not complete (running or failed): never counted, never deleted. */
  incompleteCopies: number;
}

/** GET /api/v1/clusters/:id/retention/preview: the dry run. */
export interface RetentionPreview {
  policy: RetentionPolicy & { isDefault: boolean };
  windowStart: string;
  /** The time zone whose calendar the tiers' days, weeks, months and years follow. */
  tierTimeZone: string;
  keep: (RetentionKeepDecision & { finishedAt: string })[];
  expire: (RetentionDecision & { finishedAt: string; sizeBytes: number | null })[];
  wal: WalPruningPreview;
  /** The earliest restorable time now and after applying (the oldest kept physical backup's end). */
  earliestRestorable: { before: string | null; after: string | null };
  /** The offsite repository's plan; null when the cluster has none. */
  offsite: OffsiteRetentionPreview | null;
}
