import fs from "node:fs/promises";
import { localEncryptionRecipient } from "@/lib/backup/at-rest";
import { logicalBackup } from "@/lib/backup/logical";
import { endBackupSessions } from "@/lib/backup/orphans";
import { physicalBackup } from "@/lib/backup/physical";
import { backupPaths, removeUnderRoot, repositoryRootFor, type BackupPaths } from "@/lib/backup/repository";
import { bothOrThrow, BackupLog, type ServerFacts } from "@/lib/backup/run-context";
import { audit } from "@/lib/auth/audit";
import { systemActor } from "@/lib/auth/system-actor";
import {
  backupSource,
  currentPrimaryOf,
  observeNodes,
  SplitBrainError,
  type BackupSource,
} from "@/lib/clusters/current-primary";
import { clusterWithNodes, type ClusterRow } from "@/lib/clusters/queries";
import { nodeConnection } from "@/lib/clusters/test-connection";
import { db, retryWhileCatalogDown } from "@/lib/db";
import { fsyncPath, mkdirPrivate, sealTree } from "@/lib/fs-private";
import { withNodeClient, type NodeConnection } from "@/lib/pg/connection";
import { describeNewBackup, describeRepository } from "@/lib/repository/local-descriptor";
import { logicalBackupRequestSchema, physicalBackupRequestSchema } from "@/lib/schemas/backup";
import { backupFromSchema, type BackupFrom } from "@/lib/schemas/schedule";

// backup.run in the worker. Idempotent by id: only a queued backup is claimed. A backup is
// written under .partial-<id> (physical.ts, logical.ts), checksummed, its WAL confirmed archived
// (physical), then renamed into place and marked succeeded; anything else ends failed with the
// partial folder removed.

export const BACKUP_HEARTBEAT_MS = 5_000;

async function serverFacts(connection: NodeConnection): Promise<ServerFacts> {
  return withNodeClient(connection, async (client) => {
    const { rows } = await client.query<{
      version_num: number;
      system_identifier: string | null;
      wal_segment_size: number;
    }>(
      `/* walden */ select current_setting('server_version_num')::int as version_num,
        (select system_identifier::text from pg_control_system()) as system_identifier,
        (select setting::int from pg_settings where name = 'wal_segment_size') as wal_segment_size`,
    );
    const row = rows[0]!;
    return {
      versionNum: row.version_num,
      systemIdentifier: row.system_identifier,
      walSegmentSize: row.wal_segment_size,
    };
  });
}

/** The backup's folders: its cluster's, and an empty partial one (whatever a crash left there is removed). */
async function preparePartialDir(root: string, paths: BackupPaths): Promise<void> {
  await fs.mkdir(paths.clusterDir, { recursive: true });
  await removeUnderRoot(root, paths.partialDir);
  await fs.mkdir(paths.partialDir);
}

/** The schedule's choice of node for a physical backup; a backup asked for by hand reads the primary. */
async function scheduledBackupFrom(scheduleId: string | null): Promise<BackupFrom> {
  if (!scheduleId) return "primary";
  const schedule = await db().backupSchedule.findUnique({
    where: { id: scheduleId },
    select: { backupFrom: true },
  });
  return backupFromSchema.catch("primary").parse(schedule?.backupFrom ?? "primary");
}

/** The node to back up: physical backups follow their schedule's choice, logical ones read the primary. */
async function chooseSource(
  cluster: ClusterRow,
  backup: { kind: "physical" | "logical"; scheduleId: string | null },
): Promise<BackupSource> {
  if (backup.kind === "physical") return backupSource(cluster, await scheduledBackupFrom(backup.scheduleId));
  const node = await currentPrimaryOf(cluster);
  return { node, primary: node, role: "primary", reason: `from the primary ${node.name}` };
}

/** A backup refused for a split brain is audited: two writable nodes is something to answer for. */
async function auditRefusal(backupId: string, clusterId: string, error: SplitBrainError): Promise<void> {
  await audit(systemActor("backup"), {
    action: "backup.refuse",
    outcome: "failed",
    target: { type: "backup", id: backupId },
    details: { clusterId, reason: "split brain", writable: error.writable },
  }).catch(() => {});
}

/**
 * A backup that failed because its node went away (the primary failed over, a standby was
 * promoted) says so, and where the primary is now, instead of only pg_basebackup's lost socket.
 */
async function explainLostSource(
  cluster: ClusterRow,
  source: BackupSource,
  message: string,
): Promise<string> {
  const now = await observeNodes(cluster).catch(() => null);
  const node = now?.find((candidate) => candidate.name === source.node.name);
  if (!now || !node || node.role === source.role) return message;
  const change =
    node.role === "unreachable"
      ? `went away during the backup (${node.error})`
      : `became a ${node.role} during the backup`;
  const writable = now.filter((candidate) => candidate.role === "primary").map((candidate) => candidate.name);
  const next =
    writable.length === 1 && writable[0] !== source.node.name
      ? `; ${writable[0]} is the primary now, the next backup runs there`
      : "";
  return `${source.node.name}, the ${source.role} this backup read from, ${change}${next}. ${message}`;
}

/** Runs one backup to the end. Returns false when the backup was not queued (already taken by someone). */
export async function runBackup(backupId: string, workerId: string): Promise<boolean> {
  const startedAt = new Date();
  // The row and its cluster are read while it is claimed: what a queued backup asks for never changes.
  const [claimed, backup] = await Promise.all([
    db().backup.updateMany({
      where: { id: backupId, status: "queued" },
      data: { status: "running", workerId, startedAt, heartbeatAt: startedAt, progress: 0 },
    }),
    db().backup.findUnique({ where: { id: backupId }, include: { cluster: { include: clusterWithNodes } } }),
  ]);
  if (claimed.count === 0) return false;
  if (!backup) throw new Error(`backup ${backupId} was claimed but is gone from the catalog`);

  const log = new BackupLog();
  let progress = 0;
  // The final write waits for a heartbeat still in flight (stopHeartbeat), so an older progress
  // and log can never land after it.
  let heartbeatWrite: Promise<unknown> = Promise.resolve();
  const heartbeat = setInterval(() => {
    heartbeatWrite = db()
      .backup.update({
        where: { id: backupId },
        data: { heartbeatAt: new Date(), progress, log: log.toString() },
      })
      .catch(() => {});
  }, BACKUP_HEARTBEAT_MS);
  const stopHeartbeat = async () => {
    clearInterval(heartbeat);
    await heartbeatWrite;
  };
  const cluster: ClusterRow = backup.cluster;
  const root = repositoryRootFor(cluster);
  let paths: BackupPaths | null = null;
  let source: BackupSource | null = null;

  try {
    paths = backupPaths(root, cluster.name, backupId);
    // Where the primary is now (not where it was registered); a split brain refuses the backup.
    // Meanwhile the partial folder is made ready.
    const [server] = await bothOrThrow(
      chooseSource(cluster, backup).then((chosen) => {
        source = chosen;
        log.add(`backing up ${chosen.reason} (${chosen.node.host}:${chosen.node.port})`);
        return serverFacts(nodeConnection(chosen.node));
      }),
      preparePartialDir(root, paths),
    );
    const chosen: BackupSource = source!;
    const connection = nodeConnection(chosen.node);

    const facts =
      backup.kind === "physical"
        ? await physicalBackup(
            backupId,
            cluster,
            { connection, primary: nodeConnection(chosen.primary) },
            server,
            physicalBackupRequestSchema.parse(backup.options),
            paths,
            log,
            (percent) => {
              progress = percent;
            },
          )
        : await logicalBackup(
            connection,
            logicalBackupRequestSchema.parse(backup.options),
            paths,
            log,
            localEncryptionRecipient(cluster),
          );

    const { finalDir } = paths;
    const finishedAt = new Date();
    const succeeded = {
      status: "succeeded",
      progress: 100,
      path: finalDir,
      finishedAt,
      heartbeatAt: finishedAt,
      sizeBytes: BigInt(facts.sizeBytes),
      checksum: facts.checksum,
      encryptionRecipient: facts.encryptionRecipient ?? null,
      startLsn: facts.startLsn ?? null,
      stopLsn: facts.stopLsn ?? null,
      timeline: facts.timeline ?? null,
      startWal: facts.startWal ?? null,
      stopWal: facts.stopWal ?? null,
      database: facts.database ?? backup.database,
      serverVersionNum: server.versionNum,
      systemIdentifier: server.systemIdentifier,
    } as const;
    // walden.json from the row the catalog is about to hold: the repository describes itself (issue 14).
    const descriptor = await describeNewBackup(
      paths.partialDir,
      { ...backup, startedAt, ...succeeded },
      cluster.name,
    );
    // Readable by Walden's user only, and on disk before the catalog says succeeded.
    await mkdirPrivate(paths.clusterDir);
    await sealTree(paths.partialDir);
    await fs.rename(paths.partialDir, finalDir);
    await fsyncPath(paths.clusterDir);
    // The files are whole: a catalog restarting just now must not turn them into a failed backup.
    await stopHeartbeat();
    await retryWhileCatalogDown(() =>
      db().backup.update({ where: { id: backupId }, data: { ...succeeded, log: log.toString() } }),
    );
    await describeRepository(paths.clusterDir, descriptor, cluster.archivePath);
  } catch (error) {
    let message = error instanceof Error ? error.message : String(error);
    if (error instanceof SplitBrainError) await auditRefusal(backupId, backup.clusterId, error);
    else if (source) message = await explainLostSource(cluster, source, message);
    log.add(`failed: ${message}`);
    if (paths) await removeUnderRoot(root, paths.partialDir).catch(() => {});
    await stopHeartbeat();
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
