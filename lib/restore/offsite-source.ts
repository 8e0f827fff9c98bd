import { db } from "@/lib/db";
import { readJson } from "@/lib/db/json";
import { AppError } from "@/lib/errors";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { getOffsiteSettings } from "@/lib/offsite/stored-settings";
import type { PitrRestoreRequest, RestoreSource } from "@/lib/schemas/restore";
import { plannedBackupSchema, restorePlanSchema, type RestorePlan } from "@/lib/schemas/restore-plan";
import { backupIdentity } from "@/lib/backup/at-rest-open";
import { localCopyIsWhole } from "@/lib/backup/local-copy";
import type { CopyKey } from "@/lib/offsite/restore-download";
import { planPitrRestore } from "./plan-service";

// A PITR restore from the offsite copy alone (issue 14): which copy a restore uses and the
// plan its steps follow. The downloads themselves are lib/offsite/restore-download.ts.

export type { RestoreSource };

/** A 422 on the request's `source` field. */
const sourceRefusal = (message: string) =>
  new AppError("unprocessable_entity", message, {
    issues: [{ path: "source", message: message.replace(/^source: /, "") }],
  });

export interface ChosenSource {
  source: RestoreSource;
  /** Why this copy, for the plan step's log. */
  reason: string;
}

/**
 * The copy a restore of `backupId` uses: the one asked for, else local when whole, else the
 * offsite copy when one succeeded. A 422 naming `source` when the asked (or any) copy is not there.
 */
export async function chooseRestoreSource(
  backup: { id: string; path: string | null },
  archivePath: string | null,
  asked: RestoreSource | undefined,
): Promise<ChosenSource> {
  const localWhole = localCopyIsWhole(backup.path, archivePath);
  const offsiteCopy = await db().backupCopy.findFirst({
    where: { backupId: backup.id, repository: "s3", status: "succeeded" },
    orderBy: { finishedAt: "desc" },
    select: { path: true },
  });
  const refuse = (message: string) => sourceRefusal(message);
  if (asked === "local") {
    if (!localWhole)
      throw refuse(
        `source: the local copy of backup ${backup.id} is not whole (no ${backup.path ?? "folder"}/SHA256SUMS or no archive folder ${archivePath ?? ""})`,
      );
    return { source: "local", reason: "asked for the local copy" };
  }
  if (asked === "offsite") {
    if (!offsiteCopy) throw refuse(`source: backup ${backup.id} has no succeeded offsite copy`);
    return { source: "offsite", reason: `asked for the offsite copy at ${offsiteCopy.path}` };
  }
  if (localWhole) return { source: "local", reason: "the local copy is whole" };
  if (offsiteCopy)
    return { source: "offsite", reason: `the local copy is gone; the offsite copy at ${offsiteCopy.path}` };
  throw refuse(`source: backup ${backup.id} has neither a whole local copy nor a succeeded offsite copy`);
}

/**
 * The key that opens the backup's offsite copy: for a backup encrypted at rest (copied as its
 * ciphertext) the request's identity or the one Walden holds (NoBackupKeyError, a 422 naming
 * identity, when neither opens it); else the request's, for a copy the offsite repository encrypted.
 */
export function offsiteCopyKey(
  backup: { id: string; encryptionRecipient: string | null },
  cluster: { localEncryptionIdentityEncrypted: string | null },
  sealedIdentity: string | undefined,
  givenIdentity: string | undefined,
): CopyKey | undefined {
  const whose = givenIdentity ? "the identity given" : "the key Walden holds";
  const atRest = backupIdentity(backup, cluster, sealedIdentity);
  if (atRest) return { identity: atRest, whose };
  return givenIdentity ? { identity: givenIdentity, whose } : undefined;
}

/** `work` with the cluster's offsite repository, closed after it however it ends. */
export async function withOffsiteSource<T>(
  clusterId: string,
  work: (repository: S3Repository) => Promise<T>,
): Promise<T> {
  const settings = await getOffsiteSettings(clusterId);
  if (!settings) throw sourceRefusal("source: the cluster has no offsite repository");
  const repository = new S3Repository(settings);
  try {
    return await work(repository);
  } finally {
    repository.close();
  }
}

export interface SourcedPlan {
  plan: RestorePlan;
  chosen: ChosenSource;
}

/**
 * The plan step's plan and copy. From the local copy the plan is made again (retention may have
 * removed the backup chosen at request time); from offsite (chosen at request time, or the
 * local copy gone since) the plan made at request time stands (its WAL range is what
 * fetchPlannedWal downloads).
 */
export async function planWithSource(request: PitrRestoreRequest, storedPlan: unknown): Promise<SourcedPlan> {
  const stored = restorePlanSchema.safeParse(storedPlan);
  // The backup chosen at request time; only its id is read, so a plan stored by an older version still reads.
  const backupId = readJson(plannedBackupSchema, storedPlan, "restore plan")?.backupId ?? request.backupId;
  const backup = backupId
    ? await db().backup.findUnique({ where: { id: backupId }, select: { id: true, path: true } })
    : null;
  const { archivePath } = await db().cluster.findUniqueOrThrow({
    where: { id: request.clusterId },
    select: { archivePath: true },
  });
  const asked =
    request.source ?? (stored.success && stored.data.source === "offsite" ? "offsite" : undefined);
  const early = backup ? await chooseRestoreSource(backup, archivePath, asked) : null;
  if (early?.source === "offsite" && stored.success) {
    const reason =
      stored.data.source === "offsite" ? (stored.data.sourceReason ?? early.reason) : early.reason;
    return { plan: stored.data, chosen: { source: "offsite", reason } };
  }
  const planned = await planPitrRestore({ ...request, backupId: backupId ?? undefined });
  if (!planned.ok) throw new Error(planned.message);
  const { source, sourceReason } = planned.plan;
  const chosen: ChosenSource = source
    ? { source, reason: sourceReason ?? "" }
    : (early ??
      (await chooseRestoreSource(
        await db().backup.findUniqueOrThrow({
          where: { id: planned.plan.backupId },
          select: { id: true, path: true },
        }),
        archivePath,
        request.source,
      )));
  return { plan: planned.plan, chosen };
}
