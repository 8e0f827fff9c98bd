import { ensureDefaultRules } from "@/lib/alerts/rules";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { getActiveClusterRowOrThrow, getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { enqueue } from "@/lib/queue/boss";
import { jobSender } from "@/lib/queue/sender";
import {
  offsiteRepositorySchema,
  type OffsiteRepositorySettings,
  type RepositoryTestResult,
} from "@/lib/schemas/offsite";
import { getClusterRepositories } from "./queries";
import { getOffsiteSettings, toOffsiteRow } from "./stored-settings";
import { testRepository } from "./test-repository";

// PUT|DELETE /api/v1/clusters/:id/repositories/offsite and its "Test": the catalog only (and,
// for the test, the storage itself). Copies and WAL shipping are the worker's
// (lib/backup/offsite-copy.ts, lib/wal/offsite-ship.ts).

/**
 * The PUT body: the secret may be left out to keep the stored one, as long as it would sign
 * for the same storage and key (the same endpoint, bucket and access key ID).
 */
export const offsiteRepositoryUpdateSchema = offsiteRepositorySchema.extend({
  secretAccessKey: offsiteRepositorySchema.shape.secretAccessKey.optional(),
});

type OffsiteRepositoryUpdate = ReturnType<typeof offsiteRepositoryUpdateSchema.parse>;

async function withStoredSecret(
  clusterId: string,
  update: OffsiteRepositoryUpdate,
): Promise<OffsiteRepositorySettings> {
  if (update.secretAccessKey) return { ...update, secretAccessKey: update.secretAccessKey };
  const stored = await getOffsiteSettings(clusterId);
  const sameStorage =
    stored &&
    stored.endpoint === update.endpoint &&
    stored.bucket === update.bucket &&
    stored.accessKeyId === update.accessKeyId;
  if (!sameStorage) {
    throw new AppError(
      "unprocessable_entity",
      stored
        ? "give the secret access key again: the endpoint, bucket or access key ID changed"
        : "is required",
      { field: "secretAccessKey" },
    );
  }
  return { ...update, secretAccessKey: stored.secretAccessKey };
}

/** The settings for the audit log: every field but the secret. */
const withoutSecretKey = (settings: OffsiteRepositorySettings) =>
  Object.fromEntries(Object.entries(settings).filter(([field]) => field !== "secretAccessKey"));

/**
 * Backups taken before the repository was set (or whose copy job was lost) are copied too: one
 * offsite.copy per succeeded backup without an offsite copy row. The worker's copy is
 * idempotent, so a backup queued twice is copied once.
 */
async function queueMissingCopies(clusterId: string): Promise<number> {
  const backups = await db().backup.findMany({
    where: { clusterId, status: "succeeded", path: { not: null }, copies: { none: { repository: "s3" } } },
    select: { id: true },
    orderBy: { finishedAt: "desc" },
  });
  if (!backups.length) return 0;
  try {
    const boss = await jobSender();
    for (const backup of backups) await enqueue(boss, "offsite.copy", { backupId: backup.id });
  } catch (error) {
    // The settings are saved either way; the next backup is copied by the worker as usual.
    console.error(`[offsite] queueing copies of earlier backups of ${clusterId} failed:`, error);
    return 0;
  }
  return backups.length;
}

/** Sets the cluster's offsite repository (admin); the secret is stored encrypted and never returned. */
export async function setOffsiteRepository(
  actor: Actor,
  clusterId: string,
  update: OffsiteRepositoryUpdate,
  meta: RequestMeta,
) {
  await getActiveClusterRowOrThrow(clusterId);
  const settings = await withStoredSecret(clusterId, update);
  const row = toOffsiteRow(settings);
  const existed = await db().offsiteRepository.findUnique({
    where: { clusterId },
    select: { clusterId: true },
  });
  await db().offsiteRepository.upsert({ where: { clusterId }, create: { clusterId, ...row }, update: row });
  const queued = await queueMissingCopies(clusterId);
  // Clusters registered before the offsite lag rule existed gain it with their first repository.
  await ensureDefaultRules(clusterId);
  await audit(
    actor,
    {
      action: existed ? "offsite_repository.update" : "offsite_repository.create",
      outcome: "success",
      target: { type: "cluster", id: clusterId },
      details: {
        ...withoutSecretKey(settings),
        secretChanged: Boolean(update.secretAccessKey),
        copiesQueued: queued,
      },
    },
    meta,
  );
  return getClusterRepositories(clusterId);
}

/** Removes the cluster's offsite repository from the catalog (admin); the objects stay in the bucket. */
export async function deleteOffsiteRepository(actor: Actor, clusterId: string, meta: RequestMeta) {
  await getClusterRowOrThrow(clusterId);
  const removed = await db().offsiteRepository.deleteMany({ where: { clusterId } });
  if (!removed.count) throw new AppError("not_found", "This cluster has no offsite repository");
  await db().offsiteWalPosition.deleteMany({ where: { clusterId } });
  await audit(
    actor,
    { action: "offsite_repository.delete", outcome: "success", target: { type: "cluster", id: clusterId } },
    meta,
  );
  return getClusterRepositories(clusterId);
}

/** Which field to fix for a failed check, from the cause storage-errors.ts names. */
function fieldToFix(message: string): string {
  if (/SignatureDoesNotMatch|AccessDenied|Forbidden/.test(message)) return "secretAccessKey";
  if (/InvalidAccessKeyId/.test(message)) return "accessKeyId";
  if (/NoSuchBucket|^bucket \S+ does not exist/.test(message)) return "bucket";
  if (/another region/.test(message)) return "region";
  return "endpoint";
}

/**
 * "Test": writes, reads, lists and deletes a probe object with the settings given (the stored
 * secret when left out) or, without a body, the stored settings. Any failed check is a 422
 * that names it and the field to fix; every check is in details.checks.
 */
export async function testOffsiteRepository(
  actor: Actor,
  clusterId: string,
  update: OffsiteRepositoryUpdate | null,
  meta: RequestMeta,
): Promise<RepositoryTestResult> {
  await getClusterRowOrThrow(clusterId);
  const settings = update ? await withStoredSecret(clusterId, update) : await getOffsiteSettings(clusterId);
  if (!settings) {
    throw new AppError("unprocessable_entity", "This cluster has no offsite repository: give one to test", {
      field: "endpoint",
    });
  }
  const result = await testRepository(settings);
  const failed = result.checks.filter((check) => !check.ok);
  await audit(
    actor,
    {
      action: "offsite_repository.test",
      outcome: result.ok ? "success" : "failed",
      target: { type: "cluster", id: clusterId },
      details: { endpoint: settings.endpoint, bucket: settings.bucket, checks: result.checks },
    },
    meta,
  );
  if (!result.ok) {
    const first = failed[0]!;
    throw new AppError(
      "unprocessable_entity",
      `The offsite repository test failed: ${failed.map((check) => `${check.name}: ${check.message}`).join("; ")}`,
      { checks: result.checks, issues: [{ path: fieldToFix(first.message), message: first.message }] },
    );
  }
  return result;
}
