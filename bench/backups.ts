import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { sha256File, writeChecksums, type KnownDigest } from "@/lib/backup/checksum";
import { readManifest } from "@/lib/backup/manifest";
import { folderSize, removeUnderRoot, repositoryRoot } from "@/lib/backup/repository";
import { APPEND_ONLY_TAR } from "@/lib/backup/physical";
import { runBackup } from "@/lib/backup/run";
import { db } from "@/lib/db";
import { generateAgeKey } from "@/lib/offsite/age";
import type { Prisma } from "@/lib/generated/prisma/client";
import {
  logicalBackupRequestSchema,
  physicalBackupRequestSchema,
  type Compression,
  type LogicalBackupRequest,
  type PhysicalBackupRequest,
} from "@/lib/schemas/backup";
import { basebackupArgs, pgDumpArgs } from "@/lib/tools/argv";
import { toolVersionNum } from "@/lib/tools/binaries";
import { runProgram, withPrimary, type DataSet } from "./pgbench-data";
import { BENCH_HOME, CLUSTER_PREFIX, type Bench } from "./setup";
import { median, MiB, now, pollUntil, scalar } from "./support";

// Measurement 4: Walden's backups against the raw PostgreSQL programs on a pgbench database of
// at least 1 GB. Walden's run is runBackup() itself, on a queued row of the bench cluster (what
// the worker does for backup.run); the baseline is pg_basebackup / pg_dump with the argv Walden
// builds (lib/tools/argv.ts), through the same runTool and passfile, into a folder on the same
// disk. Walden and raw runs alternate so that drift (page cache, other load) hits both alike.
// Issue 14's encryption overhead: the same whole physical job (runBackup) with the bench
// cluster's local encryption at rest on and off, in pairs whose order alternates.
// The pgbench database is pgbench-data.ts's; the tables are in print-backups.ts.

const WORKER_ID = "walden-bench";
/** Raw copies live beside the repository (same file system), never inside it. */
const RAW_ROOT = path.join(BENCH_HOME, "raw-backups");

export interface BackupRun {
  who: "walden" | "raw";
  ms: number;
  bytes: number;
  /**
   * Raw physical runs only, measured after the timed part: ms from pg_basebackup's exit until
   * its stop WAL segment was in the archive, which Walden waits for and the raw tool does not.
   */
  archivedAfterMs?: number;
  /**
   * Raw runs only, not timed: writeChecksums() (Walden's SHA256SUMS) over the raw copy, of the
   * files Walden hashes after the program exits (not the tars it hashes while they are written).
   */
  hashMs?: number;
}

export interface PairedRuns {
  label: string;
  /** In the order they ran: walden, raw, walden, raw… */
  runs: BackupRun[];
}

export interface CompressionRow {
  compression: Compression;
  /** Walden runs: one per compression, except the one also used for the paired runs. */
  ms: number;
  bytes: number;
  n: number;
}

/** Issue 14: the whole physical job (runBackup) encrypted at rest and plain, order alternating per pair. */
export interface EncryptionRuns {
  label: string;
  /** Pairs in the order they ran: encrypted first in odd pairs, plain first in even ones. */
  pairs: { encrypted: BackupRun; plain: BackupRun; encryptedFirst: boolean }[];
}

export interface BackupResults {
  data: DataSet;
  physical: PairedRuns;
  encryption: EncryptionRuns;
  logical: PairedRuns;
  physicalCompression: CompressionRow[];
  logicalCompression: CompressionRow[];
}

export interface BackupPlan {
  scale: number;
  /** Walden/raw pairs for the physical lz4 and the logical custom cases. */
  pairs: number;
  /** Encrypted/plain pairs of Walden's physical lz4 backup. */
  encryptionPairs: number;
  physicalCompressions: readonly Compression[];
  logicalCompressions: readonly Compression[];
}

// ---------------------------------------------------------------------------------------------
// One backup each way
// ---------------------------------------------------------------------------------------------

type Request = PhysicalBackupRequest | LogicalBackupRequest;

/**
 * runBackup() on a freshly queued row: claim, tool, checks, rename, catalog update. `encryptTo`
 * is what the backup row must name as its recipient (null: a plain backup), so a run that
 * encrypted when it should not have (or the reverse) fails the bench instead of being counted.
 */
async function waldenBackup(
  bench: Bench,
  request: Request,
  encryptTo: string | null = null,
): Promise<BackupRun> {
  const row = await db().backup.create({
    data: {
      clusterId: bench.clusterId,
      kind: request.kind,
      options: request as unknown as Prisma.InputJsonValue,
      requestedBy: "bench",
      database: request.kind === "logical" ? (request.database ?? null) : null,
    },
  });
  const start = now();
  const claimed = await runBackup(row.id, WORKER_ID);
  const ms = now() - start;
  const done = await db().backup.findUniqueOrThrow({ where: { id: row.id } });
  if (!claimed || done.status !== "succeeded" || !done.path) {
    throw new Error(
      `Walden's ${request.kind} backup ended ${done.status}: ${done.error ?? "no error recorded"}`,
    );
  }
  if (done.encryptionRecipient !== encryptTo)
    throw new Error(
      `Walden's backup was encrypted to ${done.encryptionRecipient ?? "nobody"}, not ${encryptTo ?? "nobody"}`,
    );
  await removeUnderRoot(repositoryRoot(), done.path);
  await db().backup.delete({ where: { id: row.id } });
  return { who: "walden", ms, bytes: Number(done.sizeBytes) };
}

/** The same program with the same argv, into a fresh folder of the bench home; nothing else. */
async function rawBackup(bench: Bench, request: Request, serverVersionNum: number): Promise<BackupRun> {
  const dir = path.join(RAW_ROOT, randomUUID());
  const connection = bench.node(bench.primaryPort);
  const start = now();
  await fs.mkdir(dir, { recursive: true });
  if (request.kind === "physical") {
    await runProgram(
      bench,
      "pg_basebackup",
      basebackupArgs({
        connection,
        targetDir: dir,
        request,
        // As long as Walden's "walden <backup id>".
        label: `walden ${randomUUID()}`,
        serverVersionNum,
      }),
    );
  } else {
    await runProgram(
      bench,
      "pg_dump",
      pgDumpArgs({
        connection,
        database: request.database ?? connection.database,
        target: path.join(dir, request.format === "directory" ? "dump" : "dump.pgdump"),
        request,
        pgDumpVersionNum: toolVersionNum("pg_dump"),
      }),
    );
  }
  const ms = now() - start;
  const archivedAfterMs =
    request.kind === "physical" ? await stopWalArchivedAfter(bench, dir, start + ms) : undefined;
  const bytes = await folderSize(dir);
  // What Walden still hashes after the program exits: everything but the tars it hashed while
  // they were written (those digests are computed here first, untimed).
  const followed = new Map<string, KnownDigest>();
  if (request.kind === "physical") {
    for (const name of await fs.readdir(dir)) {
      if (!APPEND_ONLY_TAR.test(name)) continue;
      const file = path.join(dir, name);
      followed.set(name, { sha256: await sha256File(file), bytes: (await fs.stat(file)).size });
    }
  }
  const hashStart = now();
  await writeChecksums(dir, followed);
  const hashMs = now() - hashStart;
  await fs.rm(dir, { recursive: true, force: true });
  return { who: "raw", ms, bytes, archivedAfterMs, hashMs };
}

/** ms from `since` until the stop segment named by the backup's manifest appears in the archive. */
async function stopWalArchivedAfter(bench: Bench, dir: string, since: number): Promise<number> {
  const { stopLsn } = await readManifest(dir);
  const stopWal = await withPrimary(bench, bench.sandbox.cluster.primary.database, (client) =>
    scalar<string>(client, "select pg_walfile_name($1::pg_lsn) as value", [stopLsn]),
  );
  const target = path.join(bench.sandbox.cluster.archiveDir, stopWal);
  return pollUntil(
    `${stopWal} in the archive`,
    () =>
      fs.stat(target).then(
        () => true,
        () => false,
      ),
    { since, intervalMs: 10, timeoutMs: 60_000 },
  );
}

/** Removes what a crashed run may have left: raw copies, and the bench cluster's repository folder. */
export async function removeBackupLeftovers(): Promise<void> {
  await fs.rm(RAW_ROOT, { recursive: true, force: true });
  await removeUnderRoot(repositoryRoot(), path.join(repositoryRoot(), `${CLUSTER_PREFIX}demo`));
}

// ---------------------------------------------------------------------------------------------
// The measurement
// ---------------------------------------------------------------------------------------------

async function paired(
  label: string,
  pairs: number,
  walden: () => Promise<BackupRun>,
  raw: () => Promise<BackupRun>,
  log: (line: string) => void,
): Promise<PairedRuns> {
  const runs: BackupRun[] = [];
  for (let pair = 1; pair <= pairs; pair++) {
    for (const run of [walden, raw]) {
      const result = await run();
      runs.push(result);
      log(
        `${label} ${pair}/${pairs} ${result.who.padEnd(6)} ${(result.ms / 1000).toFixed(2)} s, ` +
          `${(result.bytes / MiB).toFixed(1)} MiB`,
      );
    }
  }
  return { label, runs };
}

/** Turns the bench cluster's local encryption at rest on (to `recipient`) or off (null). */
async function setLocalEncryption(bench: Bench, recipient: string | null): Promise<void> {
  await db().cluster.update({
    where: { id: bench.clusterId },
    data: { localEncryptionEnabled: recipient !== null, localEncryptionRecipient: recipient },
  });
}

/** The same physical backup job encrypted at rest and plain, alternating which goes first. */
async function measureEncryption(
  bench: Bench,
  request: PhysicalBackupRequest,
  pairs: number,
  log: (line: string) => void,
): Promise<EncryptionRuns> {
  const label = `physical ${request.compression} encrypted`;
  const { recipient } = generateAgeKey();
  const run = async (encrypted: boolean) => {
    await setLocalEncryption(bench, encrypted ? recipient : null);
    return waldenBackup(bench, request, encrypted ? recipient : null);
  };
  const result: EncryptionRuns = { label, pairs: [] };
  try {
    log(`warm-up (not counted): one encrypted ${request.compression} physical backup`);
    await run(true);
    for (let pair = 1; pair <= pairs; pair++) {
      const encryptedFirst = pair % 2 === 1;
      const first = await run(encryptedFirst);
      const second = await run(!encryptedFirst);
      const [encrypted, plain] = encryptedFirst ? [first, second] : [second, first];
      result.pairs.push({ encrypted, plain, encryptedFirst });
      log(
        `${label} ${pair}/${pairs} encrypted ${(encrypted.ms / 1000).toFixed(2)} s, ` +
          `plain ${(plain.ms / 1000).toFixed(2)} s (${encryptedFirst ? "encrypted" : "plain"} first)`,
      );
    }
  } finally {
    await setLocalEncryption(bench, null);
  }
  return result;
}

export const medianOf = (runs: PairedRuns, who: BackupRun["who"], field: "ms" | "bytes") =>
  median(runs.runs.filter((run) => run.who === who).map((run) => run[field]));

export async function measureBackups(
  bench: Bench,
  data: DataSet,
  plan: BackupPlan,
  log: (line: string) => void,
): Promise<BackupResults> {
  const serverVersionNum = await withPrimary(bench, data.database, async (client) =>
    Number(await scalar<string>(client, "select current_setting('server_version_num') as value")),
  );
  const physical = (compression: Compression) =>
    physicalBackupRequestSchema.parse({ clusterId: bench.clusterId, kind: "physical", compression });
  const logical = (compression: Compression) =>
    logicalBackupRequestSchema.parse({
      clusterId: bench.clusterId,
      kind: "logical",
      database: data.database,
      format: "custom",
      compression,
    });

  // Untimed: the first backup after a load pays for its checkpoint and a cold page cache, and
  // the first runBackup() for Prisma's first queries and the tool version probes.
  log("warm-up (not counted): one raw and one Walden lz4 physical backup");
  await rawBackup(bench, physical("lz4"), serverVersionNum);
  await waldenBackup(bench, physical("lz4"));

  const physicalRuns = await paired(
    "physical lz4",
    plan.pairs,
    () => waldenBackup(bench, physical("lz4")),
    () => rawBackup(bench, physical("lz4"), serverVersionNum),
    log,
  );
  const encryption = await measureEncryption(bench, physical("lz4"), plan.encryptionPairs, log);
  const physicalCompression: CompressionRow[] = [];
  for (const compression of plan.physicalCompressions) {
    if (compression === "lz4") {
      physicalCompression.push({
        compression,
        ms: medianOf(physicalRuns, "walden", "ms"),
        bytes: medianOf(physicalRuns, "walden", "bytes"),
        n: plan.pairs,
      });
      continue;
    }
    const run = await waldenBackup(bench, physical(compression));
    log(
      `physical ${compression} walden ${(run.ms / 1000).toFixed(2)} s, ${(run.bytes / MiB).toFixed(1)} MiB`,
    );
    physicalCompression.push({ compression, ms: run.ms, bytes: run.bytes, n: 1 });
  }

  const defaultLogical = logicalBackupRequestSchema.parse({
    clusterId: bench.clusterId,
    kind: "logical",
  }).compression;
  const logicalRuns = await paired(
    `logical custom ${defaultLogical}`,
    plan.pairs,
    () => waldenBackup(bench, logical(defaultLogical)),
    () => rawBackup(bench, logical(defaultLogical), serverVersionNum),
    log,
  );
  const logicalCompression: CompressionRow[] = [];
  for (const compression of plan.logicalCompressions) {
    if (compression === defaultLogical) {
      logicalCompression.push({
        compression,
        ms: medianOf(logicalRuns, "walden", "ms"),
        bytes: medianOf(logicalRuns, "walden", "bytes"),
        n: plan.pairs,
      });
      continue;
    }
    const run = await waldenBackup(bench, logical(compression));
    log(`logical ${compression} walden ${(run.ms / 1000).toFixed(2)} s, ${(run.bytes / MiB).toFixed(1)} MiB`);
    logicalCompression.push({ compression, ms: run.ms, bytes: run.bytes, n: 1 });
  }

  return {
    data,
    physical: physicalRuns,
    encryption,
    logical: logicalRuns,
    physicalCompression,
    logicalCompression,
  };
}
