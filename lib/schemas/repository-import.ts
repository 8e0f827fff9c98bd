import { z } from "zod";

// POST /api/v1/clusters/:id/repositories/import (issue 14): a fresh catalog learns the backups a
// repository describes (each backup's walden.json and the repository's walden-repository.json).

export const repositoryImportRequestSchema = z.strictObject({
  /** The cluster's local backup folder, or its offsite repository on S3-compatible storage. */
  repository: z.enum(["local", "offsite"], { message: 'must be "local" or "offsite"' }),
  /** List what would be imported and change nothing. */
  dryRun: z.boolean().optional().default(false),
  /**
   * Only when the cluster's own system identifier cannot be learned (no backup of it in the
   * catalog and no node answering): the repository's, typed by the admin as a confirmation.
   */
  systemIdentifier: z
    .string()
    .trim()
    .regex(/^\d{1,20}$/, "is the number pg_controldata prints as 'Database system identifier'")
    .optional(),
});

export type RepositoryImportRequest = z.input<typeof repositoryImportRequestSchema>;
export type ParsedRepositoryImportRequest = z.output<typeof repositoryImportRequestSchema>;

/**
 * What happens to one backup the repository describes: `add` (unknown to the catalog),
 * `add-copy` (known, and this repository's copy is recorded), `known` (nothing to do), or
 * `refused` (with the reason: another server, a damaged or incomplete copy…).
 */
export type RepositoryImportAction = "add" | "add-copy" | "known" | "refused";

export interface RepositoryImportEntry {
  backupId: string;
  action: RepositoryImportAction;
  /** Why it is refused, or what a known backup gains. */
  reason: string | null;
  kind: "physical" | "logical" | null;
  label: string | null;
  finishedAt: string | null;
  sizeBytes: number | null;
  startLsn: string | null;
  stopLsn: string | null;
  timeline: number | null;
  /** Encrypted in this repository (age): restoring needs the key. */
  encrypted: boolean;
}

export interface RepositoryImportResult {
  repository: "local" | "offsite";
  /** The folder, or "s3://bucket/prefix at endpoint". */
  location: string;
  dryRun: boolean;
  /** The system identifier the repository's backups were taken from. */
  systemIdentifier: string | null;
  /** Where the cluster's own identifier came from, for the answer's wording. */
  checkedAgainst: "catalog" | "server" | "confirmation";
  entries: RepositoryImportEntry[];
  /** The span the importable physical backups cover: the first one's end to the last one's. */
  backups: { earliestFinishedAt: string | null; latestFinishedAt: string | null };
  /** The offsite WAL archive's first and last segment (null for a local repository). */
  wal: { firstWal: string | null; lastWal: string | null; segments: number } | null;
  /** How many backups were added and copies recorded (0 on a dry run). */
  added: number;
  copiesRecorded: number;
}
