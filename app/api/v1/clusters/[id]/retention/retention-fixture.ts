import fs from "node:fs/promises";
import path from "node:path";
import { backupPaths, repositoryRoot } from "@/lib/backup/repository";
import { db } from "@/lib/db";

// A cluster, WAL archive and repository the retention pg tests beside this file lay out
// themselves, so each knows exactly which backups and WAL files exist.

export const walName = (segno: number) =>
  `00000001000000000000${segno.toString(16).toUpperCase().padStart(4, "0")}`;

/** A cluster whose archive (inside WALDEN_HOME) holds WAL segments 1 to `segments`. */
export async function makeRetentionCluster(home: string, name: string, segments: number) {
  const archive = path.join(home, "archive", name);
  const cluster = await db().cluster.create({
    data: { name, archiveMode: "archive_command", archivePath: archive },
  });
  await fs.mkdir(archive, { recursive: true });
  for (let segno = 1; segno <= segments; segno += 1)
    await fs.writeFile(path.join(archive, walName(segno)), "x".repeat(100));
  return {
    clusterId: cluster.id,
    archive,
    async remove() {
      await db().cluster.delete({ where: { id: cluster.id } });
      await fs.rm(archive, { recursive: true, force: true });
      await fs.rm(path.join(repositoryRoot(), name), { recursive: true, force: true });
    },
  };
}

/** A succeeded physical backup with its folder in the repository; returns its id. */
export async function addPhysicalBackup(
  cluster: { clusterId: string; name: string },
  backup: { finishedAt: Date; startSegment: number; verificationFailed?: boolean },
): Promise<string> {
  const row = await db().backup.create({
    data: {
      clusterId: cluster.clusterId,
      kind: "physical",
      status: "succeeded",
      options: {},
      requestedBy: "test",
      startedAt: new Date(backup.finishedAt.getTime() - 60_000),
      finishedAt: backup.finishedAt,
      startWal: walName(backup.startSegment),
      stopWal: walName(backup.startSegment),
      sizeBytes: 1000n,
      ...(backup.verificationFailed ? { verified: false, verifiedAt: backup.finishedAt } : {}),
    },
  });
  const dir = backupPaths(repositoryRoot(), cluster.name, row.id).finalDir;
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, "base.tar"), "data");
  await db().backup.update({ where: { id: row.id }, data: { path: dir } });
  return row.id;
}
