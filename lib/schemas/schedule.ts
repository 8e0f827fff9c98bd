import cronParser from "cron-parser";
import { z } from "zod";
import { logicalBackupRequestSchema, physicalBackupRequestSchema } from "@/lib/schemas/backup";

// A backup schedule: a 5-field cron expression read in an IANA time zone, plus the options of
// the backups it starts. Options go through the same allow-listed schema as a backup request,
// so a schedule can never hold options a backup would refuse.

export const scheduleKinds = ["physical", "logical"] as const;
export type ScheduleKind = (typeof scheduleKinds)[number];
export const scheduleKindSchema = z.enum(scheduleKinds, { error: "kind must be physical or logical" });

/** A backup every few minutes is a mistake (and would pile up behind itself); refuse it at the edge. */
export const MIN_SCHEDULE_SPACING_MINUTES = 15;

function uniqueSorted(values: readonly (number | string)[]): number[] {
  return [...new Set(values.filter((value): value is number => typeof value === "number"))].sort(
    (a, b) => a - b,
  );
}

/**
 * The shortest time between two firings of a cron expression, in minutes, from its minute and
 * hour fields. Day fields only thin firings out, so the closest pair is within an hour or across
 * an hour boundary (23:xx to 00:xx counts, as if consecutive days were always allowed: erring on
 * the side of refusing).
 */
export function minimumSpacingMinutes(cron: string): number {
  const { minute, hour } = cronParser.parseExpression(cron).fields;
  const minutes = uniqueSorted(minute);
  const hours = uniqueSorted(hour);
  const first = minutes[0] ?? 0;
  const last = minutes.at(-1) ?? 0;
  let spacing = Infinity;
  for (let index = 1; index < minutes.length; index += 1)
    spacing = Math.min(spacing, minutes[index]! - minutes[index - 1]!);
  for (let index = 0; index < hours.length; index += 1) {
    const from = hours[index]!;
    const to = hours[(index + 1) % hours.length]!;
    const hoursApart = (to - from + 24) % 24 || 24;
    spacing = Math.min(spacing, hoursApart * 60 - last + first);
  }
  return spacing;
}

export const cronSchema = z
  .string({ error: "is required" })
  .trim()
  .min(1, "is required")
  .max(200, "is too long")
  .superRefine((cron, ctx) => {
    const fields = cron.split(/\s+/);
    if (fields.length !== 5) {
      ctx.addIssue({
        code: "custom",
        message:
          fields.length === 6
            ? "has a seconds field; use 5 fields: minute hour day-of-month month day-of-week"
            : "use 5 fields: minute hour day-of-month month day-of-week (for example 0 2 * * *)",
      });
      return;
    }
    try {
      // next() also catches expressions that never fire, like 0 0 30 2 *.
      cronParser.parseExpression(cron, { tz: "UTC" }).next();
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `is not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`,
      });
      return;
    }
    const spacing = minimumSpacingMinutes(cron);
    if (spacing < MIN_SCHEDULE_SPACING_MINUTES) {
      ctx.addIssue({
        code: "custom",
        message: `fires ${spacing} minute${spacing === 1 ? "" : "s"} apart at its closest; a backup schedule may fire at most every ${MIN_SCHEDULE_SPACING_MINUTES} minutes`,
      });
    }
  })
  // One space between fields: what pg-boss stores and what the preview shows.
  .transform((cron) => cron.split(/\s+/).join(" "));

/** The zone's canonical IANA name ("europe/paris" → "Europe/Paris"), or null if Intl does not know it. */
export function canonicalTimeZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export const timeZoneSchema = z
  .string({ error: "is required" })
  .trim()
  .min(1, "is required")
  .max(64, "is too long")
  .transform((zone, ctx) => {
    const canonical = canonicalTimeZone(zone);
    // cron-parser reads zones through luxon; a zone Intl knows but luxon cannot use is refused too.
    const usable =
      canonical !== null &&
      (() => {
        try {
          cronParser.parseExpression("0 0 * * *", { tz: canonical }).next();
          return true;
        } catch {
          return false;
        }
      })();
    if (!usable) {
      ctx.addIssue({
        code: "custom",
        message: `is not a time zone this server knows; use an IANA name like UTC or Europe/Paris`,
      });
      return z.NEVER;
    }
    return canonical;
  });

// Any syntactically valid uuid: options are checked with the request schema, whose clusterId
// comes from the URL when the schedule runs.
const placeholderClusterId = "00000000-0000-4000-8000-000000000000";

function optionsSchema(kind: ScheduleKind) {
  const requestSchema = kind === "physical" ? physicalBackupRequestSchema : logicalBackupRequestSchema;
  return z
    .record(z.string(), z.unknown(), { error: "must be an object of backup options" })
    .default({})
    .transform((options, ctx) => {
      for (const key of ["clusterId", "kind"]) {
        if (key in options) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: "comes from the URL; leave it out of options",
          });
        }
      }
      const parsed = requestSchema.safeParse({ ...options, clusterId: placeholderClusterId, kind });
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
        return z.NEVER;
      }
      if (ctx.issues.length > 0) return z.NEVER;
      const stored: Record<string, unknown> = { ...parsed.data };
      delete stored.clusterId;
      delete stored.kind;
      return stored;
    });
}

/**
 * Which node a physical backup reads from: the primary, a named standby ("standby:standby1"), or
 * a streaming standby when there is one, else the primary ("prefer-standby"). pgBackRest's
 * backup-standby and Barman's backup from a standby, to keep a base backup's reads off the primary.
 */
export const backupFromSchema = z
  .string({ error: 'must be "primary", "prefer-standby" or "standby:<node name>"' })
  .trim()
  .regex(
    /^(primary|prefer-standby|standby:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)$/,
    'must be "primary", "prefer-standby" or "standby:<node name>" (like standby:standby1)',
  )
  .transform((value) => value as BackupFrom);
export type BackupFrom = "primary" | "prefer-standby" | `standby:${string}`;

/** What tells a schedule from the cluster's other schedules of its kind; null or absent: none. */
export const scheduleNameSchema = z
  .string({ error: "must be text" })
  .trim()
  .min(1, "must not be empty (leave it out for no name)")
  .max(60, "is at most 60 characters")
  .nullable()
  .optional()
  .transform((name) => name ?? null);

function inputSchema(kind: ScheduleKind) {
  return z.strictObject({
    name: scheduleNameSchema,
    cron: cronSchema,
    timezone: timeZoneSchema,
    enabled: z.boolean({ error: "must be true or false" }).default(true),
    options: optionsSchema(kind),
    backupFrom: backupFromSchema
      .default("primary")
      .refine(
        (from) => kind === "physical" || from === "primary",
        "a logical backup (pg_dump) reads the primary; backupFrom is for physical schedules",
      ),
  });
}

const inputSchemas = { physical: inputSchema("physical"), logical: inputSchema("logical") };

/**
 * The body of PUT /api/v1/clusters/:id/schedules/:kind. The kind comes from the URL and picks the
 * backup options schema, so this is one schema per kind.
 */
export function scheduleInputSchema<K extends ScheduleKind>(kind: K): (typeof inputSchemas)[K] {
  return inputSchemas[kind];
}

export type ScheduleInput = z.output<ReturnType<typeof inputSchema>>;

/**
 * The body of POST /api/v1/clusters/:id/schedules: a new schedule, its kind in the body (a
 * cluster may have several of each kind). The kind is read first so the options are checked
 * against that kind's backup request schema.
 */
export const scheduleCreateSchema = z
  .custom<Record<string, unknown>>(() => true)
  .transform((body, ctx): ScheduleInput & { kind: ScheduleKind } => {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      ctx.addIssue({ code: "custom", message: "must be a JSON object" });
      return z.NEVER;
    }
    const { kind: rawKind, ...rest } = body;
    const kind = scheduleKindSchema.safeParse(rawKind);
    if (!kind.success) {
      ctx.addIssue({ code: "custom", path: ["kind"], message: "must be physical or logical" });
      return z.NEVER;
    }
    const parsed = inputSchemas[kind.data].safeParse(rest);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
      return z.NEVER;
    }
    return { ...parsed.data, kind: kind.data };
  });

/**
 * The body of PATCH …/schedules/by-id/:scheduleId: any of the fields; what is left out keeps its
 * stored value (the merge is checked whole, with the schedule's kind).
 */
export const schedulePatchSchema = z.record(z.string(), z.unknown(), { error: "must be a JSON object" });
/** What a form sends (options before defaults are filled in). */
export type ScheduleFormValues = z.input<ReturnType<typeof inputSchema>>;

/** The human side of a schedule: what it means, when it fires next, and whether it misfired. */
export interface SchedulePreview {
  /** cronstrue's reading plus the zone: "At 02:00 (UTC)". */
  text: string;
  /** One line for a list: "At 02:00 (UTC) — next 2026-11-27 02:00", or "… — paused". */
  summary: string;
  /** The next three firings, ISO-8601 with the zone's offset; empty while disabled. */
  next: string[];
  /** The latest firing the expression calls for at or before now (ISO, zone offset); null while disabled. */
  previousExpected: string | null;
  /** The previous expected firing passed more than 10 minutes ago without the schedule running. */
  missed: boolean;
  /** The last firing was skipped because the backup it had started before was still queued or running. */
  overlapped: boolean;
}

export interface ScheduleSummary {
  id: string;
  clusterId: string;
  kind: ScheduleKind;
  /** Tells it from the cluster's other schedules of its kind; null: none given. */
  name: string | null;
  /** The oldest schedule of its kind: the one PUT/DELETE …/schedules/:kind address. */
  primaryOfKind: boolean;
  cron: string;
  timezone: string;
  enabled: boolean;
  options: Record<string, unknown>;
  /** Physical schedules: which node the backups read from. */
  backupFrom: BackupFrom;
  lastRunAt: string | null;
  lastOutcome: string | null;
  preview: SchedulePreview;
  createdAt: string;
  updatedAt: string;
}

/**
 * A schedule's options as the catalog holds them (read back for the API and at each firing,
 * where they are checked again with today's request schema); none stored reads as none given.
 */
export const storedScheduleOptionsSchema = z
  .record(z.string(), z.unknown())
  .nullable()
  .transform((options) => options ?? {});

/** A cluster's weekly verification schedule as the API returns it. */
export interface VerifyScheduleView {
  cron: string;
  timezone: string;
  enabled: boolean;
  lastRunAt: string | null;
  lastOutcome: string | null;
  nextRunAt: string | null;
}
