// Which backups a retention policy keeps, and why (pure; lib/backup/retention.ts applies it).
// Barman's semantics: a recovery window of N days keeps every physical backup finished inside
// the window plus the newest one finished before it (the base for restoring to the window's
// start); a minimum redundancy keeps the M newest physical backups whatever their age; logical
// backups keep the K newest; pinned backups are never expired.

export interface RetentionPolicyInput {
  recoveryWindowDays: number;
  minRedundancy: number;
  logicalKeep: number;
}

export interface RetentionCandidate {
  id: string;
  kind: "physical" | "logical";
  finishedAt: Date;
  pinned: boolean;
  startWal: string | null;
}

export interface RetentionDecision {
  id: string;
  kind: "physical" | "logical";
  reason: string;
}

export interface RetentionPlan {
  keep: RetentionDecision[];
  expire: RetentionDecision[];
  /** The start WAL of the oldest physical backup kept: archived WAL before it is no longer needed. */
  oldestKeptStartWal: string | null;
  windowStart: string;
}

export function planRetention(
  policy: RetentionPolicyInput,
  succeeded: RetentionCandidate[],
  now: Date,
): RetentionPlan {
  const windowStart = new Date(now.getTime() - policy.recoveryWindowDays * 86_400_000);
  const keep = new Map<string, RetentionDecision>();
  const newestFirst = [...succeeded].sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime());
  const physical = newestFirst.filter((backup) => backup.kind === "physical");
  const logical = newestFirst.filter((backup) => backup.kind === "logical");
  const keepFor = (backup: RetentionCandidate, reason: string) => {
    if (!keep.has(backup.id)) keep.set(backup.id, { id: backup.id, kind: backup.kind, reason });
  };

  for (const backup of newestFirst) if (backup.pinned) keepFor(backup, "pinned");
  physical
    .slice(0, policy.minRedundancy)
    .forEach((backup, index) =>
      keepFor(backup, `minimum redundancy (${index + 1} of ${policy.minRedundancy})`),
    );
  for (const backup of physical)
    if (backup.finishedAt >= windowStart)
      keepFor(backup, `inside the ${policy.recoveryWindowDays}-day recovery window`);
  const base = physical.find((backup) => backup.finishedAt < windowStart);
  if (base) keepFor(base, "base for restoring to the start of the recovery window");
  logical
    .slice(0, policy.logicalKeep)
    .forEach((backup, index) =>
      keepFor(backup, `one of the ${policy.logicalKeep} newest logical backups (${index + 1})`),
    );

  const expire = newestFirst
    .filter((backup) => !keep.has(backup.id))
    .map((backup) => ({
      id: backup.id,
      kind: backup.kind,
      reason:
        backup.kind === "physical"
          ? `older than the recovery window's base and beyond the ${policy.minRedundancy} newest`
          : `beyond the ${policy.logicalKeep} newest logical backups`,
    }));
  const keptPhysical = physical.filter((backup) => keep.has(backup.id));
  const oldestKept = keptPhysical.at(-1);
  return {
    keep: newestFirst.filter((backup) => keep.has(backup.id)).map((backup) => keep.get(backup.id)!),
    expire,
    oldestKeptStartWal: oldestKept?.startWal ?? null,
    windowStart: windowStart.toISOString(),
  };
}
