import { z } from "zod";
import {
  absolutePathSchema,
  hostSchema,
  passwordSchema,
  pgNameSchema,
  portSchema,
  slugSchema,
} from "@/lib/schemas/common";
import { retentionPolicySchema } from "@/lib/schemas/retention";
import type { SafetyReason } from "@/lib/schemas/safety-reason";
import { cronSchema, timeZoneSchema } from "@/lib/schemas/schedule";

/** libpq's sslmode values Walden accepts ("allow" is left out: it prefers cleartext). */
export const SSL_MODES = ["disable", "prefer", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];
export const sslModeSchema = z.enum(SSL_MODES, { error: `must be one of ${SSL_MODES.join(", ")}` });

/** One or more PEM certificates: the CA (and intermediates) that sign a server's certificate. */
export const pemCertificateSchema = z
  .string()
  .trim()
  .max(64 * 1024, "must be at most 64 KiB of PEM")
  .regex(
    /^(-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*)+$/,
    "must be a PEM certificate (-----BEGIN CERTIFICATE----- …), the CA that signed the server's certificate",
  );

// Strict objects: an unknown key (a "conninfo", "options", "sslmode=…" smuggled in) is a 422.
const nodeFields = {
  host: hostSchema,
  port: portSchema,
  user: pgNameSchema,
  password: passwordSchema.optional(),
  database: pgNameSchema,
  sslmode: sslModeSchema.optional(),
  // "" is a form's empty box: no CA.
  sslRootCert: pemCertificateSchema.or(z.literal("")).optional(),
};

/** verify-ca and verify-full check the certificate against a CA: Walden needs that CA. */
const needsRootCert = (node: { sslmode?: SslMode; sslRootCert?: string }) =>
  !(node.sslmode === "verify-ca" || node.sslmode === "verify-full") || Boolean(node.sslRootCert);
const rootCertMessage = {
  message: "verify-ca and verify-full need the CA certificate that signed the server's certificate",
  path: ["sslRootCert"],
};

export const nodeConnectionSchema = z.strictObject(nodeFields).refine(needsRootCert, rootCertMessage);
export type NodeConnectionInput = z.infer<typeof nodeConnectionSchema>;

export const standbyInputSchema = z.strictObject({ ...nodeFields, name: slugSchema });
export type StandbyInput = z.infer<typeof standbyInputSchema>;

export const archiveInputSchema = z.strictObject({
  mode: z.enum(["archive_command", "stream"], { error: "must be 'archive_command' or 'stream'" }),
  path: absolutePathSchema.optional(),
});

/** Where backups go: a path of the cluster's own (default WALDEN_HOME/repo) and an optional second one for copies. */
export const repositoryInputSchema = z.strictObject({
  path: absolutePathSchema.nullable().optional(),
  secondaryPath: absolutePathSchema.nullable().optional(),
  secondaryOffsite: z.boolean().optional(),
});

export const sampleIntervalSchema = z
  .number({ error: "must be a whole number of seconds from 1 to 60" })
  .int("must be a whole number of seconds from 1 to 60")
  .min(1, "must be from 1 to 60 seconds")
  .max(60, "must be from 1 to 60 seconds");

/** RPO and RTO targets: whole seconds from a minute to 90 days. */
const targetSecondsSchema = z
  .number({ error: "must be a whole number of seconds from 60 to 7776000 (90 days)" })
  .int("must be a whole number of seconds from 60 to 7776000 (90 days)")
  .min(60, "must be at least 60 seconds")
  .max(7_776_000, "must be at most 7776000 seconds (90 days)");

const uniqueStandbyNames = (standbys: StandbyInput[] | undefined) => {
  const names = (standbys ?? []).map((standby) => standby.name);
  return new Set(names).size === names.length && !names.includes("primary");
};
const standbyNamesMessage = { message: "standby names must be unique and not 'primary'", path: ["standbys"] };

/**
 * What a new cluster is protected by unless the request says otherwise: a daily physical backup,
 * retention of 7 days with at least 2 physical backups (lib/backup/retention.ts DEFAULT_RETENTION),
 * the weekly verification (lib/schedules/verify.ts DEFAULT_VERIFY_SCHEDULE) and the weekly drill
 * (lib/restore/drills.ts DEFAULT_DRILL_SCHEDULE).
 */
export const REGISTRATION_DEFAULTS = {
  physicalBackup: { cron: "0 2 * * *", timezone: "UTC", enabled: true },
  retention: { recoveryWindowDays: 7, minRedundancy: 2 },
  verification: { cron: "0 4 * * 0", timezone: "UTC", enabled: true },
  drill: { cron: "0 5 * * 0", timezone: "UTC", enabled: true },
} as const;

const timedPartSchema = (defaults: { cron: string; timezone: string; enabled: boolean }) =>
  z
    .strictObject({
      cron: cronSchema,
      timezone: timeZoneSchema.default(defaults.timezone),
      enabled: z.boolean({ error: "must be true or false" }).default(true),
    })
    .default(defaults);

/**
 * The protection created with the cluster. Left out: REGISTRATION_DEFAULTS. `false`: nothing is
 * created: no backup schedule, no verification, no drill (retention keeps its built-in fallback).
 * A part with `enabled: false` is stored switched off, to switch on later.
 */
const protectionSchema = z.strictObject(
  {
    physicalBackup: timedPartSchema(REGISTRATION_DEFAULTS.physicalBackup),
    retention: z
      .strictObject({
        recoveryWindowDays: retentionPolicySchema.shape.recoveryWindowDays,
        minRedundancy: retentionPolicySchema.shape.minRedundancy,
      })
      .default(REGISTRATION_DEFAULTS.retention),
    verification: timedPartSchema(REGISTRATION_DEFAULTS.verification),
    drill: timedPartSchema(REGISTRATION_DEFAULTS.drill),
  },
  { error: "must be false or an object of physicalBackup, retention, verification and drill" },
);

// Not a z.union: when both branches fail, a union reports "no branch matched" instead of the
// object's own problem (a bad time zone), which is the one a person can act on.
export const registrationDefaultsSchema = z
  .custom<false | z.input<typeof protectionSchema>>(() => true)
  .transform((value, ctx): false | z.output<typeof protectionSchema> => {
    if (value === false) return false;
    const parsed = protectionSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    return z.NEVER;
  })
  .default({ ...REGISTRATION_DEFAULTS });
export type RegistrationDefaults = z.output<typeof registrationDefaultsSchema>;

export const clusterCreateSchema = z
  .strictObject({
    name: slugSchema,
    primary: nodeConnectionSchema,
    standbys: z.array(standbyInputSchema).max(32, "at most 32 standbys").default([]),
    archive: archiveInputSchema.default({ mode: "archive_command" }),
    sampleIntervalSeconds: sampleIntervalSchema.default(1),
    repository: repositoryInputSchema.optional(),
    defaults: registrationDefaultsSchema,
  })
  .refine((input) => uniqueStandbyNames(input.standbys), standbyNamesMessage);
export type ClusterCreateInput = z.infer<typeof clusterCreateSchema>;

/** PATCH: every part optional; `standbys` replaces the list; an omitted password keeps the stored one. */
export const clusterUpdateSchema = z
  .strictObject({
    name: slugSchema.optional(),
    // An omitted CA keeps the stored one, so the verify- check happens where both are known.
    primary: z.strictObject(nodeFields).partial().optional(),
    standbys: z.array(standbyInputSchema).max(32, "at most 32 standbys").optional(),
    archive: archiveInputSchema.optional(),
    sampleIntervalSeconds: sampleIntervalSchema.optional(),
    repository: repositoryInputSchema.optional(),
    /** How old the last backup may be before the cluster is at risk. */
    rpoTargetSeconds: targetSecondsSchema.optional(),
    /** How long a drill's restore may take before it is too slow. */
    rtoTargetSeconds: targetSecondsSchema.optional(),
  })
  .refine((input) => uniqueStandbyNames(input.standbys), standbyNamesMessage);
export type ClusterUpdateInput = z.infer<typeof clusterUpdateSchema>;

/** Settings for "test connection"; the password is required unless testing a stored node. */
export const testConnectionSchema = nodeConnectionSchema;

export const clusterStatuses = ["ok", "warning", "critical", "unknown"] as const;
export type ClusterStatus = (typeof clusterStatuses)[number];

export interface NodeSummary {
  id: string;
  name: string;
  role: "primary" | "standby";
  host: string;
  port: number;
  user: string;
  database: string;
  hasPassword: boolean;
  sslmode: SslMode;
  hasSslRootCert: boolean;
}

/** What the API and the UI show of a cluster. No password, ever. */
export interface ClusterSummary {
  id: string;
  name: string;
  /**
   * From the latest replication sample: "unknown" when there is no fresh sample (no worker, or
   * just registered); "critical" when the primary is unreachable or a standby is disconnected;
   * "warning" when a standby is paused, stalled or catching up, or archiving fails; else "ok".
   */
  status: ClusterStatus;
  /** The standby furthest behind (by replay bytes) in the latest sample. */
  worstLag: { standby: string; state: string; bytes: number | null; seconds: number | null } | null;
  sampledAt: string | null;
  sampleIntervalSeconds: number;
  /** The targets the backups (RPO) and drills (RTO) are held against, in seconds. */
  rpoTargetSeconds: number;
  rtoTargetSeconds: number;
  primary: NodeSummary;
  standbys: NodeSummary[];
  archive: { mode: "archive_command" | "stream"; path: string | null };
  /** Null path: WALDEN_HOME/repo. Null secondaryPath: no second copy. */
  repository: { path: string | null; secondaryPath: string | null; secondaryOffsite: boolean };
  lastBackup: null;
  /** When the cluster was deleted; null while registered. A deleted cluster is kept for its evidence. */
  retiredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What GET /api/v1/clusters lists: the summary plus the figures that answer "are we safe?". */
export interface ClusterListItem extends Omit<ClusterSummary, "lastBackup"> {
  /** The last succeeded physical backup; its age is what the RPO target is held against. */
  lastBackup: {
    id: string;
    kind: "physical" | "logical";
    label: string | null;
    finishedAt: string;
    sizeBytes: number | null;
    ageSeconds: number;
  } | null;
  /** The stored restorable window (computed by the worker's archive scan); null before the first scan. */
  restoreWindow: {
    earliest: string | null;
    latest: string | null;
    gaps: number;
    computedAt: string;
    error: string | null;
  } | null;
  /** achievedSeconds: the last backup's age (null without one); over targetSeconds is at risk. */
  rpo: { targetSeconds: number; achievedSeconds: number | null };
  /** The most any standby is behind in the latest sample (bytes and seconds may be different standbys). */
  replicationLag: { bytes: number | null; seconds: number | null } | null;
  archiver: {
    failing: boolean;
    failedCount: number;
    lastFailedWal: string | null;
    lastFailedAt: string | null;
  } | null;
  /** The newest finished drill; rtoSeconds is its start-to-verified time. */
  lastDrill: {
    id: string;
    status: "succeeded" | "failed" | "cancelled";
    finishedAt: string | null;
    rtoSeconds: number | null;
    rtoTargetSeconds: number;
  } | null;
  firingAlerts: { critical: number; warning: number };
  /**
   * "at_risk" with every reason a person should act on; "safe" when there is none. `reasons` is
   * English (for scripts); `reasonCodes` is the same list as codes and figures the UI translates.
   */
  safety: { state: "safe" | "at_risk"; reasons: string[]; reasonCodes: SafetyReason[] };
}

export interface ConnectionReport {
  ok: true;
  serverVersion: string;
  serverVersionNum: number;
  role: "primary" | "standby";
  systemIdentifier: string | null;
  currentUser: string;
  privileges: { superuser: boolean; replication: boolean; pgMonitor: boolean };
  /** Missing privileges in words a DBA can act on; empty when nothing is missing. */
  warnings: string[];
}

/** One node's answer to "test connection" on a registered cluster. */
export type NodeTestResult =
  | { name: string; role: "primary" | "standby"; ok: true; report: ConnectionReport }
  | { name: string; role: "primary" | "standby"; ok: false; error: { code: string; message: string } };
