import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { verificationState } from "@/lib/backup/retention-plan";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import { AppError, appError } from "@/lib/errors";
import { askWorker } from "@/lib/queue/ask";
import { enqueue } from "@/lib/queue/boss";
import { jobSender } from "@/lib/queue/sender";
import type { PitrRestoreRequest, RestoreRequest } from "@/lib/schemas/restore";
import { assertBackupOpenable } from "@/lib/backup/at-rest-open";
import { sealIdentity, wipeRestoreIdentity, withoutIdentity } from "./identity";
import { maxRunningInstances } from "./instance-settings";
import { instanceName, restoredTableName } from "./names";
import type { RestorePlan } from "./planner";
import { getRestoreRowOrThrow } from "./queries";

// Starting, cancelling and tearing down restores (operator). A pitr target is planned by the
// worker (it reads WAL) before anything is stored: a target it cannot reach is a 422 with the
// window in details, and nothing starts.

/** The request with its age identity (if any) checked and sealed: the only form that goes further. */
function sealRequest(request: PitrRestoreRequest): PitrRestoreRequest {
  return request.identity ? { ...request, identity: sealIdentity(request.identity) } : request;
}

/** POST /api/v1/restores/preview: the plan for a request as typed (its identity sealed first). */
export function previewRestore(request: PitrRestoreRequest): Promise<RestorePlan> {
  return planRequest(sealRequest(request));
}

/** Asks the worker for a plan; a refusal becomes the 422 a form shows under the field it is about. */
async function planRequest(request: PitrRestoreRequest): Promise<RestorePlan> {
  await getClusterRowOrThrow(request.clusterId);
  const answer = await askWorker("restore.plan", { request });
  if (!answer.ok && answer.reason === "unavailable") {
    throw appError("upstream_unavailable", "restore.planUnavailable", { reason: answer.message });
  }
  if (!answer.ok && answer.reason === "bad_field") {
    throw new AppError("unprocessable_entity", answer.message, {
      issues: [{ path: answer.field, message: answer.message.replace(`${answer.field}: `, "") }],
    });
  }
  if (!answer.ok) {
    throw new AppError(
      "unprocessable_entity",
      answer.message,
      {
        reason: answer.reason,
        window: answer.window,
        issues: [{ path: "target.value", message: answer.message }],
      },
      answer.localized,
    );
  }
  return answer.plan;
}

async function assertInstanceCapacity(): Promise<void> {
  const max = maxRunningInstances();
  const busy = await db().restore.count({
    where: { kind: "pitr", OR: [{ status: { in: ["queued", "running"] } }, { instanceState: "running" }] },
  });
  if (busy >= max) {
    throw appError("conflict", "restore.tooManyInstances", { busy, max });
  }
}

const otherClusterMessage = {
  backup: "restore.backupOfOtherCluster",
  "restored instance": "restore.instanceOfOtherCluster",
  restore: "restore.restoreOfOtherCluster",
} as const;

/**
 * Ids in a request must belong to the request's cluster: a backup or restore of another cluster
 * (one the caller may not even be looking at) is a 422 on that field, never restored across.
 */
function assertSameCluster(
  row: { clusterId: string },
  request: { clusterId: string },
  field: string,
  what: keyof typeof otherClusterMessage,
) {
  if (row.clusterId !== request.clusterId)
    throw appError(
      "unprocessable_entity",
      otherClusterMessage[what],
      { field },
      { issues: [{ path: field, message: `belongs to another cluster than clusterId` }] },
    );
}

async function checkLogical(request: Extract<RestoreRequest, { kind: "logical" }>): Promise<void> {
  const backup = await db().backup.findUnique({ where: { id: request.backupId } });
  if (backup) assertSameCluster(backup, request, "backupId", "backup");
  if (!backup || backup.kind !== "logical" || backup.status !== "succeeded")
    throw appError(
      "unprocessable_entity",
      "restore.notLogicalBackup",
      {},
      { issues: [{ path: "backupId", message: "must be a succeeded logical backup" }] },
    );
  if (verificationState(backup) === "failed")
    throw appError(
      "unprocessable_entity",
      "restore.verificationFailed",
      { id: backup.id, at: backup.verifiedAt!.toISOString() },
      { issues: [{ path: "backupId", message: "its verification failed" }] },
    );
  // Encrypted at rest: only the key Walden holds opens it (a logical request carries none).
  await assertBackupOpenable(backup.id, undefined);
  if (request.intoRestoreId) {
    const into = await getRestoreRowOrThrow(request.intoRestoreId);
    assertSameCluster(into, request, "intoRestoreId", "restored instance");
    if (into.kind !== "pitr" || into.status !== "succeeded" || into.instanceState !== "running")
      throw appError(
        "unprocessable_entity",
        "restore.notRunningInstance",
        {},
        { issues: [{ path: "intoRestoreId", message: "must be a running restored instance" }] },
      );
  }
}

async function checkTable(
  request: Extract<RestoreRequest, { kind: "table" }>,
): Promise<Extract<RestoreRequest, { kind: "table" }>> {
  const source = await getRestoreRowOrThrow(request.sourceRestoreId);
  assertSameCluster(source, request, "sourceRestoreId", "restore");
  const usable =
    source.status === "succeeded" &&
    (source.kind === "logical" || (source.kind === "pitr" && source.instanceState === "running"));
  if (!usable)
    throw appError(
      "unprocessable_entity",
      "restore.notUsableSource",
      {},
      { issues: [{ path: "sourceRestoreId", message: "is not a usable source" }] },
    );
  const newName = request.newName ?? restoredTableName(request.table.split(".")[1]!, new Date());
  if (request.confirm !== newName) {
    throw appError(
      "unprocessable_entity",
      "restore.typeTableName",
      { name: newName },
      { newName, issues: [{ path: "confirm", message: `type ${newName} to confirm` }] },
    );
  }
  return { ...request, newName };
}

export async function requestRestore(
  actor: Actor,
  input: RestoreRequest,
  meta: RequestMeta,
  purpose: "restore" | "drill" = "restore",
): Promise<{ id: string; status: "queued"; plan: RestorePlan | null }> {
  await getClusterRowOrThrow(input.clusterId);
  let request = input;
  let plan: RestorePlan | null = null;
  if (request.kind === "pitr") {
    request = sealRequest(request);
    await assertInstanceCapacity();
    plan = await planRequest(request);
    // A backup encrypted at rest needs a key, from either copy (offsite holds its ciphertext):
    // the request's, or the one Walden holds.
    await assertBackupOpenable(plan.backupId, request.identity);
  } else if (request.kind === "logical") {
    await checkLogical(request);
  } else {
    request = await checkTable(request);
  }
  const restore = await db().restore.create({
    data: {
      clusterId: request.clusterId,
      kind: request.kind,
      purpose,
      request: toJson(request),
      plan: plan ? toJson(plan) : undefined,
      backupId: plan?.backupId ?? (request.kind === "logical" ? request.backupId : null),
      sourceRestoreId: request.kind === "table" ? request.sourceRestoreId : null,
      requestedBy: actor.label,
    },
  });
  await enqueue(await jobSender(), "restore.run", { restoreId: restore.id });
  await audit(
    actor,
    {
      action: purpose === "drill" ? "drill.request" : "restore.request",
      outcome: "success",
      target: { type: "restore", id: restore.id },
      details: {
        request: request.kind === "pitr" ? withoutIdentity(request) : request,
        plan: plan && {
          backupId: plan.backupId,
          target: plan.target,
          timeline: plan.timeline,
          source: plan.source,
        },
      },
    },
    meta,
  );
  return { id: restore.id, status: "queued", plan };
}

/** Cancels a queued restore at once; asks the worker to stop a running one (202 either way). */
export async function cancelRestore(
  actor: Actor,
  id: string,
  meta: RequestMeta,
): Promise<{ id: string; status: string }> {
  const row = await getRestoreRowOrThrow(id);
  let status: string = row.status;
  if (row.status === "queued") {
    const cancelled = await db().restore.updateMany({
      where: { id, status: "queued" },
      data: { status: "cancelled", cancelRequestedAt: new Date(), finishedAt: new Date() },
    });
    status = cancelled.count ? "cancelled" : "running";
    if (cancelled.count) await wipeRestoreIdentity(id);
  }
  if (status === "running") {
    await db().restore.update({ where: { id }, data: { cancelRequestedAt: new Date() } });
    status = "cancelling";
  } else if (status !== "cancelled") {
    throw appError("conflict", "restore.notCancellable", { status: row.status });
  }
  await audit(actor, { action: "restore.cancel", outcome: "success", target: { type: "restore", id } }, meta);
  return { id, status };
}

/** Tears down a restored instance now; the instance's name must be typed to confirm. */
export async function tearDownRestore(
  actor: Actor,
  id: string,
  confirm: string | undefined,
  meta: RequestMeta,
): Promise<{ id: string; status: "tearing down" }> {
  const row = await getRestoreRowOrThrow(id);
  if (row.kind !== "pitr" || !row.instanceState || row.instanceState === "removed")
    throw appError("conflict", "restore.noInstance");
  if (row.status === "queued" || row.status === "running") throw appError("conflict", "restore.stillRunning");
  const name = instanceName(id);
  if (confirm !== name)
    throw appError(
      "unprocessable_entity",
      "restore.typeInstanceName",
      { name },
      { issues: [{ path: "confirm", message: `type ${name} to confirm` }] },
    );
  await db().restore.update({ where: { id }, data: { expiresAt: new Date() } });
  await enqueue(await jobSender(), "restore.sweep", {});
  await audit(
    actor,
    { action: "restore.teardown", outcome: "success", target: { type: "restore", id } },
    meta,
  );
  return { id, status: "tearing down" };
}
