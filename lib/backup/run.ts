import fs from "node:fs/promises";
import path from "node:path";
import { AppendFollower, writeChecksums } from "@/lib/backup/checksum";
import { readManifest, parseBasebackupProgress } from "@/lib/backup/manifest";
import { backupApplicationName, endBackupSessions } from "@/lib/backup/orphans";
import {
  backupPaths,
  folderSize,
  removeUnderRoot,
  repositoryRoot,
  repositoryRootFor,
  type BackupPaths,
} from "@/lib/backup/repository";
import { getClusterRowOrThrow, type ClusterRow } from "@/lib/clusters/queries";
import { nodeConnection } from "@/lib/clusters/test-connection";
import { db, retryWhileCatalogDown } from "@/lib/db";
import { fsyncPath, mkdirPrivate, sealTree } from "@/lib/fs-private";
import { withNodeClient, type NodeConnection } from "@/lib/pg/connection";
import {
  logicalBackupRequestSchema,
  physicalBackupRequestSchema,
  type LogicalBackupRequest,
  type PhysicalBackupRequest,
} from "@/lib/schemas/backup";
import { basebackupArgs, dumpallGlobalsArgs, pgDumpArgs, restoreListArgs } from "@/lib/tools/argv";
import { toolPath, toolVersionNum, type PgProgram } from "@/lib/tools/binaries";
import { withPassfile } from "@/lib/tools/passfile";
import { runTool } from "@/lib/tools/run";

// backup.run in the worker. Idempotent by id: only a queued backup is claimed. A backup is
// written under .partial-<id>, checksummed, its WAL confirmed archived (physical), then renamed
// into place and marked succeeded; anything else ends failed with the partial folder removed.

export const BACKUP_HEARTBEAT_MS = 5_000;
/** How long a physical backup waits for its last WAL segment to reach the archive. */
export const WAL_ARCHIVE_WAIT_MS = 60_000;
const SWITCH_WAL_AFTER_MS = 1_000;
/**
 * The tars pg_basebackup streams from the server (base and tablespaces, compressed or not) are
 * only ever appended to, so they can be hashed while written; pg_wal.tar is not (its member
 * headers are rewritten in place) and backup_manifest is renamed into place: those are read after.
 */
export const APPEND_ONLY_TAR = /^(base|\d+)\.tar(\.(gz|lz4|zst))?$/;
const LOG_LINES = 200;

class BackupLog {
  private readonly lines: string[] = [];
  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > LOG_LINES) this.lines.shift();
  }
  toString(): string {
    return this.lines.join("\n");
  }
}

interface BackupFacts {
  sizeBytes: number;
  checksum: string;
  startLsn?: string;
  stopLsn?: string;
  timeline?: number;
  startWal?: string;
  stopWal?: string;
  database?: string;
}

interface ServerFacts {
  versionNum: number;
  systemIdentifier: string | null;
}

async function serverFacts(connection: NodeConnection): Promise<ServerFacts> {
  return withNodeClient(connection, async (client) => {
    const { rows } = await client.query<{ version_num: number; system_identifier: string | null }>(
      `/* walden */ select current_setting('server_version_num')::int as version_num,
        (select system_identifier::text from pg_control_system()) as system_identifier`,
    );
    return { versionNum: rows[0]!.version_num, systemIdentifier: rows[0]!.system_identifier };
  });
}

interface Watch {
  /** What the program waits for, for the watchdog's message. */
  waitingFor: string;
  progressProbe?: () => Promise<string | number | null>;
}

async function runOrThrow(
  program: PgProgram,
  args: string[],
  passfile: string | undefined,
  log: BackupLog,
  watch: Watch,
  onStderrLine?: (line: string) => void,
) {
  log.add(`$ ${program} ${args.join(" ")}`);
  const result = await runTool({
    program: toolPath(program),
    args,
    passfile,
    onStderrLine: (line) => {
      if (!onStderrLine?.(line)) log.add(line);
    },
    ...watch,
  });
  if (result.stalled) throw new Error(result.stalled);
  if (result.code !== 0) {
    throw new Error(
      `${program} failed (exit ${result.code ?? result.signal}): ${result.stderrTail.slice(-5).join(" | ") || "no output"}`,
    );
  }
}

/**
 * The watchdog's view of a base backup on the server: bytes streamed so far, and a checkpoint
 * being written counts as progress (a spread checkpoint can take minutes before the first byte).
 */
async function basebackupActivity(connection: NodeConnection, backupId: string): Promise<string | null> {
  return withNodeClient(connection, async (client) => {
    const { rows } = await client.query<{ phase: string; streamed: string | null }>(
      `/* walden */ select p.phase, p.backup_streamed::text as streamed
         from pg_stat_progress_basebackup p join pg_stat_activity a using (pid)
        where a.application_name = $1`,
      [backupApplicationName(backupId)],
    );
    const row = rows[0];
    if (!row) return null;
    return row.phase === "waiting for checkpoint to finish"
      ? `checkpoint ${Date.now()}`
      : `${row.phase} ${row.streamed}`;
  });
}

/** The WAL segment names holding the backup's start and stop LSN, as the primary names them. */
async function walNames(connection: NodeConnection, startLsn: string, stopLsn: string) {
  return withNodeClient(connection, async (client) => {
    const { rows } = await client.query<{ start_wal: string; stop_wal: string }>(
      "/* walden */ select pg_walfile_name($1::pg_lsn) as start_wal, pg_walfile_name($2::pg_lsn) as stop_wal",
      [startLsn, stopLsn],
    );
    return { startWal: rows[0]!.start_wal, stopWal: rows[0]!.stop_wal };
  });
}

/** A physical backup is restorable only once the WAL up to its stop point is in the archive. */
async function waitForArchivedWal(
  cluster: ClusterRow,
  connection: NodeConnection,
  stopWal: string,
  log: BackupLog,
): Promise<void> {
  if (!cluster.archivePath)
    throw new Error("the cluster has no WAL archive path, so the backup's WAL cannot be confirmed");
  const target = path.join(cluster.archivePath, stopWal);
  const startedAt = Date.now();
  let switched = false;
  for (;;) {
    if (
      await fs.stat(target).then(
        () => true,
        () => false,
      )
    ) {
      log.add(`WAL ${stopWal} is archived`);
      return;
    }
    const waited = Date.now() - startedAt;
    if (!switched && waited >= SWITCH_WAL_AFTER_MS) {
      // The primary switches WAL at the end of a backup, so the stop segment is usually archived
      // within moments; if not (a backup from a standby, say), close it so archive_command runs.
      await withNodeClient(connection, (client) => client.query("/* walden */ select pg_switch_wal()"));
      switched = true;
    }
    if (waited > WAL_ARCHIVE_WAIT_MS) {
      throw new Error(
        `WAL segment ${stopWal} did not reach the archive (${cluster.archivePath}) within ${WAL_ARCHIVE_WAIT_MS / 1000} s: check archive_command`,
      );
    }
    // Often only a few ms to wait: poll fast at first, then gently.
    await new Promise((resolve) => setTimeout(resolve, waited < 2_000 ? 20 : 250));
  }
}

async function physicalBackup(
  backupId: string,
  cluster: ClusterRow,
  connection: NodeConnection,
  server: ServerFacts,
  request: PhysicalBackupRequest,
  paths: BackupPaths,
  log: BackupLog,
  onProgress: (percent: number) => void,
): Promise<BackupFacts> {
  const label = request.label ? `walden ${request.label}` : `walden ${backupId}`;
  const follower = new AppendFollower(paths.partialDir, (name) => APPEND_ONLY_TAR.test(name)).start();
  await withPassfile(
    [
      {
        host: connection.host,
        port: connection.port,
        user: connection.user,
        password: connection.password ?? "",
      },
    ],
    (passfile) =>
      runOrThrow(
        "pg_basebackup",
        [
          ...basebackupArgs({
            connection,
            targetDir: paths.partialDir,
            request,
            label,
            serverVersionNum: server.versionNum,
          }),
          // Named after the backup, so the reaper can end what a killed worker left streaming.
          `--dbname=application_name=${backupApplicationName(backupId)}`,
        ],
        passfile,
        log,
        {
          waitingFor: `${connection.host}:${connection.port} to stream the base backup into ${paths.partialDir}`,
          progressProbe: () => basebackupActivity(connection, backupId),
        },
        (line) => {
          const percent = parseBasebackupProgress(line);
          if (percent !== null) onProgress(percent);
          return percent !== null;
        },
      ),
  ).catch(async (error: unknown) => {
    await follower.stop();
    throw error;
  });
  const digests = await follower.finish();
  const manifest = await readManifest(paths.partialDir);
  const { startWal, stopWal } = await walNames(connection, manifest.startLsn, manifest.stopLsn);
  await waitForArchivedWal(cluster, connection, stopWal, log);
  return {
    sizeBytes: await folderSize(paths.partialDir),
    // SHA256SUMS over the tar files (the manifest covers what is inside them): copies and
    // verification check the files as stored.
    checksum: await writeChecksums(paths.partialDir, digests),
    startLsn: manifest.startLsn,
    stopLsn: manifest.stopLsn,
    timeline: manifest.timeline,
    startWal,
    stopWal,
  };
}

async function logicalBackup(
  connection: NodeConnection,
  request: LogicalBackupRequest,
  paths: BackupPaths,
  log: BackupLog,
): Promise<BackupFacts> {
  const database = request.database ?? connection.database;
  const dumpPath = path.join(paths.partialDir, request.format === "directory" ? "dump" : "dump.pgdump");
  await withPassfile(
    [
      {
        host: connection.host,
        port: connection.port,
        user: connection.user,
        password: connection.password ?? "",
      },
    ],
    async (passfile) => {
      await runOrThrow(
        "pg_dump",
        pgDumpArgs({
          connection,
          database,
          target: dumpPath,
          request,
          pgDumpVersionNum: toolVersionNum("pg_dump"),
        }),
        passfile,
        log,
        { waitingFor: `${connection.host}:${connection.port} to dump database ${database} into ${dumpPath}` },
      );
      await runOrThrow(
        "pg_dumpall",
        dumpallGlobalsArgs({ connection, database, target: path.join(paths.partialDir, "globals.sql") }),
        passfile,
        log,
        { waitingFor: `${connection.host}:${connection.port} to dump roles and tablespaces` },
      );
    },
  );
  // A dump pg_restore cannot list is not a backup.
  await runOrThrow(
    "pg_restore",
    restoreListArgs(dumpPath),
    undefined,
    log,
    { waitingFor: `reading the dump's table of contents in ${dumpPath}` },
    () => true,
  );
  return {
    sizeBytes: await folderSize(paths.partialDir),
    checksum: await writeChecksums(paths.partialDir),
    database,
  };
}

/** Runs one backup to the end. Returns false when the backup was not queued (already taken by someone). */
export async function runBackup(backupId: string, workerId: string): Promise<boolean> {
  const claimed = await db().backup.updateMany({
    where: { id: backupId, status: "queued" },
    data: { status: "running", workerId, startedAt: new Date(), heartbeatAt: new Date(), progress: 0 },
  });
  if (claimed.count === 0) return false;

  const backup = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
  const log = new BackupLog();
  let progress = 0;
  const heartbeat = setInterval(() => {
    void db()
      .backup.update({
        where: { id: backupId },
        data: { heartbeatAt: new Date(), progress, log: log.toString() },
      })
      .catch(() => {});
  }, BACKUP_HEARTBEAT_MS);
  let root = repositoryRoot();
  let paths: BackupPaths | null = null;

  try {
    const cluster = await getClusterRowOrThrow(backup.clusterId);
    const primary = cluster.nodes.find((node) => node.role === "primary");
    if (!primary) throw new Error("the cluster has no primary registered");
    const connection = nodeConnection(primary);
    root = repositoryRootFor(cluster);
    paths = backupPaths(root, cluster.name, backupId);
    await fs.mkdir(paths.clusterDir, { recursive: true });
    await removeUnderRoot(root, paths.partialDir);
    await fs.mkdir(paths.partialDir);

    const server = await serverFacts(connection);
    const facts =
      backup.kind === "physical"
        ? await physicalBackup(
            backupId,
            cluster,
            connection,
            server,
            physicalBackupRequestSchema.parse(backup.options),
            paths,
            log,
            (percent) => {
              progress = percent;
            },
          )
        : await logicalBackup(connection, logicalBackupRequestSchema.parse(backup.options), paths, log);

    await fs.writeFile(
      path.join(paths.partialDir, "walden.json"),
      JSON.stringify(
        { backupId, cluster: cluster.name, kind: backup.kind, ...facts, serverVersionNum: server.versionNum },
        null,
        2,
      ),
    );
    const { finalDir } = paths;
    // Readable by Walden's user only, and on disk before the catalog says succeeded.
    await mkdirPrivate(paths.clusterDir);
    await sealTree(paths.partialDir);
    await fs.rename(paths.partialDir, finalDir);
    await fsyncPath(paths.clusterDir);
    // The files are whole: a catalog restarting just now must not turn them into a failed backup.
    await retryWhileCatalogDown(() =>
      db().backup.update({
        where: { id: backupId },
        data: {
          status: "succeeded",
          progress: 100,
          path: finalDir,
          finishedAt: new Date(),
          heartbeatAt: new Date(),
          sizeBytes: BigInt(facts.sizeBytes),
          checksum: facts.checksum,
          startLsn: facts.startLsn,
          stopLsn: facts.stopLsn,
          timeline: facts.timeline,
          startWal: facts.startWal,
          stopWal: facts.stopWal,
          database: facts.database,
          serverVersionNum: server.versionNum,
          systemIdentifier: server.systemIdentifier,
          log: log.toString(),
        },
      }),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.add(`failed: ${message}`);
    if (paths) await removeUnderRoot(root, paths.partialDir).catch(() => {});
    await retryWhileCatalogDown(() =>
      db().backup.update({
        where: { id: backupId },
        data: { status: "failed", error: message, finishedAt: new Date(), log: log.toString() },
      }),
    );
  } finally {
    clearInterval(heartbeat);
  }
  return true;
}

/** A running backup whose worker stopped beating is failed, and its partial files removed. */
export async function reapStaleBackups(staleAfterMs = 6 * BACKUP_HEARTBEAT_MS): Promise<string[]> {
  const stale = await db().backup.findMany({
    where: { status: "running", heartbeatAt: { lt: new Date(Date.now() - staleAfterMs) } },
    include: { cluster: { select: { name: true, repositoryPath: true } } },
  });
  for (const backup of stale) {
    // First stop what the dead worker left running, so nothing writes into the files removed next.
    if (backup.kind === "physical") await endBackupSessions(backup.clusterId, backup.id).catch(() => 0);
    const root = repositoryRootFor(backup.cluster);
    await removeUnderRoot(root, backupPaths(root, backup.cluster.name, backup.id).partialDir).catch(() => {});
    await db().backup.updateMany({
      where: { id: backup.id, status: "running" },
      data: {
        status: "failed",
        finishedAt: new Date(),
        error: `the worker running it stopped (no heartbeat since ${backup.heartbeatAt?.toISOString()}); partial files removed`,
      },
    });
  }
  return stale.map((backup) => backup.id);
}
