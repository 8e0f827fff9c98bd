import { z } from "zod";
import { pgNameSchema } from "@/lib/schemas/common";

// What a backup request may say. Every value here can end up in a pg_basebackup or pg_dump
// argument, so each is an allow-listed shape, never free text (design.md "Safety rules").

/** A table or schema pattern: identifiers with an optional schema and '*' wildcards, nothing else. */
export const objectPatternSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(127, "is too long")
  .regex(
    /^[A-Za-z_*][A-Za-z0-9_$*]*(\.[A-Za-z_*][A-Za-z0-9_$*]*)?$/,
    "use a table name like orders or sales.orders ('*' allowed as a wildcard); no spaces, quotes, ';' or options",
  );

export const compressionSchema = z.enum(["lz4", "zstd", "gzip", "none"], {
  error: "must be lz4, zstd, gzip or none",
});
export type Compression = z.infer<typeof compressionSchema>;

const labelSchema = z
  .string()
  .trim()
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9 _.:-]*$/, "use letters, digits, spaces and _ . : -");

const clusterIdSchema = z.uuid("must be a cluster id (uuid)");

export const physicalBackupRequestSchema = z.strictObject({
  clusterId: clusterIdSchema,
  kind: z.literal("physical"),
  compression: compressionSchema.default("lz4"),
  checkpoint: z.enum(["fast", "spread"], { error: "must be fast or spread" }).default("fast"),
  /** pg_basebackup --max-rate: spares a busy server's disks (kB/s). */
  maxRateKbps: z.number().int().min(32, "pg_basebackup's minimum is 32 kB/s").max(1048576).optional(),
  label: labelSchema.optional(),
});

export const logicalBackupRequestSchema = z
  .strictObject({
    clusterId: clusterIdSchema,
    kind: z.literal("logical"),
    database: pgNameSchema.optional(),
    format: z
      .enum(["custom", "directory"], {
        error: "must be custom or directory (plain cannot be restored safely)",
      })
      .default("custom"),
    jobs: z.number().int().min(1).max(16).default(1),
    tables: z.array(objectPatternSchema).max(100).default([]),
    excludeTables: z.array(objectPatternSchema).max(100).default([]),
    schemas: z.array(objectPatternSchema).max(100).default([]),
    excludeSchemas: z.array(objectPatternSchema).max(100).default([]),
    dataOnly: z.boolean().default(false),
    schemaOnly: z.boolean().default(false),
    noOwner: z.boolean().default(false),
    compression: compressionSchema.default("gzip"),
    label: labelSchema.optional(),
  })
  .refine((input) => !(input.dataOnly && input.schemaOnly), {
    message: "choose data-only or schema-only, not both",
    path: ["dataOnly"],
  })
  .refine((input) => input.jobs === 1 || input.format === "directory", {
    message: "parallel jobs need the directory format",
    path: ["jobs"],
  });

export const backupRequestSchema = z.discriminatedUnion(
  "kind",
  [physicalBackupRequestSchema, logicalBackupRequestSchema],
  {
    error: "kind must be physical or logical",
  },
);

export type PhysicalBackupRequest = z.infer<typeof physicalBackupRequestSchema>;
export type LogicalBackupRequest = z.infer<typeof logicalBackupRequestSchema>;
export type BackupRequest = z.infer<typeof backupRequestSchema>;

// Backups as the API returns them (lib/backup/queries.ts builds them from catalog rows).

export type BackupKind = "physical" | "logical";
export type BackupStatus = "queued" | "running" | "succeeded" | "failed" | "expired";

export interface BackupSummary {
  id: string;
  clusterId: string;
  kind: BackupKind;
  status: BackupStatus;
  label: string | null;
  options: unknown;
  requestedBy: string;
  progress: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
  sizeBytes: number | null;
  database: string | null;
  startLsn: string | null;
  stopLsn: string | null;
  timeline: number | null;
  startWal: string | null;
  stopWal: string | null;
  serverVersionNum: number | null;
  systemIdentifier: string | null;
  checksum: string | null;
  verified: boolean;
  verifiedAt: string | null;
  pinned: boolean;
  error: string | null;
}

/** Where a backup is: the local repository, and each copy (second folder or offsite storage). */
export interface BackupCopyView {
  repository: "local" | "offsite";
  status: string;
  sizeBytes: number | null;
  verifiedAt: string | null;
  /** The folder, or "s3://bucket/prefix/… at endpoint". */
  location: string | null;
  /** Why a copy failed. */
  error: string | null;
}

export type BackupDetail = BackupSummary & {
  log: string | null;
  verifyLog: string | null;
  copies: BackupCopyView[];
};

/**
 * The parts of a backup's stored options (its request) read back later: the runbook's
 * compression. Loose, because older rows and both kinds of request hold other fields.
 */
export const storedBackupOptionsSchema = z.looseObject({ compression: z.unknown().optional() }).nullable();
