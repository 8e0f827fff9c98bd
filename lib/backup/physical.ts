import fs from "node:fs/promises";
import path from "node:path";
import { localEncryptionRecipient } from "@/lib/backup/at-rest";
import { SealingFollower } from "@/lib/backup/at-rest-seal";
import { AppendFollower, sha256File, writeChecksums, type KnownDigest } from "@/lib/backup/checksum";
import { readManifest, parseBasebackupProgress } from "@/lib/backup/manifest";
import { backupApplicationName } from "@/lib/backup/orphans";
import { folderSize, type BackupPaths } from "@/lib/backup/repository";
import {
  bothOrThrow,
  runOrThrow,
  type BackupFacts,
  type BackupLog,
  type ServerFacts,
} from "@/lib/backup/run-context";
import type { ClusterRow } from "@/lib/clusters/queries";
import { withNodeClient, type NodeConnection } from "@/lib/pg/connection";
import { parseLsn } from "@/lib/replication/lsn";
import { walFileForLsn } from "@/lib/wal/segments";
import type { PhysicalBackupRequest } from "@/lib/schemas/backup";
import { basebackupArgs } from "@/lib/tools/argv";
import { withNodeAccess } from "@/lib/tools/node-access";

// A physical backup (backup.run, kind physical): pg_basebackup into the partial folder, its tars
// hashed (or, encrypted at rest, sealed into <file>.age) while they are written, and done only
// once its last WAL segment is in the archive.

/** How long a physical backup waits for its last WAL segment to reach the archive. */
export const WAL_ARCHIVE_WAIT_MS = 60_000;
const SWITCH_WAL_AFTER_MS = 1_000;

/**
 * The tars pg_basebackup streams from the server (base and tablespaces, compressed or not) are
 * only ever appended to, so they can be hashed while written; pg_wal.tar is not (its member
 * headers are rewritten in place) and backup_manifest is renamed into place: those are read after.
 */
export const APPEND_ONLY_TAR = /^(base|\d+)\.tar(\.(gz|lz4|zst))?$/;

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

/**
 * The WAL segment names holding the backup's start and stop LSN on the backup's timeline, as
 * pg_walfile_name() names them (the segment before, for an LSN on a segment boundary). Computed
 * here: pg_walfile_name() refuses to run on a standby, and the node backed up may be one.
 */
function walNames(segmentSize: number, timeline: number, startLsn: string, stopLsn: string) {
  // pg_walfile_name's XLByteToPrevSeg: the byte before the LSN.
  const name = (lsn: string) => walFileForLsn(timeline, parseLsn(lsn) - 1n, segmentSize);
  return { startWal: name(startLsn), stopWal: name(stopLsn) };
}

/** A physical backup is restorable only once the WAL up to its stop point is in the archive. */
async function waitForArchivedWal(
  cluster: ClusterRow,
  primary: NodeConnection,
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
      // within moments; if not (a backup from a standby, say), the primary closes it so
      // archive_command runs (a standby cannot switch WAL).
      await withNodeClient(primary, (client) => client.query("/* walden */ select pg_switch_wal()"));
      switched = true;
    }
    if (waited > WAL_ARCHIVE_WAIT_MS) {
      throw new Error(
        `WAL segment ${stopWal} did not reach the archive (${cluster.archivePath}) within ${WAL_ARCHIVE_WAIT_MS / 1000} s: check archive_command on the primary ${primary.host}:${primary.port}`,
      );
    }
    // Often only a few ms to wait: poll fast at first, then gently.
    await new Promise((resolve) => setTimeout(resolve, waited < 2_000 ? 20 : 250));
  }
}

/**
 * pg_basebackup --verbose says this once its WAL streamer has exited and backup_manifest.tmp is
 * written; from then on it only fsyncs what it wrote and renames the manifest into place.
 */
const OUTPUT_WRITTEN = /syncing data to disk/;
const MANIFEST_TMP = "backup_manifest.tmp";

/**
 * The files the follower cannot hash while written (pg_wal.tar*, the manifest), hashed while
 * pg_basebackup syncs instead of after it exits. A file that changed or went while read is left
 * out (hashed after the exit); writeChecksums also reads again any whose size differs by then.
 */
async function hashWrittenFiles(dir: string, appendOnly: (name: string) => boolean) {
  const digests = new Map<string, KnownDigest>();
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile() || appendOnly(entry.name)) continue;
    const file = path.join(dir, entry.name);
    try {
      const before = await fs.stat(file);
      const sha256 = await sha256File(file);
      const after = await fs.stat(file);
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) continue;
      digests.set(entry.name === MANIFEST_TMP ? "backup_manifest" : entry.name, {
        sha256,
        bytes: after.size,
      });
    } catch {
      // Renamed or removed meanwhile (the manifest's rename): hashed after the exit instead.
    }
  }
  return digests;
}

/**
 * What follows pg_basebackup's output: the tars hashed while written, the rest once written,
 * into SHA256SUMS; encrypted at rest, every file sealed as well and its plaintext removed.
 * finish() returns the backup's checksum (of SHA256SUMS).
 */
function followOutput(dir: string, recipient: string | null, log: BackupLog) {
  const appendOnly = (name: string) => APPEND_ONLY_TAR.test(name);
  if (recipient) {
    const sealer = new SealingFollower(dir, recipient, appendOnly).start();
    return {
      // Run with --no-sync (the plaintext is removed once sealed): the line never comes.
      written: () => {},
      stop: () => sealer.stop(),
      finish: async () => {
        const { checksum, files } = await sealer.finish();
        log.add(`encrypted ${files} files at rest with age (<file>.age), plaintext removed`);
        return checksum;
      },
    };
  }
  const hasher = new AppendFollower(dir, appendOnly).start();
  let written: Promise<Map<string, KnownDigest>> | null = null;
  const writtenDigests = async () =>
    written ? written.catch(() => new Map<string, KnownDigest>()) : new Map();
  return {
    written: () => {
      written ??= hashWrittenFiles(dir, appendOnly);
    },
    stop: async () => {
      await writtenDigests();
      await hasher.stop();
    },
    // SHA256SUMS over the tar files (the manifest covers what is inside them): copies and
    // verification check the files as stored.
    finish: async () => {
      const known = new Map([...(await writtenDigests()), ...(await hasher.finish())]);
      return writeChecksums(dir, known);
    },
  };
}

/** The node pg_basebackup reads (the primary or a standby) and the primary that archives its WAL. */
export interface PhysicalSource {
  connection: NodeConnection;
  primary: NodeConnection;
}

export async function physicalBackup(
  backupId: string,
  cluster: ClusterRow,
  { connection, primary }: PhysicalSource,
  server: ServerFacts,
  request: PhysicalBackupRequest,
  paths: BackupPaths,
  log: BackupLog,
  onProgress: (percent: number) => void,
): Promise<BackupFacts> {
  const label = request.label ? `walden ${request.label}` : `walden ${backupId}`;
  const recipient = localEncryptionRecipient(cluster);
  const follower = followOutput(paths.partialDir, recipient, log);
  await withNodeAccess(connection, (access) =>
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
        // Encrypted at rest, the plaintext is removed once sealed and the .age files are fsynced
        // (sealTree): syncing it first would only write to disk what must not stay there.
        ...(recipient ? ["--no-sync"] : []),
      ],
      access,
      log,
      {
        waitingFor: `${connection.host}:${connection.port} to stream the base backup into ${paths.partialDir}`,
        progressProbe: () => basebackupActivity(connection, backupId),
      },
      (line) => {
        if (OUTPUT_WRITTEN.test(line)) follower.written();
        const percent = parseBasebackupProgress(line);
        if (percent !== null) onProgress(percent);
        return percent !== null;
      },
    ),
  ).catch(async (error: unknown) => {
    await follower.stop();
    throw error;
  });
  const manifest = await readManifest(paths.partialDir); // before an encrypted backup's plaintext goes
  // SHA256SUMS (and the sealing of what is left) while the stop WAL segment reaches the archive.
  const { startWal, stopWal } = walNames(
    server.walSegmentSize,
    manifest.timeline,
    manifest.startLsn,
    manifest.stopLsn,
  );
  const [checksum] = await bothOrThrow(follower.finish(), waitForArchivedWal(cluster, primary, stopWal, log));
  return {
    sizeBytes: await folderSize(paths.partialDir),
    checksum,
    ...(recipient ? { encryptionRecipient: recipient } : {}),
    startLsn: manifest.startLsn,
    stopLsn: manifest.stopLsn,
    timeline: manifest.timeline,
    startWal,
    stopWal,
  };
}
