import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { nodeConnection } from "@/lib/clusters/test-connection";
import { withNodeClient } from "@/lib/pg/connection";

// pg_basebackup -X stream forks a child that streams WAL for the backup. When the worker that
// ran pg_basebackup is killed, pg_basebackup itself dies at its next write to the closed pipe,
// but that child does not notice: it keeps a walsender busy on the server and keeps appending
// WAL to the backup's pg_wal.tar for as long as the server runs. Each backup's sessions carry
// its id in application_name, so whoever reaps the backup, on any host, can end them from the
// server side; the child then exits on the lost connection.

/** The application_name of a backup's sessions on the node it reads: at most 63 bytes, no spaces (a conninfo value). */
export function backupApplicationName(backupId: string): string {
  return `walden-backup-${backupId}`;
}

/**
 * Ends the backup's sessions on every node that answers (the backup may have read a standby, and
 * the primary may have moved since); returns how many were ended.
 */
export async function endBackupSessions(clusterId: string, backupId: string): Promise<number> {
  const cluster = await getClusterRowOrThrow(clusterId);
  const ended = await Promise.all(
    cluster.nodes.map((node) =>
      withNodeClient(nodeConnection(node), async (client) => {
        const { rows } = await client.query<{ ended: boolean }>(
          "/* walden */ select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1",
          [backupApplicationName(backupId)],
        );
        return rows.filter((row) => row.ended).length;
      }).catch(() => 0),
    ),
  );
  return ended.reduce((sum, count) => sum + count, 0);
}
