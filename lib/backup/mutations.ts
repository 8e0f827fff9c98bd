import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { getBackupOrThrow } from "@/lib/backup/queries";
import { getActiveClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import { AppError } from "@/lib/errors";
import { enqueue } from "@/lib/queue/boss";
import { jobSender } from "@/lib/queue/sender";
import type { BackupRequest } from "@/lib/schemas/backup";

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
): Promise<{ id: string; status: "queued" }> {
  const backup = await getBackupOrThrow(backupId);
  if (backup.status !== "succeeded") {
    throw new AppError("conflict", `Only a succeeded backup can be verified; this one is ${backup.status}`);
  }
  await enqueue(await jobSender(), "backup.verify", { backupId });
  await audit(
    actor,
    { action: "backup.verify", outcome: "success", target: { type: "backup", id: backupId } },
    meta,
  );
  return { id: backupId, status: "queued" };
}
