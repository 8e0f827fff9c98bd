import { z } from "zod";

// Restores as the API returns them (design.md: GET /api/v1/restores/:id) and the steps each one
// records as it runs. The steps are a schema because the web side reads them back from the
// restore's JSON column (lib/db/json.ts); the rest are plain shapes built by lib/restore/queries.ts.

export const stepStatusSchema = z.enum(["pending", "running", "succeeded", "failed", "cancelled", "skipped"]);
export type StepStatus = z.infer<typeof stepStatusSchema>;

/** One step of a restore (design.md: steps:[{name,status,startedAt,finishedAt,log}]). */
export const restoreStepSchema = z.object({
  name: z.string(),
  status: stepStatusSchema,
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  log: z.array(z.string()),
});
export type RestoreStep = z.infer<typeof restoreStepSchema>;

/** Where replay stopped (the restore's `reached` column); stoppedAt is the server's own log line. */
export const reachedSchema = z.object({
  lsn: z.string().nullable(),
  time: z.string().nullable(),
  stoppedAt: z.string().nullable().optional(),
});
export type Reached = z.infer<typeof reachedSchema>;

/**
 * A restore's `instance` column as the view reads it: where the restored copy (or a logical
 * restore's target) listens. Partial, because a logical restore stores only host, port and database.
 */
export const storedInstanceSchema = z
  .object({
    host: z.string(),
    port: z.number(),
    database: z.string(),
    user: z.string(),
    name: z.string(),
    dataDir: z.string(),
  })
  .partial()
  .nullable();

export type RestoreKind = "pitr" | "logical" | "table";
export type RestoreStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface RestoreView {
  id: string;
  clusterId: string;
  kind: RestoreKind;
  purpose: string;
  status: RestoreStatus;
  request: unknown;
  plan: unknown;
  backupId: string | null;
  steps: RestoreStep[];
  progress: number | null;
  etaSeconds: number | null;
  instance: {
    host: string;
    port: number;
    database: string;
    user?: string;
    name?: string;
    dataDir?: string;
    state: string | null;
    /** The command a person pastes; the password is the source's. */
    psql: string | null;
  } | null;
  instanceState: string | null;
  reached: Reached | null;
  verification: unknown;
  rtoMs: number | null;
  error: string | null;
  requestedBy: string;
  cancelRequested: boolean;
  expiresAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A cluster's restore drill schedule (GET /api/v1/clusters/:id/drill-schedule). */
export interface DrillScheduleView {
  cron: string;
  timezone: string;
  enabled: boolean;
  lastRunAt: string | null;
  lastOutcome: string | null;
  nextRunAt: string | null;
  isDefault: boolean;
}
