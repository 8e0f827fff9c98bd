import { z } from "zod";
import { LSN_PATTERN, pgNameSchema, uuidSchema } from "@/lib/schemas/common";

// What a restore request may say (design.md: POST /api/v1/restores). Every value can end up in
// a recovery setting, a pg_restore argument or an SQL identifier, so each has an allow-listed
// shape. Times must carry an offset: a time zone is never guessed.

/** ISO-8601 with an explicit offset ("2026-11-26T14:52:00+01:00", "…Z"). */
export const isoTimeWithOffsetSchema = z
  .string()
  .trim()
  .regex(
    /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i,
    "must be an ISO-8601 time with an offset, like 2026-11-26T14:52:00Z or 2026-11-26T15:52:00+01:00 (a time without an offset is ambiguous)",
  )
  .refine((value) => !Number.isNaN(Date.parse(value.replace(" ", "T"))), "is not a real date and time")
  .transform((value) => new Date(Date.parse(value.replace(" ", "T"))).toISOString());

export const lsnSchema = z
  .string()
  .trim()
  .regex(LSN_PATTERN, "must be an LSN like 0/3000060 (two hexadecimal numbers separated by '/')")
  .transform((value) => value.toUpperCase());

export const xidSchema = z
  .union([z.number(), z.string().trim()])
  .transform((value) => String(value))
  .refine(
    (value) => /^\d{1,10}$/.test(value) && Number(value) >= 3 && Number(value) <= 0xffffffff,
    "must be a transaction id: a whole number from 3 to 4294967295",
  );

/** pg_create_restore_point names: kept to characters that read the same in a log and a form. */
export const restorePointNameSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(63, "must be at most 63 characters")
  .regex(/^[A-Za-z0-9 _.:-]+$/, "use letters, digits, spaces and _ . : -");

const inclusive = z.boolean().default(true);

/** A plain SQL identifier (unquoted form), as pg_restore -t/-n and CREATE TABLE take it. */
export const identifierSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, "use letters, digits, '_' and '$', starting with a letter or '_'");

export const restoreTargetSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("time"), value: isoTimeWithOffsetSchema, inclusive }),
    z.strictObject({ type: z.literal("lsn"), value: lsnSchema, inclusive }),
    z.strictObject({ type: z.literal("xid"), value: xidSchema, inclusive }),
    z.strictObject({ type: z.literal("name"), value: restorePointNameSchema }),
    z.strictObject({ type: z.literal("immediate") }),
    z.strictObject({ type: z.literal("latest") }),
  ],
  { error: "target.type must be time, lsn, xid, name, immediate or latest" },
);
export type RestoreTarget = z.infer<typeof restoreTargetSchema>;

export const recoveryActionSchema = z.enum(["pause", "promote", "shutdown"], {
  error: "must be pause, promote or shutdown",
});
export type RecoveryAction = z.infer<typeof recoveryActionSchema>;

export const timelineChoiceSchema = z.union(
  [z.literal("latest"), z.literal("current"), z.number().int().min(1).max(0x7fffffff)],
  { error: 'must be "latest", "current" or a timeline number' },
);

/**
 * A read-only check run on the restored instance (one SELECT/WITH/VALUES/TABLE statement),
 * as a non-superuser role in a read-only transaction with a statement timeout.
 */
export const checkSqlSchema = z
  .string()
  .trim()
  .min(1)
  .max(4000, "must be at most 4000 characters")
  .refine(
    (value) => /^(select|with|values|table)\b/i.test(value),
    "must start with SELECT, WITH, VALUES or TABLE",
  )
  .refine((value) => !/;\s*\S/.test(value), "must be a single statement (nothing after ';')");

/** Which copy a restore reads: the local repository and archive, or the offsite repository. */
export const restoreSourceSchema = z.enum(["local", "offsite"], { error: 'must be "local" or "offsite"' });
export type RestoreSource = z.infer<typeof restoreSourceSchema>;

/**
 * The optional body of POST /api/v1/clusters/:id/drills and POST /api/v1/backups/:id/verify:
 * the copy to read (default: local when whole, else offsite).
 */
export const copyChoiceSchema = z.object({ source: restoreSourceSchema.optional() }).strict();

export const pitrRestoreRequestSchema = z.strictObject({
  clusterId: uuidSchema,
  kind: z.literal("pitr"),
  target: restoreTargetSchema.default({ type: "latest" }),
  /** What the instance does at the target. Promote gives a writable copy; pause keeps it read-only. */
  action: recoveryActionSchema.default("promote"),
  backupId: uuidSchema.optional(),
  timeline: timelineChoiceSchema.optional(),
  checkSql: checkSqlSchema.optional(),
  /** The database the check runs in and the psql command names. */
  database: pgNameSchema.optional(),
  /** Which copy of the backup and WAL: default local when whole, else the offsite copy (issue 14). */
  source: restoreSourceSchema.optional(),
  /**
   * The age identity that opens an encrypted offsite copy, for this one restore: typed as
   * "AGE-SECRET-KEY-1…" (or the key file's text) at the edge, sealed under WALDEN_SECRET past it
   * (lib/restore/identity.ts) and wiped when the restore ends; never returned, logged or audited.
   */
  identity: z.string().trim().min(1, "is empty").max(4000, "is too long for an age key file").optional(),
  /** Hours the restored instance lives before it is torn down. */
  ttlHours: z
    .number()
    .int()
    .min(1, "must be at least 1 hour")
    .max(168, "must be at most 168 hours (7 days)")
    .default(24),
});
export type PitrRestoreRequest = z.infer<typeof pitrRestoreRequestSchema>;

export const logicalRestoreRequestSchema = z
  .strictObject({
    clusterId: uuidSchema,
    kind: z.literal("logical"),
    backupId: uuidSchema,
    /** The database to restore into: new unless `clean` is set and `confirm` repeats it. */
    database: pgNameSchema,
    /** Restore into a restored instance (a pitr restore that is running) instead of the cluster's primary. */
    intoRestoreId: uuidSchema.optional(),
    /** pg_restore -t: table names as they are (no schema, no wildcard: pg_restore matches names exactly). */
    tables: z.array(identifierSchema).max(100).default([]),
    schemas: z.array(identifierSchema).max(100).default([]),
    jobs: z.number().int().min(1).max(16).default(2),
    /** Restore over an existing database with --clean --if-exists. */
    clean: z.boolean().default(false),
    confirm: z.string().optional(),
    noOwner: z.boolean().default(true),
  })
  .refine((input) => !input.clean || input.confirm === input.database, {
    message: "to restore over an existing database, type its name to confirm",
    path: ["confirm"],
  });
export type LogicalRestoreRequest = z.infer<typeof logicalRestoreRequestSchema>;

/** schema.table, both plain identifiers. */
export const qualifiedTableSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_$]{0,62}\.[A-Za-z_][A-Za-z0-9_$]{0,62}$/,
    "must be schema.table, like public.orders (letters, digits, '_' and '$')",
  );

export const tableRestoreRequestSchema = z.strictObject({
  clusterId: uuidSchema,
  kind: z.literal("table"),
  /** A succeeded pitr restore whose instance runs, or a succeeded logical restore. */
  sourceRestoreId: uuidSchema,
  table: qualifiedTableSchema,
  /** The database the table is read from (default: the source restore's database). */
  sourceDatabase: pgNameSchema.optional(),
  /** The live database it is copied into (default: the cluster's registered database). */
  database: pgNameSchema.optional(),
  /** The new table's name; default <table>_restored_<yyyymmdd_hhmm>. Never an existing table. */
  newName: identifierSchema.optional(),
  /** Must repeat the new table's name; without it the 422 names the default (details.newName). */
  confirm: z.string().max(100).optional(),
});
export type TableRestoreRequest = z.infer<typeof tableRestoreRequestSchema>;

export const restoreRequestSchema = z.discriminatedUnion(
  "kind",
  [pitrRestoreRequestSchema, logicalRestoreRequestSchema, tableRestoreRequestSchema],
  { error: "kind must be pitr, logical or table" },
);
export type RestoreRequest = z.infer<typeof restoreRequestSchema>;

/** The plan preview takes a pitr request (checkSql and ttl are irrelevant but accepted). */
export const restorePreviewSchema = pitrRestoreRequestSchema;

export const tableEventsQuerySchema = z.strictObject({
  table: z
    .string()
    .trim()
    .regex(
      /^([A-Za-z_][A-Za-z0-9_$]{0,62}\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$/,
      "must be a table name like orders or public.orders",
    ),
  database: pgNameSchema.optional(),
  from: isoTimeWithOffsetSchema,
  to: isoTimeWithOffsetSchema,
  /** Report a transaction that deleted at least this many rows of the table. */
  minDeletedRows: z.coerce.number().int().min(1).max(1_000_000_000).default(100),
});
export type TableEventsQuery = z.infer<typeof tableEventsQuerySchema>;

// What a restore's verification found (stored on the restore, shown by the restore page).

export interface TableCount {
  schema: string;
  name: string;
  rows: number | null;
  estimated?: boolean;
  error?: string;
}

export interface Verification {
  databases: { name: string; sizeBytes: number; tables: TableCount[]; truncated: boolean }[];
  inRecovery: boolean;
  check:
    | {
        database: string;
        columns: string[];
        rows: unknown[][];
        truncated: boolean;
        /** Set for viewers: the rows are data from the copy, shown to operators only. */
        rowsHidden?: number;
      }
    | { skipped: string }
    | { error: string }
    | null;
}

/** The body for POST /api/v1/restores and /restores/preview (what the server parses). */
export interface PitrRequestBody {
  clusterId: string;
  kind: "pitr";
  target:
    | { type: "time" | "lsn" | "xid"; value: string; inclusive: boolean }
    | { type: "name"; value: string }
    | { type: "immediate" | "latest" };
  action: RecoveryAction;
  backupId?: string;
  timeline?: "latest" | "current" | number;
  database?: string;
  checkSql?: string;
  ttlHours?: number;
  source?: "local" | "offsite";
  identity?: string;
}
