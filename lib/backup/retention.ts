import fs from "node:fs/promises";
import path from "node:path";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { NO_TIERS } from "@/lib/backup/gfs";
import { assertUnderRoot, removeUnderRoot, repositoryRootFor } from "@/lib/backup/repository";
import {
  planRetention,
  type RestoreUse,
  type RetentionPolicyInput,
  toRetentionCandidate,
  verificationState,
} from "@/lib/backup/retention-plan";
import { getActiveClusterRowOrThrow, getClusterRowOrThrow } from "@/lib/clusters/queries";
import { applyOffsiteRetention, planOffsiteRetention } from "@/lib/offsite/retention";
import { getOffsiteSettings } from "@/lib/offsite/stored-settings";
import { db } from "@/lib/db";
import { readJson } from "@/lib/db/json";
import { env } from "@/lib/env";
import { appError } from "@/lib/errors";
import { plannedBackupSchema } from "@/lib/schemas/restore-plan";
import type { RetentionPolicy, RetentionPolicyUpdate, RetentionPreview } from "@/lib/schemas/retention";
import { parseWalFileName } from "@/lib/wal/segments";
import { walNameOf } from "@/lib/wal/sealed-names";

// Retention preview (dry run) and apply. Expired backups keep their catalog row (status
// "expired", for the report) but lose their files; archived WAL older than the oldest kept
// restorable physical backup's start is deleted too. Backups that queued or running restores
// and drills use are kept, with their WAL. Every deletion is audited. The offsite repository's
// own retention (lib/offsite/retention.ts) is previewed and applied beside the local one.

export const DEFAULT_RETENTION: RetentionPolicyInput = {
  recoveryWindowDays: 7,
  minRedundancy: 2,
  logicalKeep: 7,
  ...NO_TIERS,
};

export async function getRetentionPolicy(
  clusterId: string,
): Promise<RetentionPolicy & { isDefault: boolean }> {
  const row = await db().retentionPolicy.findUnique({ where: { clusterId } });
  return row
    ? {
        recoveryWindowDays: row.recoveryWindowDays,
        minRedundancy: row.minRedundancy,
        logicalKeep: row.logicalKeep,
        keepDaily: row.keepDaily,
        keepWeekly: row.keepWeekly,
        keepMonthly: row.keepMonthly,
        keepYearly: row.keepYearly,
        offsiteTiers: {
          keepDaily: row.offsiteKeepDaily,
          keepWeekly: row.offsiteKeepWeekly,
          keepMonthly: row.offsiteKeepMonthly,
          keepYearly: row.offsiteKeepYearly,
        },
        isDefault: false,
      }
    : { ...DEFAULT_RETENTION, offsiteTiers: { ...NO_TIERS }, isDefault: true };
}

/** The policy of a registered cluster: a 404 for an unknown one, its defaults when none is set. */
export async function getRetentionPolicyOrThrow(
  clusterId: string,
): Promise<RetentionPolicy & { isDefault: boolean }> {
  await getClusterRowOrThrow(clusterId);
  return getRetentionPolicy(clusterId);
}

export async function setRetentionPolicy(
  actor: Actor,
  clusterId: string,
  { offsiteTiers, ...policy }: RetentionPolicyUpdate,
  meta: RequestMeta,
) {
  await getClusterRowOrThrow(clusterId);
  // Offsite tiers left out keep their stored values.
  const offsite = offsiteTiers
    ? {
        offsiteKeepDaily: offsiteTiers.keepDaily,
        offsiteKeepWeekly: offsiteTiers.keepWeekly,
        offsiteKeepMonthly: offsiteTiers.keepMonthly,
        offsiteKeepYearly: offsiteTiers.keepYearly,
      }
    : {};
  await db().retentionPolicy.upsert({
    where: { clusterId },
    create: { clusterId, ...policy, ...offsite },
    update: { ...policy, ...offsite },
  });
  await audit(
    actor,
    {
      action: "retention.update",
      outcome: "success",
      target: { type: "cluster", id: clusterId },
      details: { policy: { ...policy, ...(offsiteTiers ? { offsiteTiers } : {}) } },
    },
    meta,
  );
  return getRetentionPolicy(clusterId);
}

interface WalPruning {
  /** Why no WAL is pruned, when none is. */
  skipped: string | null;
  files: string[];
  bytes: number;
  keepFrom: string | null;
}

/** Archived WAL before the oldest kept backup's start: only in an archive inside WALDEN_HOME, which Walden owns. */
async function walToPrune(archivePath: string | null, keepFromWal: string | null): Promise<WalPruning> {
  const none = (skipped: string): WalPruning => ({ skipped, files: [], bytes: 0, keepFrom: keepFromWal });
  if (!archivePath) return none("the cluster has no WAL archive");
  if (!keepFromWal) return none("no physical backup is kept, so all archived WAL is kept");
  try {
    await assertUnderRoot(env().waldenHome, archivePath);
  } catch {
    return none(
      `the archive (${archivePath}) is outside WALDEN_HOME; Walden does not delete files it does not own`,
    );
  }
  const keepFrom = parseWalFileName(keepFromWal);
  if (keepFrom.kind !== "segment") return none(`unexpected WAL name ${keepFromWal}`);
  const files: string[] = [];
  let bytes = 0;
  for (const name of (await fs.readdir(archivePath)).sort()) {
    // A segment sealed at rest goes with its facts file (lib/wal/sealed-names.ts).
    const parsed = parseWalFileName(walNameOf(name));
    if (
      (parsed.kind === "segment" || parsed.kind === "partial" || parsed.kind === "backup") &&
      parsed.segno < keepFrom.segno &&
      parsed.timeline <= keepFrom.timeline
    ) {
      files.push(name);
      bytes += (await fs.stat(path.join(archivePath, name))).size;
    }
  }
  return { skipped: null, files, bytes, keepFrom: keepFromWal };
}

/** The queued and running restores and drills of a cluster, by the backup each one uses. */
async function restoreUses(clusterId: string, backupId?: string): Promise<Map<string, RestoreUse[]>> {
  const active = await db().restore.findMany({
    where: { clusterId, status: { in: ["queued", "running"] } },
    select: { id: true, status: true, purpose: true, backupId: true, plan: true },
    orderBy: { createdAt: "asc" },
  });
  const uses = new Map<string, RestoreUse[]>();
  for (const restore of active) {
    const planned = readJson(plannedBackupSchema, restore.plan, "restore plan")?.backupId;
    const ids = new Set([restore.backupId, planned ?? null]);
    for (const id of ids) {
      if (!id || (backupId && id !== backupId)) continue;
      uses.set(id, [
        ...(uses.get(id) ?? []),
        { restoreId: restore.id, status: restore.status, purpose: restore.purpose },
      ]);
    }
  }
  return uses;
}

/**
 * The calendar the tiers follow: the time zone of the cluster's physical backup schedule (its
 * "nightly" is that zone's night), UTC when it has none.
 */
async function tierTimeZone(clusterId: string): Promise<string> {
  const schedule = await db().backupSchedule.findFirst({
    where: { clusterId, kind: "physical" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { timezone: true },
  });
  return schedule?.timezone || "UTC";
}

async function computeRetention(clusterId: string, now: Date) {
  const cluster = await getClusterRowOrThrow(clusterId);
  const policy = await getRetentionPolicy(clusterId);
  const timeZone = await tierTimeZone(clusterId);
  const succeeded = await db().backup.findMany({
    where: { clusterId, status: "succeeded" },
    orderBy: { finishedAt: "desc" },
  });
  const uses = await restoreUses(clusterId);
  const plan = planRetention(
    policy,
    succeeded.map((backup) => toRetentionCandidate(backup, uses)),
    now,
    timeZone,
  );
  const wal = await walToPrune(cluster.archivePath, plan.oldestKeptStartWal);
  const byId = new Map(succeeded.map((backup) => [backup.id, backup]));
  const finished = (id: string) => (byId.get(id)!.finishedAt ?? byId.get(id)!.createdAt).toISOString();
  const oldestPhysical = (ids: string[]) =>
    succeeded
      .filter(
        (backup) =>
          backup.kind === "physical" && ids.includes(backup.id) && verificationState(backup) !== "failed",
      )
      .at(-1)
      ?.finishedAt?.toISOString() ?? null;
  const preview: RetentionPreview = {
    policy,
    windowStart: plan.windowStart,
    tierTimeZone: timeZone,
    keep: plan.keep.map((decision) => ({ ...decision, finishedAt: finished(decision.id) })),
    expire: plan.expire.map((decision) => {
      const size = byId.get(decision.id)!.sizeBytes;
      return {
        ...decision,
        finishedAt: finished(decision.id),
        sizeBytes: size === null ? null : Number(size),
      };
    }),
    wal: {
      skipped: wal.skipped,
      count: wal.files.length,
      bytes: wal.bytes,
      fromWal: wal.files[0] ?? null,
      toWal: wal.files.at(-1) ?? null,
      keepFrom: wal.keepFrom,
    },
    earliestRestorable: {
      before: oldestPhysical(succeeded.map((backup) => backup.id)),
      after: oldestPhysical(plan.keep.map((decision) => decision.id)),
    },
    offsite: null,
  };
  const settings = await getOffsiteSettings(clusterId);
  const offsite = settings
    ? {
        settings,
        plan: await planOffsiteRetention({
          clusterId,
          clusterName: cluster.name,
          settings,
          tiers: policy.offsiteTiers,
          timeZone,
          uses,
          now,
        }),
      }
    : null;
  preview.offsite = offsite?.plan.preview ?? null;
  return { cluster, preview, walFiles: wal.files, byId, offsite };
}

/** Dry run: what apply would delete now, and how the restorable window would change. */
export async function previewRetention(clusterId: string, now = new Date()): Promise<RetentionPreview> {
  return (await computeRetention(clusterId, now)).preview;
}

/** Deletes what the preview lists, auditing each backup and the WAL range. */
export async function applyRetention(
  actor: Actor,
  clusterId: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<RetentionPreview> {
  const { cluster, preview, walFiles, byId, offsite } = await computeRetention(clusterId, now);
  const local = await applyLocalRetention(actor, clusterId, meta, { cluster, preview, walFiles, byId });
  if (!offsite) return local;
  const stillUsed = async (backupId: string) => (await restoreUses(clusterId, backupId)).size > 0;
  return {
    ...local,
    offsite: await applyOffsiteRetention(actor, { clusterId, ...offsite }, offsite.plan, stillUsed, meta),
  };
}

/** The local repository's part: the expired backups' folders, then the archived WAL. */
async function applyLocalRetention(
  actor: Actor,
  clusterId: string,
  meta: RequestMeta,
  { cluster, preview, walFiles, byId }: Omit<Awaited<ReturnType<typeof computeRetention>>, "offsite">,
): Promise<RetentionPreview> {
  const root = repositoryRootFor(cluster);
  const nowUsed: string[] = [];
  for (const decision of preview.expire) {
    const backup = byId.get(decision.id)!;
    // A restore queued since the plan was computed keeps its backup (and, below, its WAL).
    if ((await restoreUses(clusterId, backup.id)).size > 0) {
      nowUsed.push(backup.id);
      continue;
    }
    if (backup.path) await removeUnderRoot(root, backup.path);
    await db().backup.update({ where: { id: backup.id }, data: { status: "expired", path: null } });
    await audit(
      actor,
      {
        action: "backup.expire",
        outcome: "success",
        target: { type: "backup", id: backup.id },
        details: { reason: decision.reason, kind: backup.kind },
      },
      meta,
    );
  }
  if (nowUsed.length) {
    const skipped = `backups ${nowUsed.join(", ")} became used by a restore while retention ran; WAL is pruned next time`;
    return {
      ...preview,
      expire: preview.expire.filter((decision) => !nowUsed.includes(decision.id)),
      wal: { ...preview.wal, skipped, count: 0, bytes: 0, fromWal: null, toWal: null },
    };
  }
  if (walFiles.length && cluster.archivePath) {
    for (const name of walFiles)
      await removeUnderRoot(env().waldenHome, path.join(cluster.archivePath, name));
    await audit(
      actor,
      {
        action: "wal.prune",
        outcome: "success",
        target: { type: "cluster", id: clusterId },
        details: { count: walFiles.length, from: walFiles[0], to: walFiles.at(-1), bytes: preview.wal.bytes },
      },
      meta,
    );
  }
  return preview;
}

/**
 * Applies retention by hand: the cluster's name must be typed to confirm. Each deletion is
 * audited by applyRetention; this also records who ran it, even when nothing was due.
 */
export async function confirmAndApplyRetention(
  actor: Actor,
  clusterId: string,
  confirm: string | null,
  meta: RequestMeta,
): Promise<RetentionPreview> {
  const cluster = await getActiveClusterRowOrThrow(clusterId);
  if (confirm !== cluster.name) {
    throw appError(
      "unprocessable_entity",
      "schedules.deleteNeedsConfirm",
      { name: cluster.name },
      { field: "confirm" },
    );
  }
  const result = await applyRetention(actor, clusterId, meta);
  await audit(
    actor,
    {
      action: "retention.apply",
      outcome: "success",
      target: { type: "cluster", id: cluster.id },
      details: {
        expired: result.expire.length,
        walFiles: result.wal.count,
        ...(result.offsite
          ? { offsiteExpired: result.offsite.expire.length, offsiteWalFiles: result.offsite.wal.count }
          : {}),
      },
    },
    meta,
  );
  return result;
}
