import type { Compression, LogicalBackupRequest, PhysicalBackupRequest } from "@/lib/schemas/backup";

// Argument lists for PostgreSQL programs, built from validated requests only. Every value is
// passed as its own argument (or as --option=value), so nothing is ever parsed by a shell.

export interface ConnectionArgs {
  host: string;
  port: number;
  user: string;
}

function connectionArgs(connection: ConnectionArgs): string[] {
  // --no-password: fail at once instead of waiting for a prompt nobody will answer.
  return [
    `--host=${connection.host}`,
    `--port=${connection.port}`,
    `--username=${connection.user}`,
    "--no-password",
  ];
}

/**
 * pg_basebackup in tar format with WAL streamed alongside and a SHA-256 manifest. Compression
 * runs on the server from PostgreSQL 15 (less network traffic), in the client before that.
 */
export function basebackupArgs(options: {
  connection: ConnectionArgs;
  targetDir: string;
  request: Pick<PhysicalBackupRequest, "compression" | "checkpoint" | "maxRateKbps">;
  label: string;
  serverVersionNum: number;
}): string[] {
  const { compression, checkpoint } = options.request;
  const args = [
    ...connectionArgs(options.connection),
    `--pgdata=${options.targetDir}`,
    "--format=tar",
    "--wal-method=stream",
    "--manifest-checksums=SHA256",
    `--checkpoint=${checkpoint}`,
    `--label=${options.label}`,
    "--progress",
    "--verbose",
  ];
  if (options.request.maxRateKbps) args.push(`--max-rate=${options.request.maxRateKbps}k`);
  if (compression !== "none") {
    const where = options.serverVersionNum >= 150000 ? "server" : "client";
    args.push(`--compress=${where}-${compression}`);
  }
  return args;
}

export class UnsupportedOptionError extends Error {}

/** pg_dump takes a method from 16 on; before that only a gzip level (0 = none). */
export function dumpCompressionArg(compression: Compression, pgDumpVersionNum: number): string {
  if (pgDumpVersionNum >= 160000) return `--compress=${compression}`;
  if (compression === "gzip") return "--compress=6";
  if (compression === "none") return "--compress=0";
  throw new UnsupportedOptionError(
    `pg_dump ${Math.floor(pgDumpVersionNum / 10000)} on the worker compresses only with gzip; choose gzip or none`,
  );
}

/** pg_dump in custom or directory format (never plain, which cannot be restored selectively). */
export function pgDumpArgs(options: {
  connection: ConnectionArgs;
  database: string;
  target: string;
  request: LogicalBackupRequest;
  pgDumpVersionNum: number;
}): string[] {
  const { request } = options;
  const args = [
    ...connectionArgs(options.connection),
    `--dbname=${options.database}`,
    `--format=${request.format}`,
    `--file=${options.target}`,
    "--verbose",
  ];
  if (request.format === "directory" && request.jobs > 1) args.push(`--jobs=${request.jobs}`);
  for (const table of request.tables) args.push(`--table=${table}`);
  for (const table of request.excludeTables) args.push(`--exclude-table=${table}`);
  for (const schema of request.schemas) args.push(`--schema=${schema}`);
  for (const schema of request.excludeSchemas) args.push(`--exclude-schema=${schema}`);
  if (request.dataOnly) args.push("--data-only");
  if (request.schemaOnly) args.push("--schema-only");
  if (request.noOwner) args.push("--no-owner");
  args.push(dumpCompressionArg(request.compression, options.pgDumpVersionNum));
  return args;
}

/** Roles and tablespaces are not in pg_dump's output; pg_dumpall --globals-only keeps them beside it. */
export function dumpallGlobalsArgs(options: {
  connection: ConnectionArgs;
  database: string;
  target: string;
}): string[] {
  // pg_dumpall reads --dbname as a connection string; --database just names the database to connect to.
  return [
    ...connectionArgs(options.connection),
    `--database=${options.database}`,
    "--globals-only",
    `--file=${options.target}`,
  ];
}

/** pg_restore --list: reads a dump's table of contents; a dump that cannot be listed is not restorable. */
export function restoreListArgs(dumpPath: string): string[] {
  return ["--list", dumpPath];
}

/**
 * pg_verifybackup of an unpacked backup against its manifest: every file's checksum, and the
 * WAL in <dataDir>/pg_wal parsed from the backup's start to its stop.
 */
export function verifybackupArgs(dataDir: string, manifestPath: string): string[] {
  return [`--manifest-path=${manifestPath}`, dataDir];
}

/** pg_receivewal --create-slot --if-not-exists: run once before streaming. */
export function receiveWalCreateSlotArgs(connection: ConnectionArgs, slot: string): string[] {
  return [...connectionArgs(connection), `--slot=${slot}`, "--create-slot", "--if-not-exists"];
}

/**
 * pg_receivewal streaming into the archive folder through a slot (so the primary keeps WAL
 * the archive has not got yet), syncing each segment; --no-loop because Walden restarts it
 * itself, with a log line each time.
 */
export function receiveWalArgs(connection: ConnectionArgs, slot: string, directory: string): string[] {
  return [
    ...connectionArgs(connection),
    `--directory=${directory}`,
    `--slot=${slot}`,
    "--synchronous",
    "--no-loop",
    "--verbose",
  ];
}

/**
 * pg_restore into one database: stops at the first error (a half-restored database is
 * reported, not called done), optionally only some schemas/tables, with parallel jobs.
 */
export function pgRestoreArgs(options: {
  connection: ConnectionArgs;
  database: string;
  dumpPath: string;
  jobs: number;
  tables: readonly string[];
  schemas: readonly string[];
  clean: boolean;
  noOwner: boolean;
}): string[] {
  return [
    ...connectionArgs(options.connection),
    `--dbname=${options.database}`,
    `--jobs=${options.jobs}`,
    "--exit-on-error",
    ...(options.noOwner ? ["--no-owner", "--no-privileges"] : []),
    ...(options.clean ? ["--clean", "--if-exists"] : []),
    ...options.schemas.map((schema) => `--schema=${schema}`),
    ...options.tables.map((table) => `--table=${table}`),
    options.dumpPath,
  ];
}
