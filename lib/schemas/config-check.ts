import { z } from "zod";
import { archiveInputSchema, nodeConnectionSchema } from "@/lib/schemas/cluster";
import { slugSchema } from "@/lib/schemas/common";

// The configuration check: what a node's settings, pg_hba and role say against what Walden
// needs, each finding with the statement or pg_hba line that fixes it.

export const CONFIG_CHECK_IDS = [
  "wal_level",
  "archive_mode",
  "archive_command",
  "archive_timeout",
  "max_wal_senders",
  "pg_hba_replication",
  "role_privileges",
] as const;
export type ConfigCheckId = (typeof CONFIG_CHECK_IDS)[number];

export type ConfigCheckStatus = "ok" | "warn" | "fail";

export interface ConfigCheck {
  id: ConfigCheckId;
  status: ConfigCheckStatus;
  /** What the server has, in words (the setting's value, the pg_hba rule, the role's attributes). */
  found: string;
  /** What Walden needs, and why. */
  expected: string;
  /** The exact statements or pg_hba line that fix it; null when nothing is to be done. */
  fix: string | null;
}

export interface NodeConfigReport {
  serverRole: "primary" | "standby";
  currentUser: string;
  checks: ConfigCheck[];
}

/** One registered node's result: its checks, or why it could not be reached. */
export type NodeConfigResult =
  | { name: string; role: "primary" | "standby"; ok: true; report: NodeConfigReport }
  | { name: string; role: "primary" | "standby"; ok: false; error: { code: string; message: string } };

/**
 * The register form's check: the primary's typed settings plus the archive it will be registered
 * with; `name` gives the default archive folder (WALDEN_HOME/archive/<name>) when no path is typed.
 */
export const configCheckInputSchema = z.strictObject({
  node: nodeConnectionSchema,
  name: slugSchema.optional(),
  archive: archiveInputSchema.default({ mode: "archive_command" }),
  standbyCount: z
    .number({ error: "must be a whole number from 0 to 32" })
    .int("must be a whole number from 0 to 32")
    .min(0, "must be from 0 to 32")
    .max(32, "must be from 0 to 32")
    .default(0),
});
export type ConfigCheckInput = z.infer<typeof configCheckInputSchema>;
/** What a client sends (defaults not yet applied). */
export type ConfigCheckRequest = z.input<typeof configCheckInputSchema>;
