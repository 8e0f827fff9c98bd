import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import {
  compareWalNames,
  planRetention,
  type RestoreUse,
  toRetentionCandidate,
  verificationState,
} from "@/lib/backup/retention-plan";
import { db } from "@/lib/db";
import type { OffsiteRepositorySettings } from "@/lib/schemas/offsite";
import type { OffsiteRetentionPreview, RetentionTiers, WalPruningPreview } from "@/lib/schemas/retention";
import { describeRepository } from "./s3-client";
import { S3Repository, type StoredObject } from "./s3-repository";
import { offsiteBackupPrefix, offsiteWalPrefix } from "./stored-settings";

// The offsite repository's own retention (issue 14): its days and minimum backups (set with the
// repository) and the offsite tiers of the retention policy, planned by the same rules as the
// local repository's (lib/backup/retention-plan.ts: pinned backups, backups a restore uses, the
// newest verified-good one, the window's base, the tiers), over the backups that have a
// complete copy in this repository. A copy whose upload is not complete is neither counted nor
// deleted. Logical copies stay while inside the days, and the newest `minBackups` of them.
// Applying deletes each expired copy's objects (marking the copy "expired") and the offsite WAL
// older than the oldest kept physical copy's start; history files stay. Each deletion is audited.

export interface OffsiteRetentionInput {
  clusterId: string;
  clusterName: string;
  settings: OffsiteRepositorySettings;
  tiers: RetentionTiers;
  timeZone: string;
  uses: Map<string, RestoreUse[]>;
  now: Date;
}

export interface OffsiteRetentionPlan {
  preview: OffsiteRetentionPreview;
  /** The objects of each expired copy, by backup id, and the copy's id. */
  expiredObjects: Map<string, { copyId: string; keys: string[] }>;
  walKeys: string[];
}

/** Where offsite-copy.ts records a backup's copy in this repository (backup_copies.path). */
export function offsiteCopyLocation(
  settings: OffsiteRepositorySettings,
  clusterName: string,
  backupId: string,
) {
  const keyPrefix = offsiteBackupPrefix(clusterName, backupId);
  return describeRepository({
    ...settings,
    prefix: settings.prefix ? `${settings.prefix}/${keyPrefix}` : keyPrefix,
  });
}

const noWal = (skipped: string, keepFrom: string | null = null): WalPruningPreview => ({
  skipped,
  count: 0,
  bytes: 0,
  fromWal: null,
  toWal: null,
  keepFrom,
});

/** WAL file names a kept backup does not need: segments, partial and backup-history files before `keepFrom`. */
export function walBefore(objects: StoredObject[], walPrefix: string, keepFrom: string): StoredObject[] {
  const keepTimeline = parseInt(keepFrom.slice(0, 8), 16);
  return objects.filter((object) => {
    const name = object.key.slice(walPrefix.length + 1);
    if (!/^[0-9A-F]{24}(\.partial|\.[0-9A-F]{8}\.backup)?$/.test(name)) return false;
    return name.slice(8, 24) < keepFrom.slice(8) && parseInt(name.slice(0, 8), 16) <= keepTimeline;
  });
}

export async function planOffsiteRetention(input: OffsiteRetentionInput): Promise<OffsiteRetentionPlan> {
  const { settings, clusterName, now } = input;
  const retention = settings.retention;
  const preview: OffsiteRetentionPreview = {
    repository: describeRepository(settings),
    policy: { days: retention?.days ?? null, minBackups: retention?.minBackups ?? null, ...input.tiers },
    skipped: null,
    windowStart: null,
    keep: [],
    expire: [],
    wal: noWal("nothing is deleted offsite"),
    incompleteCopies: 0,
  };
  const plan: OffsiteRetentionPlan = { preview, expiredObjects: new Map(), walKeys: [] };
  const copies = await db().backupCopy.findMany({
    where: { repository: "s3", backup: { clusterId: input.clusterId } },
    include: { backup: true },
    orderBy: { createdAt: "asc" },
  });
  const here = copies.filter(
    (copy) => copy.path === offsiteCopyLocation(settings, clusterName, copy.backupId),
  );
  const complete = new Map(
    here.filter((copy) => copy.status === "succeeded").map((copy) => [copy.backupId, copy]),
  );
  preview.incompleteCopies = new Set(
    here
      .filter(
        (copy) => copy.status !== "succeeded" && copy.status !== "expired" && !complete.has(copy.backupId),
      )
      .map((copy) => copy.backupId),
  ).size;
  if (!retention) {
    preview.skipped =
      "the offsite repository has no retention of its own (days, minimum backups): every offsite copy and WAL is kept";
    preview.wal = noWal(preview.skipped);
    return plan;
  }

  const candidates = [...complete.values()].map(({ backup }) => toRetentionCandidate(backup, input.uses));
  const windowStart = new Date(now.getTime() - retention.days * 86_400_000);
  const logicalInWindow = candidates.filter(
    (backup) =>
      backup.kind === "logical" && backup.verification !== "failed" && backup.finishedAt >= windowStart,
  ).length;
  const decided = planRetention(
    {
      recoveryWindowDays: retention.days,
      minRedundancy: retention.minBackups,
      logicalKeep: Math.max(retention.minBackups, logicalInWindow),
      ...input.tiers,
    },
    candidates,
    now,
    input.timeZone,
  );
  // The policy's minimum of one keeps the newest restorable physical copy already; this says so
  // where it is decided, so no policy change can ever delete the newest verified copy.
  const newestVerified = [...complete.values()]
    .filter(
      ({ backup, verifiedAt }) =>
        backup.kind === "physical" && verifiedAt && verificationState(backup) !== "failed",
    )
    .sort((a, b) => (b.backup.finishedAt?.getTime() ?? 0) - (a.backup.finishedAt?.getTime() ?? 0))[0];
  const mistaken = decided.expire.find((decision) => decision.id === newestVerified?.backupId);
  if (mistaken) {
    decided.expire = decided.expire.filter((decision) => decision !== mistaken);
    decided.keep.unshift({ ...mistaken, reason: "the newest verified offsite copy", tiers: [] });
    if (
      newestVerified?.backup.startWal &&
      (!decided.oldestKeptStartWal ||
        compareWalNames(newestVerified.backup.startWal, decided.oldestKeptStartWal) < 0)
    )
      decided.oldestKeptStartWal = newestVerified.backup.startWal;
  }
  const finished = (id: string) => candidates.find((backup) => backup.id === id)!.finishedAt.toISOString();
  preview.windowStart = decided.windowStart;
  preview.keep = decided.keep.map((decision) => ({ ...decision, finishedAt: finished(decision.id) }));

  // Only now the storage: what each expired copy holds, and the WAL. Two tries per request: a
  // preview waits for a storage that is away no longer than it must.
  const repository = new S3Repository(settings, { maxAttempts: 2, connectionTimeoutMs: 5_000 });
  try {
    return await listPlanned(plan, decided, repository, clusterName, complete, finished);
  } catch (error) {
    const skipped = `the offsite repository could not be read (${error instanceof Error ? error.message : String(error)}); nothing is deleted offsite`;
    return {
      preview: { ...preview, skipped, expire: [], wal: noWal(skipped) },
      expiredObjects: new Map(),
      walKeys: [],
    };
  } finally {
    repository.close();
  }
}

/** Fills the plan with the objects of each expired copy and the prunable offsite WAL. */
async function listPlanned(
  plan: OffsiteRetentionPlan,
  decided: ReturnType<typeof planRetention>,
  repository: S3Repository,
  clusterName: string,
  complete: Map<string, { id: string }>,
  finished: (id: string) => string,
): Promise<OffsiteRetentionPlan> {
  const { preview } = plan;
  for (const decision of decided.expire) {
    const objects = await repository.list(`${offsiteBackupPrefix(clusterName, decision.id)}/`);
    plan.expiredObjects.set(decision.id, {
      copyId: complete.get(decision.id)!.id,
      keys: objects.map((object) => object.key),
    });
    preview.expire.push({
      ...decision,
      finishedAt: finished(decision.id),
      objects: objects.length,
      sizeBytes: objects.reduce((sum, object) => sum + object.sizeBytes, 0),
    });
  }
  const keepFrom = decided.oldestKeptStartWal;
  if (!keepFrom) {
    preview.wal = noWal("no physical backup is kept offsite, so all offsite WAL is kept");
  } else {
    const walPrefix = offsiteWalPrefix(clusterName);
    const prunable = walBefore(await repository.list(`${walPrefix}/`), walPrefix, keepFrom).sort((a, b) =>
      compareWalNames(a.key.slice(walPrefix.length + 1), b.key.slice(walPrefix.length + 1)),
    );
    plan.walKeys = prunable.map((object) => object.key);
    const name = (object: StoredObject | undefined) =>
      object ? object.key.slice(walPrefix.length + 1) : null;
    preview.wal = {
      skipped: null,
      count: prunable.length,
      bytes: prunable.reduce((sum, object) => sum + object.sizeBytes, 0),
      fromWal: name(prunable[0]),
      toWal: name(prunable.at(-1)),
      keepFrom,
    };
  }
  return plan;
}

/**
 * Deletes what the plan lists, auditing each copy and the WAL range. `stillUsed(id)` is asked
 * again just before a copy goes: a restore queued since the plan keeps it (and then the WAL too).
 */
export async function applyOffsiteRetention(
  actor: Actor,
  input: { clusterId: string; settings: OffsiteRepositorySettings },
  plan: OffsiteRetentionPlan,
  stillUsed: (backupId: string) => Promise<boolean>,
  meta: RequestMeta,
): Promise<OffsiteRetentionPreview> {
  const { preview } = plan;
  if (preview.skipped) return preview;
  const repository = new S3Repository(input.settings);
  const nowUsed: string[] = [];
  const failures: string[] = [];
  try {
    for (const decision of preview.expire) {
      if (await stillUsed(decision.id)) {
        nowUsed.push(decision.id);
        continue;
      }
      const { copyId, keys } = plan.expiredObjects.get(decision.id)!;
      const removed = await repository.remove(keys);
      if (removed.failed.length) {
        failures.push(decision.id);
        continue;
      }
      await db().backupCopy.update({ where: { id: copyId }, data: { status: "expired" } });
      await audit(
        actor,
        {
          action: "backup.offsite_expire",
          outcome: "success",
          target: { type: "backup", id: decision.id },
          details: {
            reason: decision.reason,
            kind: decision.kind,
            repository: preview.repository,
            objects: keys.length,
            bytes: decision.sizeBytes,
          },
        },
        meta,
      );
    }
    const kept = [...nowUsed, ...failures];
    if (kept.length) {
      const skipped = `offsite copies of ${kept.join(", ")} were kept (${nowUsed.length ? "used by a restore since the plan" : "not all their objects could be deleted"}); offsite WAL is pruned next time`;
      return {
        ...preview,
        expire: preview.expire.filter((decision) => !kept.includes(decision.id)),
        wal: { ...noWal(skipped, preview.wal.keepFrom) },
      };
    }
    if (plan.walKeys.length) {
      const removed = await repository.remove(plan.walKeys);
      await audit(
        actor,
        {
          action: "wal.offsite_prune",
          outcome: removed.failed.length ? "failed" : "success",
          target: { type: "cluster", id: input.clusterId },
          details: {
            repository: preview.repository,
            count: removed.removed.length,
            from: preview.wal.fromWal,
            to: preview.wal.toWal,
            bytes: preview.wal.bytes,
            ...(removed.failed.length ? { failed: removed.failed.length } : {}),
          },
        },
        meta,
      );
    }
  } finally {
    repository.close();
  }
  return preview;
}
