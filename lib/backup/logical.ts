import path from "node:path";
import { sealFolder } from "@/lib/backup/at-rest-seal";
import { writeChecksums } from "@/lib/backup/checksum";
import { folderSize, type BackupPaths } from "@/lib/backup/repository";
import { bothOrThrow, runOrThrow, type BackupFacts, type BackupLog } from "@/lib/backup/run-context";
import type { NodeConnection } from "@/lib/pg/connection";
import type { LogicalBackupRequest } from "@/lib/schemas/backup";
import { dumpallGlobalsArgs, pgDumpArgs, restoreListArgs } from "@/lib/tools/argv";
import { toolVersionNum } from "@/lib/tools/binaries";
import { withNodeAccess } from "@/lib/tools/node-access";

// A logical backup (backup.run, kind logical): pg_dump of one database and pg_dumpall's roles and
// tablespaces beside it (run at once), kept only if pg_restore can list the dump.

export async function logicalBackup(
  connection: NodeConnection,
  request: LogicalBackupRequest,
  paths: BackupPaths,
  log: BackupLog,
  /** The age recipient to encrypt the files to at rest (the cluster's local encryption), if any. */
  encryptTo: string | null = null,
): Promise<BackupFacts> {
  const database = request.database ?? connection.database;
  const dumpPath = path.join(paths.partialDir, request.format === "directory" ? "dump" : "dump.pgdump");
  // The roles and tablespaces are read beside the dump, not after it: neither waits for the other.
  await withNodeAccess(connection, (access) =>
    bothOrThrow(
      runOrThrow(
        "pg_dump",
        pgDumpArgs({
          connection,
          database,
          target: dumpPath,
          request,
          pgDumpVersionNum: toolVersionNum("pg_dump"),
        }),
        access,
        log,
        { waitingFor: `${connection.host}:${connection.port} to dump database ${database} into ${dumpPath}` },
      ),
      runOrThrow(
        "pg_dumpall",
        dumpallGlobalsArgs({ connection, database, target: path.join(paths.partialDir, "globals.sql") }),
        access,
        log,
        { waitingFor: `${connection.host}:${connection.port} to dump roles and tablespaces` },
      ),
    ),
  );
  // A dump pg_restore cannot list is not a backup.
  const listDump = () =>
    runOrThrow(
      "pg_restore",
      restoreListArgs(dumpPath),
      undefined,
      log,
      { waitingFor: `reading the dump's table of contents in ${dumpPath}` },
      () => true,
    );
  let checksum: string;
  if (encryptTo) {
    // Listed before it is sealed: the plaintext is gone afterwards. Each file is read once,
    // hashed (SHA256SUMS) as it is sealed (<file>.age).
    await listDump();
    const sealed = await sealFolder(paths.partialDir, encryptTo);
    log.add(`encrypted ${sealed.files} files at rest with age (<file>.age), plaintext removed`);
    checksum = sealed.checksum;
  } else {
    [, checksum] = await bothOrThrow(listDump(), writeChecksums(paths.partialDir));
  }
  return {
    sizeBytes: await folderSize(paths.partialDir),
    checksum,
    database,
    ...(encryptTo ? { encryptionRecipient: encryptTo } : {}),
  };
}
