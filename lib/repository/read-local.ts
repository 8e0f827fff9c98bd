import fs from "node:fs/promises";
import path from "node:path";
import { sha256File } from "@/lib/backup/checksum";
import { backupPaths, folderSize } from "@/lib/backup/repository";
import { AppError } from "@/lib/errors";
import { parseRepositoryDescriptor, REPOSITORY_DESCRIPTOR_FILE } from "./descriptor";
import { BACKUP_ID_PATTERN, type FoundBackup, type FoundRepository } from "./found";
import { readLocalBackupDescriptor } from "./local-descriptor";

// The local repository as a fresh catalog finds it: <root>/<cluster>/<backup id>/walden.json,
// each checked against the backup's SHA256SUMS (whose SHA-256 the descriptor names), and the
// cluster's walden-repository.json. Only reads; nothing here writes.

async function readBackup(folder: string, backupId: string): Promise<FoundBackup> {
  const found: FoundBackup = { backupId, descriptor: null, problem: null, sizeBytes: null, location: folder };
  const parsed = await readLocalBackupDescriptor(folder);
  if (!parsed) return { ...found, problem: "no walden.json descriptor in its folder" };
  if (!parsed.ok) return { ...found, problem: `its walden.json ${parsed.problem}` };
  const sums = await sha256File(path.join(folder, "SHA256SUMS")).catch(() => null);
  if (sums === null) return { ...found, problem: "its SHA256SUMS is missing: the folder is not whole" };
  if (sums !== parsed.descriptor.checksums.sha256)
    return { ...found, problem: "its SHA256SUMS differs from the one its descriptor names" };
  return { ...found, descriptor: parsed.descriptor, sizeBytes: await folderSize(folder) };
}

export async function readLocalRepository(root: string, clusterName: string): Promise<FoundRepository> {
  const { clusterDir } = backupPaths(root, clusterName, "00000000-0000-0000-0000-000000000000");
  const names = await fs.readdir(clusterDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT")
      throw new AppError(
        "unprocessable_entity",
        `Found no folder ${clusterDir}: the local repository keeps a cluster's backups under its name. Is the cluster named as it was, and its repository path the old one?`,
        { field: "repository" },
      );
    throw error;
  });
  const backups: FoundBackup[] = [];
  for (const name of names.filter((entry) => BACKUP_ID_PATTERN.test(entry)).sort())
    backups.push(await readBackup(path.join(clusterDir, name), name));
  const repositoryText = await fs
    .readFile(path.join(clusterDir, REPOSITORY_DESCRIPTOR_FILE), "utf8")
    .catch(() => null);
  const repository = repositoryText === null ? null : parseRepositoryDescriptor(repositoryText);
  return {
    repository: "local",
    location: clusterDir,
    descriptor: repository?.ok ? repository.descriptor : null,
    backups,
    wal: null,
  };
}
