import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { getBackupOrThrow, type BackupDetail } from "@/lib/backup/queries";
import { removeUnderRoot, repositoryRootFor } from "@/lib/backup/repository";
import { getActiveClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import { appError } from "@/lib/errors";
import { enqueue } from "@/lib/queue/boss";
import { jobSender } from "@/lib/queue/sender";
import type { BackupRequest } from "@/lib/schemas/backup";
import type { RestoreSource } from "@/lib/schemas/restore";
import { sealIdentity } from "@/lib/restore/identity";

/**
 * Catalogs the backup as queued and hands it to the worker (backup.run). Options that depend on
 * the worker's tools (pg_dump < 16 compresses only with gzip) are checked there: the web app
 * never runs a PostgreSQL program.
 */
export async function requestBackup(
  actor: Actor,
  request: BackupRequest,
  meta: RequestMeta,
): Promise<{ id: string; status: "queued" }> {
  await getActiveClusterRowOrThrow(request.clusterId);
  const backup = await db().backup.create({
    data: {
      clusterId: request.clusterId,
      kind: request.kind,
      label: request.label ?? null,
      options: toJson(request),
      requestedBy: actor.label,
      database: request.kind === "logical" ? (request.database ?? null) : null,
    },
  });
  await enqueue(await jobSender(), "backup.run", { backupId: backup.id });
  await audit(
    actor,
    {
      action: "backup.request",
      outcome: "success",
      target: { type: "backup", id: backup.id },
      details: { request },
    },
    meta,
  );
  return { id: backup.id, status: "queued" };
}

/** Queues backup.verify for a succeeded backup; anything else cannot be verified (409). */
export async function requestVerification(
  actor: Actor,
  backupId: string,
  meta: RequestMeta,
  options: { source?: RestoreSource; identity?: string } = {},
): Promise<{ id: string; status: "queued" }> {
  const backup = await getBackupOrThrow(backupId);
  // The key of a backup encrypted at rest rides sealed in the job (lib/restore/identity.ts).
  const identity = options.identity ? sealIdentity(options.identity) : undefined;
  if (backup.status !== "succeeded") {
    throw appError("conflict", "backups.verifyNotSucceeded", { status: backup.status });
  }
  if (options.source === "offsite") {
    const copy = await db().backupCopy.findFirst({
      where: { backupId, repository: "s3", status: "succeeded" },
      select: { id: true },
    });
    if (!copy)
      throw appError(
        "unprocessable_entity",
        "backups.noOffsiteCopy",
        {},
        { issues: [{ path: "source", message: "no finished offsite copy: verify the local copy" }] },
      );
  }
  await enqueue(await jobSender(), "backup.verify", {
    backupId,
    source: options.source,
    ...(identity ? { identity } : {}),
  });
  await audit(
    actor,
    {
      action: "backup.verify",
      outcome: "success",
      target: { type: "backup", id: backupId },
      details: options.source ? { source: options.source } : undefined,
    },
    meta,
  );
  return { id: backupId, status: "queued" };
}

/** PATCH /api/v1/backups/:id: pinning is all that changes (a pinned backup is never expired or deleted). */
export const backupPatchSchema = z.strictObject({
  pinned: z.boolean({ error: "pinned must be true or false" }),
});

/** Pins or unpins a backup; only a succeeded one can be pinned (nothing else can be restored). */
export async function setBackupPinned(
  actor: Actor,
  backupId: string,
  pinned: boolean,
  meta: RequestMeta,
): Promise<BackupDetail> {
  const backup = await getBackupOrThrow(backupId);
  if (pinned && backup.status !== "succeeded")
    throw appError("conflict", "backups.pinNotSucceeded", { status: backup.status });
  await db().backup.update({ where: { id: backupId }, data: { pinned } });
  await audit(
    actor,
    {
      action: pinned ? "backup.pin" : "backup.unpin",
      outcome: "success",
      target: { type: "backup", id: backupId },
      details: { clusterId: backup.clusterId, kind: backup.kind, label: backup.label },
    },
    meta,
  );
  return getBackupOrThrow(backupId);
}

/** What a person types to delete a backup: its label, or the first 8 characters of its id without one. */
export function backupConfirmationName(backup: { id: string; label: string | null }): string {
  return backup.label ?? backup.id.slice(0, 8);
}

export interface BackupDeletion {
  id: string;
  status: "expired";
  /** Folders removed: the backup's own, then its copies in the second local repository. */
  removed: string[];
  /** Offsite copies stay: the offsite repository's own retention removes them. */
  offsiteCopiesKept: number;
}

/** A verification that heartbeated this recently is still reading the backup's files. */
const VERIFY_ALIVE_MS = 2 * 60_000;

/**
 * DELETE /api/v1/backups/:id?confirm=<label>: removes a succeeded backup's files (its folder and
 * local second copies) and keeps its row as evidence, marked expired as retention does. A pinned
 * backup, one a restore is using and one being verified or copied are refused, saying why.
 */
export async function deleteBackup(
  actor: Actor,
  backupId: string,
  confirm: string | null,
  meta: RequestMeta,
): Promise<BackupDeletion> {
  await getBackupOrThrow(backupId);
  const backup = await db().backup.findUniqueOrThrow({
    where: { id: backupId },
    include: { cluster: true, copies: true },
  });
  const name = backupConfirmationName(backup);
  if (confirm !== name) {
    await audit(
      actor,
      {
        action: "backup.delete",
        outcome: "denied",
        target: { type: "backup", id: backupId },
        details: { reason: "confirmation did not match" },
      },
      meta,
    );
    throw appError(
      "unprocessable_entity",
      "backups.typeNameToConfirm",
      { name },
      { issues: [{ path: "confirm", message: `type ${name} to confirm` }] },
    );
  }
  if (backup.pinned)
    throw appError(
      "unprocessable_entity",
      "backups.pinned",
      { name },
      { issues: [{ path: "pinned", message: "a pinned backup cannot be deleted" }] },
    );
  if (backup.status !== "succeeded")
    throw appError(
      "conflict",
      backup.status === "queued" || backup.status === "running"
        ? "backups.stillRunning"
        : "backups.noFilesLeft",
      { name, status: backup.status },
    );
  const usedBy = await db().restore.findFirst({
    where: { backupId, status: { in: ["queued", "running"] } },
    select: { id: true },
  });
  if (usedBy) throw appError("conflict", "backups.usedByRestore", { restore: usedBy.id, name });
  const verifying =
    backup.verifyWorkerId !== null &&
    (backup.verifyHeartbeatAt?.getTime() ?? 0) > Date.now() - VERIFY_ALIVE_MS;
  if (verifying || backup.copies.some((copy) => copy.status === "running"))
    throw appError("conflict", verifying ? "backups.beingVerified" : "backups.beingCopied", { name });

  // Claim first, so a pin or a restore asked meanwhile cannot pick a backup whose files are going.
  const claimed = await db().backup.updateMany({
    where: { id: backupId, status: "succeeded", pinned: false },
    data: { status: "expired", path: null },
  });
  if (claimed.count === 0) throw appError("conflict", "backups.changedMeanwhile", { name });

  const removed: string[] = [];
  const localCopies = backup.copies.filter((copy) => !copy.offsite && copy.status === "succeeded");
  try {
    for (const copy of localCopies) {
      if (!backup.cluster.secondaryRepositoryPath) continue;
      await removeUnderRoot(backup.cluster.secondaryRepositoryPath, copy.path);
      await db().backupCopy.update({ where: { id: copy.id }, data: { status: "expired" } });
      removed.push(copy.path);
    }
    if (backup.path) {
      await removeUnderRoot(repositoryRootFor(backup.cluster), backup.path);
      removed.push(backup.path);
    }
  } catch (error) {
    // The folder is still there (whole or in part): the row keeps pointing at it, and says so.
    await db().backup.update({
      where: { id: backupId },
      data: { status: "failed", path: backup.path, error: `deletion stopped: ${(error as Error).message}` },
    });
    await audit(
      actor,
      {
        action: "backup.delete",
        outcome: "failed",
        target: { type: "backup", id: backupId },
        details: { removed, error: (error as Error).message },
      },
      meta,
    );
    throw error;
  }
  const offsiteCopiesKept = backup.copies.filter(
    (copy) => copy.offsite && copy.status === "succeeded",
  ).length;
  await audit(
    actor,
    {
      action: "backup.delete",
      outcome: "success",
      target: { type: "backup", id: backupId },
      details: {
        clusterId: backup.clusterId,
        kind: backup.kind,
        label: backup.label,
        removed,
        offsiteCopiesKept,
      },
    },
    meta,
  );
  return { id: backupId, status: "expired", removed, offsiteCopiesKept };
}
