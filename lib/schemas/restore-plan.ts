import { z } from "zod";
import { restoreSourceSchema, restoreTargetSchema } from "@/lib/schemas/restore";

// What the restore planner (lib/restore/planner.ts) answers: a plan, or why the target cannot
// be reached with the restorable window beside it. Schemas, because a plan crosses two edges
// as JSON: the worker's answer to restore.plan (lib/queue) and a restore's stored plan column.

export const refusalReasonSchema = z.enum([
  "no_backup",
  "after_latest",
  "before_earliest",
  "in_gap",
  "unknown_xid",
  "unknown_name",
  "backup_not_usable",
  "bad_timeline",
]);
export type RefusalReason = z.infer<typeof refusalReasonSchema>;

/** The window as a refusal shows it next to the target field. */
export const windowSummarySchema = z.object({
  earliest: z.string().nullable(),
  latest: z.string().nullable(),
  gaps: z.array(
    z.object({
      from: z.string().nullable(),
      to: z.string().nullable(),
      fromWal: z.string(),
      toWal: z.string(),
    }),
  ),
  ranges: z.array(z.object({ from: z.string(), to: z.string().nullable(), timeline: z.number() })),
});
export type WindowSummary = z.infer<typeof windowSummarySchema>;

export const planRefusalSchema = z.object({
  ok: z.literal(false),
  reason: refusalReasonSchema,
  message: z.string(),
  /** The message's key and figures in the apiErrors catalog, so the API can say it in Korean too. */
  localized: z
    .object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() })
    .optional(),
  window: windowSummarySchema,
});
export type PlanRefusal = z.infer<typeof planRefusalSchema>;

export const restorePlanSchema = z.object({
  backupId: z.string(),
  backupLabel: z.string().nullable(),
  backupStopLsn: z.string(),
  backupFinishedAt: z.string(),
  /** Where replay starts (the backup's start LSN) and where it stops, when known. */
  fromLsn: z.string(),
  toLsn: z.string().nullable(),
  toTime: z.string().nullable(),
  target: restoreTargetSchema,
  /** recovery_target_timeline as written ("latest", "current" or a number). */
  timeline: z.string(),
  /** The timeline coverage was checked along. */
  checkedTimeline: z.number(),
  fromWal: z.string(),
  /** The last archived segment replay may read. */
  toWal: z.string(),
  /** Upper bound of WAL to replay (from the backup's start to the target or the end of the range). */
  walBytes: z.number(),
  backupBytes: z.number(),
  estimateSeconds: z.number(),
  warnings: z.array(z.string()),
  /** One sentence a person can check: what will happen. */
  summary: z.string(),
  /**
   * The timelines replay follows, oldest first, each from the LSN where it branched off; only
   * when replay crosses a promotion (absent in plans stored before it was added).
   */
  timelineSteps: z.array(z.object({ timeline: z.number(), switchLsn: z.string().nullable() })).optional(),
  /** The copy the restore reads (absent in plans stored before issue 14), and why that one. */
  source: restoreSourceSchema.optional(),
  sourceReason: z.string().optional(),
});
export type RestorePlan = z.infer<typeof restorePlanSchema>;

export const planResultSchema = z.union([
  z.object({ ok: z.literal(true), plan: restorePlanSchema }),
  planRefusalSchema,
]);
export type PlanResult = z.infer<typeof planResultSchema>;

/** A request field the worker refuses before planning: the copy asked for, or the age identity. */
export const fieldRefusalSchema = z.object({
  ok: z.literal(false),
  reason: z.literal("bad_field"),
  field: z.enum(["source", "identity"]),
  message: z.string(),
});
export type FieldRefusal = z.infer<typeof fieldRefusalSchema>;

/** The worker's answer to restore.plan: a plan, a refusal, or why the archive could not be read. */
export const planAnswerSchema = z.union([
  planResultSchema,
  fieldRefusalSchema,
  z.object({ ok: z.literal(false), reason: z.literal("unavailable"), message: z.string() }),
]);
export type PlanAnswer = z.infer<typeof planAnswerSchema>;

/**
 * What the restore's runner and retention read back from its stored plan: the backup it
 * restores from (null before it is planned). Only that field, so a plan stored by an older
 * version still reads.
 */
export const plannedBackupSchema = restorePlanSchema.pick({ backupId: true }).nullable();
