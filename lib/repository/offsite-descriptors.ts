import { existsSync } from "node:fs";
import path from "node:path";
import { db } from "@/lib/db";
import type { S3Repository } from "@/lib/offsite/s3-repository";
import { offsiteBackupPrefix, offsiteWalPrefix } from "@/lib/offsite/stored-settings";
import {
  BACKUP_DESCRIPTOR_FILE,
  copyDescriptorFor,
  REPOSITORY_DESCRIPTOR_FILE,
  repositoryDescriptorFor,
  serializeDescriptor,
} from "./descriptor";
import { BACKUP_ID_PATTERN } from "./found";
import { ensureLocalDescriptor } from "./local-descriptor";

// The descriptors of offsite copies: <cluster>/<backup id>/walden.json (as that copy stores its
// files) and <cluster>/walden-repository.json, plain JSON so a fresh Walden lists the copies
// without the age key. Put by the offsite copy after its files; copies made before descriptors
// existed get theirs at the cluster's next copy (describeEarlierCopies).

export interface DescribedBackup {
  id: string;
  path: string;
  checksum: string | null;
  clusterName: string;
}

/** The backup's descriptor (written locally first when missing) and, for a physical backup, the repository's. */
export async function putOffsiteDescriptors(
  repository: S3Repository,
  backup: DescribedBackup,
  encryptedTo: string | null | undefined,
): Promise<void> {
  const local = await ensureLocalDescriptor(backup);
  const copy = copyDescriptorFor(local, encryptedTo);
  await repository.putBytes(
    `${offsiteBackupPrefix(backup.clusterName, backup.id)}/${BACKUP_DESCRIPTOR_FILE}`,
    Buffer.from(serializeDescriptor(copy)),
  );
  if (copy.kind === "physical") {
    const described = repositoryDescriptorFor(copy, offsiteWalPrefix(backup.clusterName));
    await repository.putBytes(
      `${backup.clusterName}/${REPOSITORY_DESCRIPTOR_FILE}`,
      Buffer.from(serializeDescriptor(described)),
    );
  }
}

/**
 * Copies of the cluster's backups that are whole offsite (SHA256SUMS there) but have no
 * descriptor, described from the catalog when the backup's folder is still on disk; each copy's
 * encryption read from its SHA256SUMS object. Returns the backup ids described.
 */
export async function describeEarlierCopies(
  repository: S3Repository,
  cluster: { id: string; name: string },
  log: (line: string) => void,
): Promise<string[]> {
  const names = new Map<string, Set<string>>();
  for (const object of await repository.list(`${cluster.name}/`)) {
    const [backupId = "", file = ""] = object.key.slice(cluster.name.length + 1).split("/");
    if (!BACKUP_ID_PATTERN.test(backupId)) continue;
    names.set(backupId, (names.get(backupId) ?? new Set()).add(file));
  }
  const undescribed = [...names].filter(
    ([, files]) => files.has("SHA256SUMS") && !files.has(BACKUP_DESCRIPTOR_FILE),
  );
  if (!undescribed.length) return [];
  const backups = await db().backup.findMany({
    where: {
      id: { in: undescribed.map(([id]) => id) },
      clusterId: cluster.id,
      status: "succeeded",
      path: { not: null },
      copies: { some: { repository: "s3", status: "succeeded" } },
    },
    select: { id: true, path: true, checksum: true },
  });
  const described: string[] = [];
  for (const backup of backups) {
    if (!backup.path || !existsSync(path.join(backup.path, "SHA256SUMS"))) continue;
    try {
      const sums = await repository.head(`${offsiteBackupPrefix(cluster.name, backup.id)}/SHA256SUMS`);
      if (!sums || (backup.checksum && sums.plaintextSha256 !== backup.checksum)) continue;
      await putOffsiteDescriptors(
        repository,
        { ...backup, path: backup.path, clusterName: cluster.name },
        sums.encryption === "age" ? sums.ageRecipient : null,
      );
      described.push(backup.id);
    } catch (error) {
      log(`describing the earlier offsite copy of backup ${backup.id} failed: ${(error as Error).message}`);
    }
  }
  if (described.length) log(`described ${described.length} earlier offsite copies: ${described.join(", ")}`);
  return described;
}
