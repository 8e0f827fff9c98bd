import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import { localCopyIsWhole } from "@/lib/backup/local-copy";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { AgeKeyError, identityOpens, keyFingerprint, recipientsOf } from "@/lib/offsite/age";
import {
  computeOffsiteWindow,
  EncryptedWithoutIdentityError,
  withOffsiteWalFolder,
} from "@/lib/offsite/offsite-wal-window";
import { listOffsiteWal } from "@/lib/offsite/offsite-wal-listing";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { getOffsiteSettings, offsiteBackupPrefix } from "@/lib/offsite/stored-settings";
import type { OffsiteRepositorySettings } from "@/lib/schemas/offsite";
import type { PitrRestoreRequest, RestoreSource } from "@/lib/schemas/restore";
import type { FieldRefusal, PlanAnswer } from "@/lib/schemas/restore-plan";
import type { RestoreWindow } from "@/lib/schemas/restore-window";
import { scanArchive } from "@/lib/wal/archive";
import { getRestoreWindow } from "@/lib/wal/restore-window";
import { openIdentity } from "./identity";
import { offsiteWalIdentity } from "./offsite-wal-identity";
import { planRestore, type PlanResult, type TargetRecord } from "./planner";
import { findTargetRecord, type SearchableWal } from "./target-record";

// Worker side of planning (restore.plan, and again when a restore starts): which copy the
// restore reads, a fresh window from it (the local archive, or the offsite copy's WAL listing
// once the archive is gone or when asked), the WAL record of an xid or name target, the stored
// backup sizes, then the pure planner. A copy that is not there, or an encrypted one without
// the identity that opens it, is refused naming the request's field before anything starts.

export type { PlanAnswer };
export type SourcedPlanResult = PlanResult | FieldRefusal;

/** How many offsite segments an xid or name search downloads at most (1 GiB at the default size). */
const MAX_OFFSITE_SEARCH_SEGMENTS = 64;

export async function answerPlanRequest(request: PitrRestoreRequest): Promise<PlanAnswer> {
  try {
    return await planPitrRestore(request);
  } catch (error) {
    return { ok: false, reason: "unavailable", message: (error as Error).message };
  }
}

export const refuseField = (field: FieldRefusal["field"], message: string): FieldRefusal => ({
  ok: false,
  reason: "bad_field",
  field,
  message: `${field}: ${message}`,
});

function withSource(result: PlanResult, source: RestoreSource, reason: string): PlanResult {
  if (!result.ok) return result;
  return { ok: true, plan: { ...result.plan, source, sourceReason: reason } };
}

/**
 * The plan and the copy it reads: the one asked for; else local when its archive is on disk and
 * the chosen backup's folder is whole; else (or when the local window cannot reach the target)
 * the offsite copy.
 */
export async function planPitrRestore(request: PitrRestoreRequest): Promise<SourcedPlanResult> {
  const cluster = await getClusterRowOrThrow(request.clusterId);
  const settings = await getOffsiteSettings(cluster.id);
  const archiveOnDisk = !!cluster.archivePath && existsSync(cluster.archivePath);
  if (request.source === "offsite" && !settings)
    return refuseField("source", "the cluster has no offsite repository: leave it empty or choose local");
  if (request.source === "local" && cluster.archivePath && !archiveOnDisk)
    return refuseField(
      "source",
      `the local WAL archive folder ${cluster.archivePath} is not on disk${settings ? ": choose the offsite copy" : ""}`,
    );

  let local: PlanResult | null = null;
  if (request.source !== "offsite" && (archiveOnDisk || !settings)) {
    local = await planOver(cluster.id, await getRestoreWindow(cluster.id), request, () =>
      cluster.archivePath ? scanArchive(cluster.archivePath) : Promise.resolve(null),
    );
    if (local.ok) {
      const backup = await db().backup.findUniqueOrThrow({
        where: { id: local.plan.backupId },
        select: { path: true },
      });
      if (localCopyIsWhole(backup.path, cluster.archivePath))
        return withSource(
          local,
          "local",
          request.source === "local" ? "asked for the local copy" : "the local copy is whole",
        );
      if (request.source === "local" || !settings)
        return refuseField(
          "source",
          `the local copy of backup ${local.plan.backupId} is not whole (no ${backup.path ?? "folder"}/SHA256SUMS)${settings ? ": choose the offsite copy" : ""}`,
        );
    } else if (request.source === "local" || !settings) return local;
  }
  const reason =
    request.source === "offsite"
      ? "asked for the offsite copy"
      : !archiveOnDisk
        ? `the local archive folder ${cluster.archivePath ?? "(none)"} is gone`
        : local?.ok
          ? `the local copy of backup ${local.plan.backupId} is gone`
          : "the local copy cannot reach the target";
  let offsite: SourcedPlanResult;
  try {
    offsite = await planFromOffsite(cluster, settings!, request, reason);
  } catch (error) {
    // The offsite copy was only a second chance: the local refusal says what a person can do.
    if (local) return local;
    throw error;
  }
  // Both refused (the target, or the offsite copy's identity): the local window's reason is the
  // one a person expects when the local copy is there.
  if (local && !local.ok && !offsite.ok) return local;
  return offsite;
}

/** The planner over `window`; an xid or name target is first found in the WAL `searchable` gives. */
async function planOver(
  clusterId: string,
  window: RestoreWindow,
  request: PitrRestoreRequest,
  searchable: () => Promise<SearchableWal | null>,
): Promise<PlanResult> {
  let record: TargetRecord | null | undefined;
  const warnings: string[] = [];
  if (request.target.type === "xid" || request.target.type === "name") {
    const wal = await searchable();
    if (wal) {
      const search = await findTargetRecord(wal, request.target);
      record = search.record;
      if (search.capped)
        warnings.push(
          `Only the newest ${search.segmentsRead} archived segments were searched for the ${request.target.type}.`,
        );
    }
  }
  const backups = await db().backup.findMany({
    where: { clusterId, kind: "physical", status: { in: ["succeeded", "expired"] } },
    select: { id: true, sizeBytes: true },
  });
  const result = planRestore({
    window,
    target: request.target,
    backupId: request.backupId,
    timeline: request.timeline,
    record: record ?? null,
    backupBytes: new Map(backups.map((b) => [b.id, Number(b.sizeBytes ?? 0)])),
    segmentSize: window.archive?.segmentSize ?? 16 * 1024 * 1024,
  });
  if (result.ok)
    result.plan.warnings.push(...warnings, ...window.problems.filter((p) => /gap|missing/i.test(p)));
  return result;
}

/** An identity none of whose keys opens copies encrypted to `recipient`: the refusal, else null. */
function identityMismatch(identity: string, recipient: string, what: string): FieldRefusal | null {
  if (identityOpens(identity, recipient)) return null;
  const given = recipientsOf(identity);
  if (given.length === 1)
    return refuseField(
      "identity",
      `it does not open ${what}: its public key's fingerprint is ${keyFingerprint(identity)}, the copy is encrypted to ${keyFingerprint(recipient)}`,
    );
  return refuseField(
    "identity",
    `none of its ${given.length} keys opens ${what}: their public keys' fingerprints are ${given.map(keyFingerprint).join(", ")}, the copy is encrypted to ${keyFingerprint(recipient)}; add that key's AGE-SECRET-KEY-1… line to the identity`,
  );
}

async function planFromOffsite(
  cluster: { id: string; name: string; localEncryptionIdentityEncrypted: string | null },
  settings: OffsiteRepositorySettings,
  request: PitrRestoreRequest,
  reason: string,
): Promise<SourcedPlanResult> {
  const identity = openIdentity(request.identity);
  const recipient = settings.encryption?.enabled ? settings.encryption.recipient : undefined;
  if (settings.encryption?.enabled && !identity)
    return refuseField(
      "identity",
      `the offsite copies are encrypted${recipient ? ` to the key with fingerprint ${keyFingerprint(recipient)}` : ""}: give the age identity (AGE-SECRET-KEY-1…) that opens them`,
    );
  if (identity && recipient) {
    const mismatch = identityMismatch(identity, recipient, "the offsite repository's copies");
    if (mismatch) return mismatch;
  }
  const repository = new S3Repository(settings);
  try {
    // With the local key Walden holds too: segments sealed at rest are under it, not the repository's.
    const walIdentity = identity ? offsiteWalIdentity(identity, cluster) : undefined;
    return await withOffsiteWalFolder(repository, cluster, walIdentity, async (folder) => {
      const listing = await listOffsiteWal(repository, cluster.name);
      const window = await computeOffsiteWindow(cluster, repository, folder, { listing });
      const result = await planOver(cluster.id, window, request, async () => {
        await fs.mkdir(folder.dir, { recursive: true, mode: 0o700 });
        return {
          root: await fs.realpath(folder.dir),
          segments: listing.segments,
          segmentSize: listing.segmentSize,
          fetch: (segment) => folder.fetch(segment),
          maxSegments: MAX_OFFSITE_SEARCH_SEGMENTS,
        };
      });
      if (!result.ok) return result;
      // The chosen backup's list of files says whether its copy is whole and which key opens it.
      const sums = await repository.head(
        `${offsiteBackupPrefix(cluster.name, result.plan.backupId)}/SHA256SUMS`,
      );
      if (!sums)
        return refuseField(
          "source",
          `the offsite copy of backup ${result.plan.backupId} has no SHA256SUMS in ${repository.description}`,
        );
      if (sums.encryption === "age") {
        if (!identity)
          return refuseField(
            "identity",
            "the offsite copy of the backup is encrypted: give the age identity (AGE-SECRET-KEY-1…) that opens it",
          );
        const mismatch = sums.ageRecipient
          ? identityMismatch(
              identity,
              sums.ageRecipient,
              `the offsite copy of backup ${result.plan.backupId}`,
            )
          : null;
        if (mismatch) return mismatch;
      }
      return withSource(result, "offsite", reason);
    });
  } catch (error) {
    if (error instanceof AgeKeyError || error instanceof EncryptedWithoutIdentityError)
      return refuseField("identity", error.message);
    throw error;
  } finally {
    repository.close();
  }
}
