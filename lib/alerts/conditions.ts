import { type AlertKind, defaultRules } from "@/lib/schemas/alerts";
import type { ReplicationView } from "@/lib/replication/snapshot";
import { PROMOTED_REASON } from "@/lib/replication/tracker";

// What is wrong right now, computed from facts already in the catalog (the sampler's latest
// snapshot, backups, verifications, drills, the restorable window). Pure: no I/O, no clock.

export interface RuleFacts {
  id: string;
  kind: AlertKind;
  threshold: number | null;
}

export interface ClusterFacts {
  clusterId: string;
  clusterName: string;
  createdAt: Date;
  rpoTargetSeconds: number;
  /** The sampler's latest snapshot; null (or stale) means replication cannot be judged now. */
  snapshot: ReplicationView | null;
  /** finishedAt of the newest succeeded physical backup. */
  lastPhysicalBackupAt: Date | null;
  /** The newest finished backup of each kind. */
  latestBackups: {
    id: string;
    kind: string;
    status: string;
    finishedAt: Date | null;
    error: string | null;
  }[];
  /** The newest verification (verifiedAt set). */
  latestVerification: { backupId: string; verified: boolean; verifiedAt: Date; log: string | null } | null;
  /** The newest finished drill. */
  latestDrill: { id: string; status: string; finishedAt: Date | null; error: string | null } | null;
  /** Missing WAL ranges of the restorable window. */
  walGaps: { timeline: number; fromWal: string; toWal: string }[];
  /** How far the offsite WAL is behind the archive; null without an offsite repository (or not yet known). */
  offsiteLagSeconds: number | null;
}

export interface Condition {
  ruleId: string;
  subject: string;
  value: number | null;
  message: string;
}

const MiB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MiB) return `${(bytes / (1024 * MiB)).toFixed(1)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

export function formatSeconds(seconds: number): string {
  if (seconds >= 2 * 86_400) return `${(seconds / 86_400).toFixed(1)} d`;
  if (seconds >= 2 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  if (seconds >= 120) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds * 10) / 10} s`;
}

/** A rule without a threshold where its kind needs one uses the default rule's. */
function thresholdOf(rule: RuleFacts): number {
  return rule.threshold ?? defaultRules.find((candidate) => candidate.kind === rule.kind)?.threshold ?? 0;
}

function firstLine(text: string | null): string {
  return (
    (text ?? "")
      .split("\n")
      .find((line) => line.trim())
      ?.trim()
      .slice(0, 300) ?? ""
  );
}

const replicationKinds: ReadonlySet<AlertKind> = new Set([
  "replication_lag_bytes",
  "replication_lag_seconds",
  "standby_down",
  "replay_paused",
  "slot_inactive",
  "slot_wal_at_risk",
  "archiver_failing",
  "split_brain",
]);

/**
 * Whether the facts can say anything about the kind now. Without a fresh sample (the
 * sampler is down), replication alerts are neither opened nor resolved: silence from the
 * sampler is not the same as a healthy standby.
 */
export function canJudge(kind: AlertKind, facts: ClusterFacts): boolean {
  return !replicationKinds.has(kind) || (facts.snapshot !== null && !facts.snapshot.stale);
}

/** The conditions one rule sees on one cluster at `now`. */
export function ruleConditions(rule: RuleFacts, facts: ClusterFacts, now: Date): Condition[] {
  const cluster = facts.clusterName;
  const at = (subject: string, value: number | null, message: string): Condition => ({
    ruleId: rule.id,
    subject,
    value,
    message: `Cluster ${cluster}: ${message}`,
  });
  // Replication kinds are judged only on a fresh sample: a stale one says nothing about now.
  const live = facts.snapshot && !facts.snapshot.stale ? facts.snapshot : null;
  const standbys = live?.standbys ?? [];
  const slots = live?.slots ?? [];

  switch (rule.kind) {
    case "replication_lag_bytes": {
      const limit = thresholdOf(rule);
      return standbys
        .filter((standby) => standby.lagBytes.replay !== null && standby.lagBytes.replay > limit)
        .map((standby) =>
          at(
            standby.name,
            standby.lagBytes.replay,
            `standby ${standby.name} is ${formatBytes(standby.lagBytes.replay!)} behind in replay (threshold ${formatBytes(limit)})`,
          ),
        );
    }
    case "replication_lag_seconds": {
      const limit = thresholdOf(rule);
      return standbys
        .filter((standby) => standby.lagSeconds.replay !== null && standby.lagSeconds.replay > limit)
        .map((standby) =>
          at(
            standby.name,
            standby.lagSeconds.replay,
            `standby ${standby.name} replays ${formatSeconds(standby.lagSeconds.replay!)} behind (threshold ${formatSeconds(limit)})`,
          ),
        );
    }
    case "standby_down":
      return standbys
        .filter((standby) => standby.state === "disconnected")
        .map((standby) =>
          at(
            standby.name,
            null,
            `standby ${standby.name} is down${standby.reason ? ` (${standby.reason})` : ""}`,
          ),
        );
    case "split_brain": {
      // The sampler keeps the primary it had and lists any other writable node among the
      // standbys as promoted: with the primary writable too, two nodes take writes.
      const writable = standbys.filter((standby) => standby.reason === PROMOTED_REASON);
      if (!live?.primary.reachable || live.primary.inRecovery !== false || writable.length === 0) return [];
      const names = [live.primary.name, ...writable.map((standby) => standby.name)];
      return [
        at(
          "cluster",
          names.length,
          `split brain: ${names.join(" and ")} are all writable (not in recovery); backups are refused until only one is. Stop or demote the one that should not be primary`,
        ),
      ];
    }
    case "replay_paused":
      return standbys
        .filter((standby) => standby.replayPaused)
        .map((standby) => at(standby.name, null, `replay is paused on standby ${standby.name}`));
    case "slot_inactive":
      return slots
        .filter((slot) => !slot.active)
        .map((slot) =>
          at(
            `slot ${slot.node}:${slot.name}`,
            slot.retainedBytes,
            `replication slot ${slot.name} on ${slot.node} is inactive`,
          ),
        );
    case "slot_wal_at_risk": {
      const limit = thresholdOf(rule);
      return slots
        .filter(
          (slot) =>
            slot.walStatus === "unreserved" ||
            slot.walStatus === "lost" ||
            (slot.safeWalSize !== null && slot.safeWalSize < limit),
        )
        .map((slot) =>
          at(
            `slot ${slot.node}:${slot.name}`,
            slot.safeWalSize,
            slot.walStatus === "lost"
              ? `replication slot ${slot.name} on ${slot.node} has lost WAL it needed`
              : `replication slot ${slot.name} on ${slot.node} is about to lose WAL (wal_status ${slot.walStatus ?? "unknown"}, ${slot.safeWalSize === null ? "no" : formatBytes(slot.safeWalSize)} safe WAL left)`,
          ),
        );
    }
    case "archiver_failing": {
      const archiver = live?.archiver;
      if (!archiver?.failing) return [];
      return [
        at(
          "archiver",
          archiver.failedCount,
          `WAL archiving is failing${archiver.lastFailedWal ? ` (last failed ${archiver.lastFailedWal})` : ""}`,
        ),
      ];
    }
    case "wal_gap":
      return facts.walGaps.map((gap) =>
        at(
          `wal ${gap.timeline}:${gap.fromWal}`,
          null,
          `WAL is missing from the archive on timeline ${gap.timeline}: ${gap.fromWal} to ${gap.toWal}`,
        ),
      );
    case "backup_overdue": {
      const limit = rule.threshold ?? facts.rpoTargetSeconds;
      const since = facts.lastPhysicalBackupAt ?? facts.createdAt;
      const age = (now.getTime() - since.getTime()) / 1000;
      if (age <= limit) return [];
      return [
        at(
          "",
          Math.round(age),
          facts.lastPhysicalBackupAt
            ? `no successful physical backup for ${formatSeconds(age)} (target ${formatSeconds(limit)})`
            : `no successful physical backup yet, ${formatSeconds(age)} after registration (target ${formatSeconds(limit)})`,
        ),
      ];
    }
    case "backup_failed":
      return facts.latestBackups
        .filter((backup) => backup.status === "failed")
        .map((backup) =>
          at(
            `${backup.kind} backup`,
            null,
            `the latest ${backup.kind} backup failed${backup.error ? `: ${firstLine(backup.error)}` : ""}`,
          ),
        );
    case "verify_failed": {
      const verification = facts.latestVerification;
      if (!verification || verification.verified) return [];
      const detail = firstLine(verification.log);
      return [
        at(
          "verification",
          null,
          `verification of backup ${verification.backupId} failed${detail ? `: ${detail}` : ""}`,
        ),
      ];
    }
    case "offsite_lag": {
      const limit = rule.threshold ?? 3600;
      const lag = facts.offsiteLagSeconds;
      if (lag === null || lag <= limit) return [];
      return [
        at(
          "offsite",
          lag,
          `the offsite copy of the WAL is ${formatSeconds(lag)} behind the archive (limit ${formatSeconds(limit)})`,
        ),
      ];
    }
    case "drill_failed": {
      const drill = facts.latestDrill;
      if (!drill || drill.status !== "failed") return [];
      return [
        at(
          "drill",
          null,
          `the latest restore drill failed${drill.error ? `: ${firstLine(drill.error)}` : ""}`,
        ),
      ];
    }
  }
}

/** Every condition of every rule that applies to the cluster. */
export function clusterConditions(rules: RuleFacts[], facts: ClusterFacts, now: Date): Condition[] {
  return rules.flatMap((rule) => ruleConditions(rule, facts, now));
}
