import { z } from "zod";

// The demo's failover button (POST /api/v1/sandbox/failover): admins, the demo sandbox's
// cluster only. `dryRun` asks whether the button applies (200) without queueing anything.

export const sandboxNodeNames = ["primary", "standby1", "standby2"] as const;

export const sandboxFailoverRequestSchema = z.strictObject({
  clusterId: z.uuid("must be a cluster id (uuid)"),
  node: z.enum(sandboxNodeNames, { error: "must be primary, standby1 or standby2" }),
  dryRun: z.boolean({ error: "must be true or false" }).default(false),
});
export type SandboxFailoverRequest = z.input<typeof sandboxFailoverRequestSchema>;

/** 202 with the worker's job, or (dryRun) 200 with jobId null: the button may be shown. */
export interface SandboxFailoverAnswer {
  node: (typeof sandboxNodeNames)[number];
  jobId: string | null;
}
