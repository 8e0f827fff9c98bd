import type { BackupDescriptor, RepositoryDescriptor } from "./descriptor";

// What reading a repository found (read-local.ts, read-offsite.ts), before it is compared with
// the catalog (import-diff.ts).

export interface FoundBackup {
  /** The folder's (or key prefix's) name: a backup id. */
  backupId: string;
  /** Null when there is none or it could not be trusted (then `problem` says why). */
  descriptor: BackupDescriptor | null;
  /** Why this backup cannot be imported from here: no descriptor, a damaged one, an incomplete copy. */
  problem: string | null;
  /** This copy's size in the repository (the objects offsite, the files locally). */
  sizeBytes: number | null;
  /** The backup's folder, or the offsite copy's location as offsite copies record it. */
  location: string;
}

export interface FoundRepository {
  repository: "local" | "offsite";
  /** The folder read, or "s3://bucket/prefix/<cluster> at endpoint". */
  location: string;
  descriptor: RepositoryDescriptor | null;
  backups: FoundBackup[];
  /** The offsite WAL archive's extent; null for a local repository (its archive folder is the cluster's own). */
  wal: { firstWal: string | null; lastWal: string | null; segments: number } | null;
}

/** Backup ids are the catalog's uuids: any other folder or key name is not a backup. */
export const BACKUP_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
