import { AppError } from "@/lib/errors";
import { describeRepository } from "@/lib/offsite/s3-client";
import { S3Repository, type StoredObject } from "@/lib/offsite/s3-repository";
import { offsiteWalPrefix } from "@/lib/offsite/stored-settings";
import { StorageError } from "@/lib/offsite/storage-errors";
import type { OffsiteRepositorySettings } from "@/lib/schemas/offsite";
import {
  BACKUP_DESCRIPTOR_FILE,
  parseBackupDescriptor,
  parseRepositoryDescriptor,
  REPOSITORY_DESCRIPTOR_FILE,
} from "./descriptor";
import { BACKUP_ID_PATTERN, type FoundBackup, type FoundRepository } from "./found";
import { offsiteCopyLocation } from "./offsite-location";

// The offsite repository as a fresh catalog finds it: one listing of <prefix>/<cluster>/, each
// backup's walden.json (plain JSON, read without the age key) checked against its SHA-256 and
// its SHA256SUMS object's (the plaintext's SHA-256 in the object's metadata), the cluster's
// walden-repository.json, and the extent of the shipped WAL. Only reads.

const SEGMENT = /^[0-9A-F]{24}$/;
/** WAL order: by position in the WAL stream, then timeline. */
const walOrder = (a: string, b: string) =>
  a.slice(8).localeCompare(b.slice(8)) || a.slice(0, 8).localeCompare(b.slice(0, 8));

async function readBackup(
  repository: S3Repository,
  clusterName: string,
  backupId: string,
  objects: StoredObject[],
): Promise<FoundBackup> {
  const found: FoundBackup = {
    backupId,
    descriptor: null,
    problem: null,
    sizeBytes: objects.reduce((sum, object) => sum + object.sizeBytes, 0),
    location: offsiteCopyLocation(repository.settings, clusterName, backupId),
  };
  const keyPrefix = `${clusterName}/${backupId}`;
  const names = new Set(objects.map((object) => object.key.slice(keyPrefix.length + 1)));
  if (!names.has(BACKUP_DESCRIPTOR_FILE))
    return {
      ...found,
      problem: names.has("SHA256SUMS")
        ? "no walden.json descriptor: copied before copies described themselves (copy it again from the Walden that took it)"
        : "an incomplete copy (no SHA256SUMS and no descriptor)",
    };
  let text: string;
  try {
    text = (await repository.getBytes(`${keyPrefix}/${BACKUP_DESCRIPTOR_FILE}`))?.toString("utf8") ?? "";
  } catch (error) {
    if (error instanceof StorageError && error.code === "ChecksumMismatch")
      return { ...found, problem: `its walden.json ${error.message}` };
    throw error;
  }
  const parsed = parseBackupDescriptor(text);
  if (!parsed.ok) return { ...found, problem: `its walden.json ${parsed.problem}` };
  const sums = await repository.head(`${keyPrefix}/SHA256SUMS`);
  if (!sums) return { ...found, problem: "its SHA256SUMS is missing: the copy is not whole" };
  if (sums.plaintextSha256 !== parsed.descriptor.checksums.sha256)
    return { ...found, problem: "its SHA256SUMS differs from the one its descriptor names" };
  return { ...found, descriptor: parsed.descriptor };
}

/** A storage failure as an answer: 503 when waiting may cure it, else 422 naming the cause. */
function storageRefusal(error: StorageError, where: string): AppError {
  return error.retryable
    ? new AppError("upstream_unavailable", `Could not read ${where}: ${error.message}`)
    : new AppError("unprocessable_entity", `Could not read ${where}: ${error.message}`, {
        field: "repository",
      });
}

export async function readOffsiteRepository(
  settings: OffsiteRepositorySettings,
  clusterName: string,
): Promise<FoundRepository> {
  const repository = new S3Repository(settings);
  const location = describeRepository({
    ...settings,
    prefix: settings.prefix ? `${settings.prefix}/${clusterName}` : clusterName,
  });
  try {
    const objects = await repository.list(`${clusterName}/`);
    if (!objects.length)
      throw new AppError(
        "unprocessable_entity",
        `Found nothing under ${location}: the offsite repository keeps a cluster's backups under its name. Are the bucket and prefix right, and is the cluster named as it was?`,
        { field: "repository" },
      );
    const byBackup = new Map<string, StoredObject[]>();
    const wal: string[] = [];
    const walPrefix = `${offsiteWalPrefix(clusterName)}/`;
    for (const object of objects) {
      if (object.key.startsWith(walPrefix)) {
        const name = object.key.slice(walPrefix.length);
        if (SEGMENT.test(name)) wal.push(name);
        continue;
      }
      const backupId = object.key.slice(clusterName.length + 1).split("/")[0] ?? "";
      if (!BACKUP_ID_PATTERN.test(backupId)) continue;
      byBackup.set(backupId, [...(byBackup.get(backupId) ?? []), object]);
    }
    const backups: FoundBackup[] = [];
    for (const [backupId, backupObjects] of [...byBackup].sort(([a], [b]) => a.localeCompare(b)))
      backups.push(await readBackup(repository, clusterName, backupId, backupObjects));
    const repositoryText = await repository.getBytes(`${clusterName}/${REPOSITORY_DESCRIPTOR_FILE}`);
    const described = repositoryText ? parseRepositoryDescriptor(repositoryText.toString("utf8")) : null;
    wal.sort(walOrder);
    return {
      repository: "offsite",
      location,
      descriptor: described?.ok ? described.descriptor : null,
      backups,
      wal: { firstWal: wal[0] ?? null, lastWal: wal.at(-1) ?? null, segments: wal.length },
    };
  } catch (error) {
    throw error instanceof StorageError ? storageRefusal(error, location) : error;
  } finally {
    repository.close();
  }
}
