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
