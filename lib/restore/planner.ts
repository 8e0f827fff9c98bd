import { parseLsn } from "@/lib/replication/lsn";
import type { RestoreTarget } from "@/lib/schemas/restore";
import type {
  PlanRefusal,
  PlanResult,
  RefusalReason,
  RestorePlan,
  WindowSummary,
} from "@/lib/schemas/restore-plan";
import type { RestoreRange, RestoreWindowBackup, WindowComputation } from "@/lib/wal/compute-window";
import { parseWalFileName, segmentEndLsn } from "@/lib/wal/segments";
import { candidates, choose, ms, planLsn, planTime, refuse, type Candidate } from "./planner-targets";
import { describeSteps, stepsWarning, timelineSteps } from "./planner-timelines";

// The restore planner: pure. Given the restorable window (what is archived, which backups can
// be restored, the last commit of each range), a target and, for xid and name targets, the WAL
// record the worker found, it picks the base backup and says how much WAL to replay — or why
// the target cannot be reached, before anything starts. Its answers are wire types
// (lib/schemas/restore-plan.ts): the worker sends them to the web app, a restore stores its plan.
// Which backup reaches a time or LSN target: planner-targets.ts; timeline steps: planner-timelines.ts.

export type { PlanRefusal, PlanResult, RefusalReason, RestorePlan, WindowSummary };

/** The WAL record an xid or name target stands for (found by the worker with pg_waldump). */
export interface TargetRecord {
  lsn: string;
  /** Commit time for an xid; null for a restore point. */
  time: string | null;
  /** Other records with the same name (restore points may repeat). */
  duplicates?: number;
}

export interface PlanInput {
  window: WindowComputation;
  target: RestoreTarget;
  backupId?: string;
  timeline?: "latest" | "current" | number;
  /** For xid and name targets; null when the worker found no such record. */
  record?: TargetRecord | null;
  /** Stored size of each backup, for the estimate. */
  backupBytes?: ReadonlyMap<string, number>;
  segmentSize: number;
  rates?: EstimateRates;
}

/** Conservative rates for the time estimate on one local disk. */
export interface EstimateRates {
  extractBytesPerSecond: number;
  replayBytesPerSecond: number;
  startupSeconds: number;
}

export const DEFAULT_RATES: EstimateRates = {
  extractBytesPerSecond: 150 * 1024 * 1024,
  replayBytesPerSecond: 80 * 1024 * 1024,
  startupSeconds: 5,
};

/** The last LSN the range's archive holds: the end of its last segment. */
function rangeEndLsn(range: RestoreRange, segmentSize: number): bigint {
  const parsed = parseWalFileName(range.toWal, segmentSize);
  if (parsed.kind !== "segment") throw new Error(`not a segment: ${range.toWal}`);
  return segmentEndLsn(parsed.segno, segmentSize);
}

function timelineSetting(
  input: PlanInput,
  chosen: Candidate,
): { setting: string; warning: string | null } | PlanRefusal {
  const choice = input.timeline;
  const checked = chosen.range.timeline;
  if (choice === undefined) return { setting: String(checked), warning: null };
  if (choice === "current") {
    return chosen.backup.timeline === checked
      ? { setting: "current", warning: null }
      : {
          setting: "current",
          warning: `The archive continues on timeline ${checked}; "current" stays on ${chosen.backup.timeline}.`,
        };
  }
  if (choice === "latest") return { setting: "latest", warning: null };
  // A number: it must descend from the backup's timeline.
  const parents = new Map(input.window.timelines.map((t) => [t.timeline, t.parent]));
  let tli: number | null | undefined = choice;
  while (tli !== undefined && tli !== null && tli !== chosen.backup.timeline) tli = parents.get(tli);
  if (tli !== chosen.backup.timeline) {
    return refuse(input.window, "bad_timeline", {
      key: "restore.badTimeline",
      params: {
        choice: String(choice),
        timeline: String(chosen.backup.timeline),
        known: [...parents.keys()].join(", "),
      },
    });
  }
  return {
    setting: String(choice),
    warning:
      choice === checked ? null : `Archive coverage was checked along timeline ${checked}, not ${choice}.`,
  };
}

export function planRestore(input: PlanInput): PlanResult {
  const { window, target } = input;
  const all = candidates(window);
  if (all.length === 0 && target.type !== "immediate") {
    return refuse(
      window,
      "no_backup",
      window.problems[0]
        ? { key: "restore.noBackupBecause", params: { problem: window.problems[0] } }
        : { key: "restore.noBackupArchived" },
    );
  }

  let chosen: Candidate | PlanRefusal;
  let toLsn: string | null = null;
  let toTime: string | null = null;
  const warnings: string[] = [];
  switch (target.type) {
    case "time":
      chosen = planTime(input, all);
      toTime = target.value;
      break;
    case "lsn":
      chosen = planLsn(input, all, target.value, `LSN ${target.value}`, {
        kind: "lsn",
        value: target.value,
        lsn: target.value,
      });
      toLsn = target.value;
      break;
    case "xid":
    case "name": {
      const what = target.type === "xid" ? `transaction ${target.value}` : `restore point "${target.value}"`;
      if (!input.record) {
        return refuse(
          window,
          target.type === "xid" ? "unknown_xid" : "unknown_name",
          target.type === "xid"
            ? { key: "restore.unknownXid", params: { xid: target.value } }
            : { key: "restore.unknownName", params: { name: target.value } },
        );
      }
      chosen = planLsn(input, all, input.record.lsn, `${what} (at ${input.record.lsn})`, {
        kind: target.type,
        value: String(target.value),
        lsn: input.record.lsn,
      });
      toLsn = input.record.lsn;
      toTime = input.record.time;
      if ((input.record.duplicates ?? 0) > 0)
        warnings.push(
          `${input.record.duplicates} other restore points share this name; recovery stops at the first one it replays.`,
        );
      break;
    }
    case "immediate": {
      const usable = window.backups
        .filter((b) => b.walComplete && !b.verificationFailedAt && b.stopLsn && b.startLsn && b.finishedAt)
        .map((backup) => ({
          backup: { ...backup, restorableFrom: backup.restorableFrom ?? backup.finishedAt },
          range: window.ranges.find((r) => r.backupIds.includes(backup.id)) ?? syntheticRange(backup),
        }));
      if (usable.length === 0) return refuse(window, "no_backup", { key: "restore.noConsistentBackup" });
      chosen = choose(window, usable, input.backupId, "a consistent state");
      if (!("ok" in chosen)) {
        toLsn = chosen.backup.stopLsn;
        toTime = chosen.backup.finishedAt;
      }
      break;
    }
    case "latest": {
      const withEnd = all.filter((c) => c.range.to !== null);
      const latestRange = withEnd.reduce<Candidate | undefined>(
        (best, c) => (!best || ms(c.range.to!) > ms(best.range.to!) ? c : best),
        undefined,
      );
      const fitting = latestRange ? all.filter((c) => c.range === latestRange.range) : all;
      chosen = choose(window, fitting, input.backupId, "the latest archived commit");
      if (!("ok" in chosen)) {
        toLsn = chosen.range.lastCommit?.lsn ?? null;
        toTime = chosen.range.to;
      }
      break;
    }
  }
  if ("ok" in chosen) return chosen;

  const timeline =
    target.type === "latest" && input.timeline === undefined
      ? { setting: "latest", warning: null }
      : timelineSetting(input, chosen);
  if ("ok" in timeline) return timeline;
  if (timeline.warning) warnings.push(timeline.warning);

  const { backup, range } = chosen;
  // Which timelines replay crosses: the history files (window.timelines) from the backup's own.
  const replayTimeline = /^\d+$/.test(timeline.setting) ? Number(timeline.setting) : range.timeline;
  const steps =
    backup.timeline !== null && timeline.setting !== "current"
      ? timelineSteps(window, backup.timeline, replayTimeline)
      : [];
  // Only an LSN typed by a person is ambiguous across a switch; "latest" and a found record are not.
  const crossing = target.type === "lsn" ? stepsWarning(steps, toLsn, timeline.setting) : null;
  if (crossing) warnings.push(crossing);
  const start = parseLsn(backup.startLsn!);
  const end = toLsn ? parseLsn(toLsn) : rangeEndLsn(range, input.segmentSize);
  const walBytes = Number(end > start ? end - start : 0n);
  const backupBytes = input.backupBytes?.get(backup.id) ?? 0;
  const rates = input.rates ?? DEFAULT_RATES;
  const estimateSeconds = Math.ceil(
    rates.startupSeconds + backupBytes / rates.extractBytesPerSecond + walBytes / rates.replayBytesPerSecond,
  );
  const targetText =
    target.type === "time"
      ? `${target.value} (UTC)`
      : target.type === "latest"
        ? `the latest archived commit${toTime ? ` (${toTime})` : ""}`
        : target.type === "immediate"
          ? "the end of the backup (as soon as consistent)"
          : target.type === "lsn"
            ? `LSN ${target.value}`
            : target.type === "xid"
              ? `transaction ${target.value}${toTime ? ` (committed ${toTime})` : ""}`
              : `restore point "${target.value}"`;
  const plan: RestorePlan = {
    backupId: backup.id,
    backupLabel: backup.label,
    backupStopLsn: backup.stopLsn!,
    backupFinishedAt: backup.finishedAt!,
    fromLsn: backup.startLsn!,
    toLsn,
    toTime,
    target,
    timeline: timeline.setting,
    checkedTimeline: range.timeline,
    fromWal: backup.startWal ?? range.fromWal,
    toWal: target.type === "immediate" ? (backup.stopWal ?? range.toWal) : range.toWal,
    walBytes,
    backupBytes,
    estimateSeconds,
    warnings,
    summary: `Restore backup ${backup.label ?? backup.id.slice(0, 8)} (finished ${backup.finishedAt}) and replay up to ${formatBytes(walBytes)} of WAL to ${targetText} on timeline ${timeline.setting}${describeSteps(steps)}; about ${estimateSeconds} s.`,
    ...(steps.length > 1 ? { timelineSteps: steps } : {}),
  };
  return { ok: true, plan };
}

/** For "immediate" from a backup that starts no range (no commit archived after it yet). */
function syntheticRange(backup: RestoreWindowBackup): RestoreRange {
  return {
    from: backup.finishedAt!,
    to: null,
    timeline: backup.targetTimeline ?? backup.timeline ?? 1,
    fromBackupId: backup.id,
    backupIds: [backup.id],
    fromWal: backup.startWal!,
    toWal: backup.stopWal!,
    lastCommit: null,
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
