import { keptByTiers } from "@/lib/backup/gfs";
import type { RetentionDecision, RetentionKeepDecision, RetentionPolicyInput } from "@/lib/schemas/retention";

// Which backups a retention policy keeps, and why (pure; lib/backup/retention.ts applies it).
// Barman's semantics: a recovery window of N days keeps every physical backup finished inside
// the window plus the newest one finished before it (the base for restoring to the window's
// start); a minimum redundancy keeps the M newest physical backups whatever their age; logical
// backups keep the K newest; pinned backups are never expired. Grandfather-father-son tiers
// (lib/backup/gfs.ts) keep, beside all that, the newest physical backup of each of the last N
// days, weeks, months and years; a backup any rule keeps is kept, with its WAL.
//
// Safety on top of the policy: a backup whose verification failed is not restorable, so it
// counts towards nothing and is never the base of the window; the newest verified-good
// physical backup is kept whatever the policy says; a backup a queued or running restore (or
// drill) uses is kept, and so is the WAL from its start on.

export type { RetentionDecision, RetentionKeepDecision, RetentionPolicyInput };

/** "failed": verified and it failed; "unverified": not verified yet (still restorable). */
export type VerificationState = "good" | "failed" | "unverified";

/** Verified and failed; a backup not verified yet stays restorable. */
export function verificationState(backup: { verified: boolean; verifiedAt: Date | null }): VerificationState {
  return backup.verified ? "good" : backup.verifiedAt ? "failed" : "unverified";
}

/** A queued or running restore or drill that needs a backup. */
export interface RestoreUse {
  restoreId: string;
  status: string;
  purpose: string;
}

export interface RetentionCandidate {
  id: string;
  kind: "physical" | "logical";
  finishedAt: Date;
  pinned: boolean;
  startWal: string | null;
  verification: VerificationState;
  /** When its verification failed, for the reason shown. */
  verifiedAt?: Date | null;
  usedBy: RestoreUse[];
}

/** A catalog backup as a retention candidate, with the restores that use it. */
export function toRetentionCandidate(
  backup: {
    id: string;
    kind: "physical" | "logical";
    finishedAt: Date | null;
    createdAt: Date;
    pinned: boolean;
    startWal: string | null;
    verified: boolean;
    verifiedAt: Date | null;
  },
  uses: Map<string, RestoreUse[]>,
): RetentionCandidate {
  return {
    id: backup.id,
    kind: backup.kind,
    finishedAt: backup.finishedAt ?? backup.createdAt,
    pinned: backup.pinned,
    startWal: backup.startWal,
    verification: verificationState(backup),
    verifiedAt: backup.verifiedAt,
    usedBy: uses.get(backup.id) ?? [],
  };
}

export interface RetentionPlan {
  keep: RetentionKeepDecision[];
  expire: RetentionDecision[];
  /**
   * The earliest start WAL of a kept physical backup that can be restored (or is pinned, or is
   * used by a restore): archived WAL before it is no longer needed.
   */
  oldestKeptStartWal: string | null;
  windowStart: string;
}

/** Orders WAL file names by position (log and segment), then timeline; any segment size. */
export function compareWalNames(a: string, b: string): number {
  return a.slice(8).localeCompare(b.slice(8)) || a.slice(0, 8).localeCompare(b.slice(0, 8));
}

function describeUse(use: RestoreUse): string {
  return `used by ${use.purpose === "drill" ? "drill" : "restore"} ${use.restoreId} (${use.status})`;
}

/** A reason's words for the page (messages findings.retention.<code>): the English stays in `reason`. */
type Coded = Pick<RetentionDecision, "reasonCode" | "reasonParams">;
const coded = (reasonCode: string, reasonParams: Record<string, string | number> = {}): Coded => ({
  reasonCode,
  reasonParams,
});

/** The first use names the restore; a second one is rare (a drill and a restore at once). */
function usedByCode(uses: RestoreUse[]): Coded {
  const [use] = uses;
  return coded("keep.usedBy", {
    purpose: use!.purpose === "drill" ? "drill" : "restore",
    restoreId: use!.restoreId,
    status: use!.status,
    others: uses.length - 1,
  });
}

/** `timeZone`: the calendar the tiers' days, weeks, months and years follow. */
export function planRetention(
  policy: RetentionPolicyInput,
  succeeded: RetentionCandidate[],
  now: Date,
  timeZone = "UTC",
): RetentionPlan {
  const windowStart = new Date(now.getTime() - policy.recoveryWindowDays * 86_400_000);
  const keep = new Map<string, RetentionDecision>();
  const newestFirst = [...succeeded].sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime());
  const restorable = newestFirst.filter((backup) => backup.verification !== "failed");
  const physical = restorable.filter((backup) => backup.kind === "physical");
  const logical = restorable.filter((backup) => backup.kind === "logical");
  const keepFor = (backup: RetentionCandidate, reason: string, code: Coded) => {
    if (!keep.has(backup.id)) keep.set(backup.id, { id: backup.id, kind: backup.kind, reason, ...code });
  };

  for (const backup of newestFirst) if (backup.pinned) keepFor(backup, "pinned", coded("keep.pinned"));
  for (const backup of newestFirst)
    if (backup.usedBy.length > 0)
      keepFor(backup, backup.usedBy.map(describeUse).join(", "), usedByCode(backup.usedBy));
  const lastGood = physical.find((backup) => backup.verification === "good");
  if (lastGood) keepFor(lastGood, "last verified-good physical backup", coded("keep.lastGood"));
  physical.slice(0, policy.minRedundancy).forEach((backup, index) => {
    const params = { index: index + 1, count: policy.minRedundancy };
    keepFor(
      backup,
      `minimum redundancy (${index + 1} of ${policy.minRedundancy})`,
      coded("keep.minRedundancy", params),
    );
  });
  const days = policy.recoveryWindowDays;
  for (const backup of physical)
    if (backup.finishedAt >= windowStart)
      keepFor(backup, `inside the ${days}-day recovery window`, coded("keep.window", { days }));
  const base = physical.find((backup) => backup.finishedAt < windowStart);
  if (base) keepFor(base, "base for restoring to the start of the recovery window", coded("keep.windowBase"));
  const tierPeriods = keptByTiers(physical, policy, timeZone);
  for (const backup of physical) {
    const periods = tierPeriods.get(backup.id);
    if (periods) keepFor(backup, periods.join(", "), coded("keep.tiers", { periods: periods.join(", ") }));
  }
  logical.slice(0, policy.logicalKeep).forEach((backup, index) => {
    const params = { count: policy.logicalKeep, index: index + 1 };
    keepFor(
      backup,
      `one of the ${policy.logicalKeep} newest logical backups (${index + 1})`,
      coded("keep.logical", params),
    );
  });

  const expire = newestFirst
    .filter((backup) => !keep.has(backup.id))
    .map((backup) => ({
      id: backup.id,
      kind: backup.kind,
      reason:
        backup.verification === "failed"
          ? `its verification failed${backup.verifiedAt ? ` (${backup.verifiedAt.toISOString()})` : ""}: it cannot be restored and counts towards nothing`
          : backup.kind === "physical"
            ? `older than the recovery window's base and beyond the ${policy.minRedundancy} newest${tierPeriods.size ? ", and not the newest of a day, week, month or year the tiers keep" : ""}`
            : `beyond the ${policy.logicalKeep} newest logical backups`,
      ...(backup.verification === "failed"
        ? backup.verifiedAt
          ? coded("expire.verificationFailedAt", { at: backup.verifiedAt.toISOString() })
          : coded("expire.verificationFailed")
        : backup.kind === "physical"
          ? coded(tierPeriods.size ? "expire.physicalTiers" : "expire.physical", {
              count: policy.minRedundancy,
            })
          : coded("expire.logical", { count: policy.logicalKeep })),
    }));
  // WAL is needed from the start of every kept backup a restore can start from.
  const walHolders = newestFirst.filter(
    (backup) =>
      backup.kind === "physical" &&
      keep.has(backup.id) &&
      backup.startWal &&
      (backup.verification !== "failed" || backup.pinned || backup.usedBy.length > 0),
  );
  const oldestKeptStartWal = walHolders.map((backup) => backup.startWal!).sort(compareWalNames)[0] ?? null;
  return {
    keep: newestFirst
      .filter((backup) => keep.has(backup.id))
      .map((backup) => ({ ...keep.get(backup.id)!, tiers: tierPeriods.get(backup.id) ?? [] })),
    expire,
    oldestKeptStartWal,
    windowStart: windowStart.toISOString(),
  };
}
