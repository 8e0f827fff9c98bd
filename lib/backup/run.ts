import fs from "node:fs/promises";
import path from "node:path";
import { localEncryptionRecipient } from "@/lib/backup/at-rest";
import { logicalBackup } from "@/lib/backup/logical";
import { endBackupSessions } from "@/lib/backup/orphans";
import { physicalBackup } from "@/lib/backup/physical";
import {
  backupPaths,
  removeUnderRoot,
  repositoryRoot,
  repositoryRootFor,
  type BackupPaths,
} from "@/lib/backup/repository";
import { BackupLog, type ServerFacts } from "@/lib/backup/run-context";
import { audit } from "@/lib/auth/audit";
import { systemActor } from "@/lib/auth/system-actor";
import {
  backupSource,
  currentPrimaryOf,
  observeNodes,
  SplitBrainError,
  type BackupSource,
} from "@/lib/clusters/current-primary";
import { getClusterRowOrThrow, type ClusterRow } from "@/lib/clusters/queries";
import { nodeConnection } from "@/lib/clusters/test-connection";
import { db, retryWhileCatalogDown } from "@/lib/db";
import { fsyncPath, mkdirPrivate, sealTree } from "@/lib/fs-private";
import { withNodeClient, type NodeConnection } from "@/lib/pg/connection";
import { describeNewBackup } from "@/lib/repository/local-descriptor";
import { logicalBackupRequestSchema, physicalBackupRequestSchema } from "@/lib/schemas/backup";
import { backupFromSchema, type BackupFrom } from "@/lib/schemas/schedule";

// backup.run in the worker. Idempotent by id: only a queued backup is claimed. A backup is
// written under .partial-<id> (physical.ts, logical.ts), checksummed, its WAL confirmed archived
// (physical), then renamed into place and marked succeeded; anything else ends failed with the
// partial folder removed.

export const BACKUP_HEARTBEAT_MS = 5_000;

async function serverFacts(connection: NodeConnection): Promise<ServerFacts> {
  return withNodeClient(connection, async (client) => {
    const { rows } = await client.query<{ version_num: number; system_identifier: string | null }>(
      `/* walden */ select current_setting('server_version_num')::int as version_num,
        (select system_identifier::text from pg_control_system()) as system_identifier`,
    );
    return { versionNum: rows[0]!.version_num, systemIdentifier: rows[0]!.system_identifier };
  });
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
  const claimed = await db().backup.updateMany({
    where: { id: backupId, status: "queued" },
    data: { status: "running", workerId, startedAt: new Date(), heartbeatAt: new Date(), progress: 0 },
  });
  if (claimed.count === 0) return false;

  const backup = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
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
  let root = repositoryRoot();
  let paths: BackupPaths | null = null;
  let cluster: ClusterRow | null = null;
  let source: BackupSource | null = null;

  try {
    cluster = await getClusterRowOrThrow(backup.clusterId);
    // Where the primary is now (not where it was registered); a split brain refuses the backup.
    const chosen: BackupSource =
      backup.kind === "physical"
        ? await backupSource(cluster, await scheduledBackupFrom(backup.scheduleId))
        : await currentPrimaryOf(cluster).then((node) => ({
            node,
            primary: node,
            role: "primary" as const,
            reason: `from the primary ${node.name}`,
          }));
    source = chosen;
    log.add(`backing up ${chosen.reason} (${chosen.node.host}:${chosen.node.port})`);
    const connection = nodeConnection(chosen.node);
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
    await stopHeartbeat();
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
          encryptionRecipient: facts.encryptionRecipient ?? null,
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
    await describeNewBackup(backupId); // walden.json from the catalog: the repository describes itself (issue 14)
  } catch (error) {
    let message = error instanceof Error ? error.message : String(error);
    if (error instanceof SplitBrainError) await auditRefusal(backupId, backup.clusterId, error);
    else if (cluster && source) message = await explainLostSource(cluster, source, message);
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
