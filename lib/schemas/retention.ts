import { z } from "zod";

export const retentionPolicySchema = z.strictObject({
  recoveryWindowDays: z.number({ error: "must be a whole number of days" }).int().min(0).max(3650),
  minRedundancy: z
    .number({ error: "must be a whole number" })
    .int()
    .min(1, "keep at least one physical backup")
    .max(1000),
  logicalKeep: z.number({ error: "must be a whole number" }).int().min(0).max(10000),
});

// A policy and what applying it would do, as the API returns them (lib/backup/retention.ts).

export interface RetentionPolicyInput {
  recoveryWindowDays: number;
  minRedundancy: number;
  logicalKeep: number;
}

export interface RetentionDecision {
  id: string;
  kind: "physical" | "logical";
  reason: string;
}

/** GET /api/v1/clusters/:id/retention/preview: the dry run. */
export interface RetentionPreview {
  policy: RetentionPolicyInput & { isDefault: boolean };
  windowStart: string;
  keep: (RetentionDecision & { finishedAt: string })[];
  expire: (RetentionDecision & { finishedAt: string; sizeBytes: number | null })[];
  wal: {
    skipped: string | null;
    count: number;
    bytes: number;
    fromWal: string | null;
    toWal: string | null;
    keepFrom: string | null;
  };
  /** The earliest restorable time now and after applying (the oldest kept physical backup's end). */
  earliestRestorable: { before: string | null; after: string | null };
}
