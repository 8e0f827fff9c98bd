import { z } from "zod";
import { uuidSchema } from "@/lib/schemas/common";

// Alert rules and notification channels (design.md: POST /api/v1/alert-rules,
// POST /api/v1/notification-channels). Thresholds are in the kind's own unit.

export const alertKinds = [
  "replication_lag_bytes",
  "replication_lag_seconds",
  "standby_down",
  "replay_paused",
  "slot_inactive",
  "slot_wal_at_risk",
  "archiver_failing",
  "wal_gap",
  "backup_overdue",
  "backup_failed",
  "verify_failed",
  "drill_failed",
  "offsite_lag",
  "split_brain",
] as const;
export const alertKindSchema = z.enum(alertKinds, { error: `kind must be one of ${alertKinds.join(", ")}` });
export type AlertKind = z.infer<typeof alertKindSchema>;

export const severitySchema = z.enum(["warning", "critical"], {
  error: "severity must be warning or critical",
});
export type Severity = z.infer<typeof severitySchema>;

/** What a threshold means for each kind (null: the kind has none). */
export const thresholdUnits: Record<AlertKind, string | null> = {
  replication_lag_bytes: "bytes",
  replication_lag_seconds: "seconds",
  standby_down: null,
  replay_paused: null,
  slot_inactive: null,
  slot_wal_at_risk: "bytes of safe WAL left",
  archiver_failing: null,
  wal_gap: null,
  backup_overdue: "seconds since the last successful physical backup (default: the cluster's RPO target)",
  backup_failed: null,
  verify_failed: null,
  drill_failed: null,
  offsite_lag: "seconds the newest offsite WAL is behind the newest archived WAL",
  split_brain: null,
};

/**
 * The rules every new cluster gets, drawn from practice: pgMonitor's lag alert (50 MiB
 * warning, 100 MiB critical, for 60 s), a standby down for 30 s, replay paused for 5 minutes,
 * a slot inactive for 30 minutes, the archiver failing for 5 minutes, a WAL gap at once, no
 * physical backup within the cluster's RPO target, and any failed backup, verification or drill.
 */
export const defaultRules: {
  kind: AlertKind;
  threshold: number | null;
  forSeconds: number;
  severity: Severity;
}[] = [
  { kind: "replication_lag_bytes", threshold: 50 * 1024 * 1024, forSeconds: 60, severity: "warning" },
  { kind: "replication_lag_bytes", threshold: 100 * 1024 * 1024, forSeconds: 60, severity: "critical" },
  { kind: "replication_lag_seconds", threshold: 300, forSeconds: 60, severity: "warning" },
  { kind: "standby_down", threshold: null, forSeconds: 30, severity: "critical" },
  { kind: "replay_paused", threshold: null, forSeconds: 300, severity: "warning" },
  { kind: "slot_inactive", threshold: null, forSeconds: 1800, severity: "warning" },
  { kind: "slot_wal_at_risk", threshold: 1024 * 1024 * 1024, forSeconds: 0, severity: "critical" },
  { kind: "archiver_failing", threshold: null, forSeconds: 300, severity: "critical" },
  { kind: "wal_gap", threshold: null, forSeconds: 0, severity: "critical" },
  { kind: "backup_overdue", threshold: null, forSeconds: 0, severity: "critical" },
  { kind: "backup_failed", threshold: null, forSeconds: 0, severity: "warning" },
  { kind: "verify_failed", threshold: null, forSeconds: 0, severity: "critical" },
  { kind: "drill_failed", threshold: null, forSeconds: 0, severity: "critical" },
  // The offsite copy of the WAL an hour behind for 10 minutes: losing the host now loses that hour.
  { kind: "offsite_lag", threshold: 3600, forSeconds: 600, severity: "warning" },
  // Two writable nodes at once (issue 15): each takes writes the other never sees.
  { kind: "split_brain", threshold: null, forSeconds: 0, severity: "critical" },
];

/** The editable fields of a rule, without defaults (so a PATCH changes only what it names). */
const ruleFields = {
  threshold: z.number().finite().min(0, "must be 0 or more"),
  forSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400, "must be at most 7 days"),
  severity: severitySchema,
  enabled: z.boolean(),
  channelIds: z.array(uuidSchema).max(20),
};

export const alertRuleInputSchema = z.strictObject({
  clusterId: uuidSchema.optional(),
  kind: alertKindSchema,
  threshold: ruleFields.threshold.optional(),
  forSeconds: ruleFields.forSeconds.default(0),
  severity: ruleFields.severity.default("warning"),
  enabled: ruleFields.enabled.default(true),
  channelIds: ruleFields.channelIds.default([]),
});
export type AlertRuleInput = z.infer<typeof alertRuleInputSchema>;

export const alertRulePatchSchema = z.strictObject(ruleFields).partial();

// Notification channels' inputs live in lib/schemas/notification-channels.ts.

export const alertListQuerySchema = z.strictObject({
  state: z.enum(["firing", "resolved", "pending"]).optional(),
  clusterId: uuidSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const silenceSchema = z.strictObject({
  until: z
    .string()
    .refine(
      (value) => /(Z|[+-]\d{2}:?\d{2})$/i.test(value) && !Number.isNaN(Date.parse(value)),
      "must be an ISO time with an offset",
    ),
});

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month like 2026-11");
export const reportQuerySchema = z.strictObject({
  month: monthSchema,
  clusterId: uuidSchema.optional(),
  format: z.enum(["json", "csv", "pdf"]).default("json"),
});

/** What the deliveries list reads back from a stored notification payload: its text line, if any. */
export const storedDeliveryPayloadSchema = z.object({ text: z.unknown() }).nullable();
