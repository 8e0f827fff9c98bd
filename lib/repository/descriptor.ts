import { createHash } from "node:crypto";
import { z } from "zod";
import { keyFingerprint } from "@/lib/offsite/age";
import { isValidSegmentSize, walFileForLsn } from "@/lib/wal/segments";

// A repository that describes itself (issue 14). Beside every backup, walden.json holds what the
// catalog knows of it; beside a cluster's backups, walden-repository.json says whose they are.
// A fresh Walden (new catalog, same secret or key) reads them to list, import and restore the
// backups without the catalog that took them. Each file carries the SHA-256 of its own body
// (`sha256`), so a damaged one is refused, and a backup's descriptor names the digest of its
// SHA256SUMS (which names every file's), so the whole copy is checked from it. No key, secret
// or password is ever in them: for an encrypted copy, only the fingerprint of the age recipient.

export const BACKUP_DESCRIPTOR_FILE = "walden.json";
export const REPOSITORY_DESCRIPTOR_FILE = "walden-repository.json";
export const BACKUP_DESCRIPTOR_FORMAT = "walden-backup/1";
export const REPOSITORY_DESCRIPTOR_FORMAT = "walden-repository/1";

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, "is a SHA-256 (64 lowercase hexadecimal digits)");
const lsnSchema = z.string().regex(/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i, "is an LSN such as 0/3000028");
const walSchema = z.string().regex(/^[0-9A-F]{24}$/, "is a WAL segment name (24 hexadecimal digits)");
const timeSchema = z.iso.datetime({ offset: true });
const systemIdentifierSchema = z.string().regex(/^\d{1,20}$/, "is a PostgreSQL system identifier");

/** How the files of this copy are stored: plain, or encrypted with age (the key's fingerprint only). */
const encryptionSchema = z
  .strictObject({
    method: z.literal("age"),
    recipientFingerprint: z.string().min(1),
    /** The age recipient (public key) the files are encrypted to; never its identity. */
    recipient: z.string().startsWith("age1").optional(),
  })
  .nullable();

/** How files encrypted to `recipient` are described (null: plain). */
function encryptionOf(recipient: string | null | undefined) {
  return recipient
    ? { method: "age" as const, recipientFingerprint: keyFingerprint(recipient), recipient }
    : null;
}

export const backupDescriptorSchema = z.strictObject({
  format: z.literal(BACKUP_DESCRIPTOR_FORMAT),
  backupId: z.uuid(),
  cluster: z.string().min(1),
  systemIdentifier: systemIdentifierSchema.nullable(),
  serverVersionNum: z.number().int().positive().nullable(),
  kind: z.enum(["physical", "logical"]),
  label: z.string().nullable(),
  /** The validated request the backup was taken with (compression, format, tables…). */
  options: z.record(z.string(), z.unknown()),
  database: z.string().nullable(),
  startLsn: lsnSchema.nullable(),
  stopLsn: lsnSchema.nullable(),
  startWal: walSchema.nullable(),
  stopWal: walSchema.nullable(),
  timeline: z.number().int().positive().nullable(),
  walSegmentSize: z.number().int().positive().nullable(),
  startedAt: timeSchema.nullable(),
  finishedAt: timeSchema,
  sizeBytes: z.number().int().nonnegative().nullable(),
  compression: z.string().nullable(),
  /** Tablespace OIDs with an archive of their own in the backup (<oid>.tar…). */
  tablespaces: z.array(z.string().regex(/^\d+$/)),
  /** SHA256SUMS lists every file of the backup; its own SHA-256 is the backup's checksum. */
  checksums: z.strictObject({ file: z.literal("SHA256SUMS"), sha256: sha256Schema }),
  encryption: encryptionSchema,
  writtenAt: timeSchema,
});
export type BackupDescriptor = z.infer<typeof backupDescriptorSchema>;

export const repositoryDescriptorSchema = z.strictObject({
  format: z.literal(REPOSITORY_DESCRIPTOR_FORMAT),
  cluster: z.string().min(1),
  systemIdentifier: systemIdentifierSchema.nullable(),
  serverVersionNum: z.number().int().positive().nullable(),
  walSegmentSize: z.number().int().positive().nullable(),
  /** Where this repository keeps the cluster's WAL: a key prefix offsite, a folder locally. */
  wal: z.strictObject({ location: z.string().min(1) }),
  writtenAt: timeSchema,
});
export type RepositoryDescriptor = z.infer<typeof repositoryDescriptorSchema>;

/** The catalog's row as the descriptor needs it (a Prisma Backup fits). */
export interface DescribedBackupRow {
  id: string;
  kind: "physical" | "logical";
  status: string;
  label: string | null;
  options: unknown;
  database: string | null;
  startLsn: string | null;
  stopLsn: string | null;
  startWal: string | null;
  stopWal: string | null;
  timeline: number | null;
  serverVersionNum: number | null;
  systemIdentifier: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  sizeBytes: bigint | number | null;
  checksum: string | null;
  /** The age recipient the local files are encrypted to at rest (null or absent: plain). */
  encryptionRecipient?: string | null;
}

/**
 * The WAL segment size that makes `startLsn` fall in `startWal`, among PostgreSQL's allowed
 * sizes (1 MiB – 1 GiB); null when none or several do (an LSN in the first segment fits all).
 */
export function segmentSizeFromBackup(row: Pick<DescribedBackupRow, "startLsn" | "startWal" | "timeline">) {
  if (!row.startLsn || !row.startWal || !row.timeline) return null;
  const fits: number[] = [];
  for (let size = 1 << 20; size <= 1 << 30; size *= 2) {
    if (isValidSegmentSize(size) && walFileForLsn(row.timeline, row.startLsn, size) === row.startWal)
      fits.push(size);
  }
  return fits.length === 1 ? fits[0]! : null;
}

/** Tablespace OIDs from a physical backup's file names (16385.tar, 16385.tar.lz4…). */
export function tablespacesOf(files: string[]): string[] {
  return files.flatMap((file) => /^(\d+)\.tar(\.\w+)?$/.exec(file)?.[1] ?? []).sort();
}

const compressionOf = (options: unknown): string | null => {
  const value = (options as { compression?: unknown } | null)?.compression;
  return typeof value === "string" ? value : null;
};

/** A succeeded backup's descriptor, from its catalog row and the files its SHA256SUMS lists. */
export function backupDescriptorFor(
  row: DescribedBackupRow,
  clusterName: string,
  files: string[],
  options: { now?: Date } = {},
): BackupDescriptor {
  if (row.status !== "succeeded" || !row.finishedAt || !row.checksum)
    throw new Error(`backup ${row.id} is not a succeeded backup with a checksum: nothing to describe`);
  return backupDescriptorSchema.parse({
    format: BACKUP_DESCRIPTOR_FORMAT,
    backupId: row.id,
    cluster: clusterName,
    systemIdentifier: row.systemIdentifier,
    serverVersionNum: row.serverVersionNum,
    kind: row.kind,
    label: row.label,
    options: row.options && typeof row.options === "object" ? row.options : {},
    database: row.database,
    startLsn: row.startLsn,
    stopLsn: row.stopLsn,
    startWal: row.startWal,
    stopWal: row.stopWal,
    timeline: row.timeline,
    walSegmentSize: segmentSizeFromBackup(row),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt.toISOString(),
    sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes),
    compression: compressionOf(row.options),
    tablespaces: row.kind === "physical" ? tablespacesOf(files) : [],
    checksums: { file: "SHA256SUMS", sha256: row.checksum },
    // The local repository's files are plain unless encrypted at rest (lib/backup/at-rest.ts); a
    // copy says how its own are stored (copyDescriptorFor).
    encryption: encryptionOf(row.encryptionRecipient),
    writtenAt: (options.now ?? new Date()).toISOString(),
  });
}

/** The descriptor of a copy of the backup whose files are stored encrypted to `encryptedTo` (or plain). */
export function copyDescriptorFor(
  local: BackupDescriptor,
  encryptedTo: string | null | undefined,
  now = new Date(),
): BackupDescriptor {
  return backupDescriptorSchema.parse({
    ...local,
    // A copy names its key by fingerprint only (the local folder's own names its recipient).
    encryption: encryptedTo ? { method: "age", recipientFingerprint: keyFingerprint(encryptedTo) } : null,
    writtenAt: now.toISOString(),
  });
}

/** The repository's descriptor, from the newest backup it describes. */
export function repositoryDescriptorFor(backup: BackupDescriptor, walLocation: string): RepositoryDescriptor {
  return repositoryDescriptorSchema.parse({
    format: REPOSITORY_DESCRIPTOR_FORMAT,
    cluster: backup.cluster,
    systemIdentifier: backup.systemIdentifier,
    serverVersionNum: backup.serverVersionNum,
    walSegmentSize: backup.walSegmentSize,
    wal: { location: walLocation },
    writtenAt: backup.writtenAt,
  });
}

const INDENT = 2;
const digestOf = (body: unknown) =>
  createHash("sha256")
    .update(JSON.stringify(body, null, INDENT))
    .digest("hex");

/** The file's text: the body and, last, the SHA-256 of the body as written (indented JSON). */
export function serializeDescriptor(descriptor: BackupDescriptor | RepositoryDescriptor): string {
  return JSON.stringify({ ...descriptor, sha256: digestOf(descriptor) }, null, INDENT) + "\n";
}

export type ParsedDescriptor<T> = { ok: true; descriptor: T } | { ok: false; problem: string };

/** A descriptor file's text checked (its own SHA-256, then the schema); a problem in words when not. */
function parseDescriptor<S extends z.ZodType>(
  schema: S,
  format: string,
  text: string,
): ParsedDescriptor<z.output<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: "is not JSON" };
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    return { ok: false, problem: "is not a JSON object" };
  const { sha256, ...body } = raw as Record<string, unknown>;
  if (body.format !== format)
    return {
      ok: false,
      problem: `is not a ${format} descriptor (written by a Walden before backups described themselves?)`,
    };
  if (sha256 !== digestOf(body))
    return { ok: false, problem: "does not match its own SHA-256: the file was changed or damaged" };
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    return {
      ok: false,
      problem: `is not valid: ${parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ")}`,
    };
  return { ok: true, descriptor: parsed.data };
}

export const parseBackupDescriptor = (text: string) =>
  parseDescriptor(backupDescriptorSchema, BACKUP_DESCRIPTOR_FORMAT, text);
export const parseRepositoryDescriptor = (text: string) =>
  parseDescriptor(repositoryDescriptorSchema, REPOSITORY_DESCRIPTOR_FORMAT, text);
