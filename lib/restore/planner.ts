import { englishMessage, type LocalizedMessage } from "@/lib/i18n/api-errors";
import { formatLsn, parseLsn } from "@/lib/replication/lsn";
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
import { describeSteps, stepsWarning, timelineSteps } from "./planner-timelines";

// The restore planner: pure. Given the restorable window (what is archived, which backups can
// be restored, the last commit of each range), a target and, for xid and name targets, the WAL
// record the worker found, it picks the base backup and says how much WAL to replay — or why
// the target cannot be reached, before anything starts. Its answers are wire types
// (lib/schemas/restore-plan.ts): the worker sends them to the web app, a restore stores its plan.

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

type Candidate = { backup: RestoreWindowBackup; range: RestoreRange };

function summarize(window: WindowComputation): WindowSummary {
  return {
    earliest: window.earliest,
    latest: window.latest,
    gaps: window.gaps.map((gap) => ({ from: gap.from, to: gap.to, fromWal: gap.fromWal, toWal: gap.toWal })),
    ranges: window.ranges.map((range) => ({ from: range.from, to: range.to, timeline: range.timeline })),
  };
}

/** A refusal; one given as a catalog message is said in English and keeps its key for other languages. */
function refuse(
  window: WindowComputation,
  reason: RefusalReason,
  message: string | LocalizedMessage,
): PlanRefusal {
  if (typeof message === "string") return { ok: false, reason, message, window: summarize(window) };
  return {
    ok: false,
    reason,
    message: englishMessage(message),
    localized: message,
    window: summarize(window),
  };
}

/** Every backup that can start a point-in-time restore, with the range it belongs to. */
function candidates(window: WindowComputation): Candidate[] {
  const list: Candidate[] = [];
  for (const range of window.ranges) {
    for (const id of range.backupIds) {
      const backup = window.backups.find((b) => b.id === id);
      if (backup?.restorableFrom && !backup.verificationFailedAt && backup.stopLsn && backup.startLsn)
        list.push({ backup, range });
    }
  }
  return list;
}

const ms = (iso: string) => Date.parse(iso);

/** The last LSN the range's archive holds: the end of its last segment. */
function rangeEndLsn(range: RestoreRange, segmentSize: number): bigint {
  const parsed = parseWalFileName(range.toWal, segmentSize);
  if (parsed.kind !== "segment") throw new Error(`not a segment: ${range.toWal}`);
  return segmentEndLsn(parsed.segno, segmentSize);
}

function newest(list: Candidate[]): Candidate | undefined {
  return list.reduce<Candidate | undefined>(
    (best, c) => (!best || ms(c.backup.restorableFrom!) > ms(best.backup.restorableFrom!) ? c : best),
    undefined,
  );
}

function gapAround(window: WindowComputation, time: number) {
  return window.gaps.find((gap) => gap.from && gap.to && ms(gap.from) < time && time < ms(gap.to));
}

/** Picks the backup: the one asked for (when it fits), else the newest that fits. */
function choose(
  window: WindowComputation,
  fitting: Candidate[],
  backupId: string | undefined,
  what: string,
): Candidate | PlanRefusal {
  if (backupId) {
    const asked = fitting.find((c) => c.backup.id === backupId);
    if (asked) return asked;
    const known = window.backups.find((b) => b.id === backupId);
    return refuse(
      window,
      "backup_not_usable",
      known
        ? `Backup ${backupId} cannot reach ${what}: it ${known.verificationFailedAt ? `is not restorable (its verification failed at ${known.verificationFailedAt})` : known.restorableFrom ? "ends after it or its WAL does not lead there" : "is not restorable (its WAL is incomplete in the archive)"}. Leave the backup empty to let Walden pick one.`
        : { key: "restore.notPhysicalBackup", params: { id: backupId } },
    );
  }
  const best = newest(fitting);
  if (!best) throw new Error("choose() needs at least one candidate");
  return best;
}

function planTime(input: PlanInput, all: Candidate[]): Candidate | PlanRefusal {
  const { window, target } = input;
  const value = (target as { value: string }).value;
  const time = ms(value);
  // A gap right after the newest range: later WAL exists, but no backup leads across the gap.
  const cutBy = window.gaps.find((gap) => gap.from && window.latest && ms(gap.from) >= ms(window.latest));
  if (window.latest && time > ms(window.latest) && cutBy) {
    return refuse(window, "in_gap", {
      key: "restore.afterGap",
      params: {
        value,
        fromWal: cutBy.fromWal,
        toWal: cutBy.toWal,
        from: String(cutBy.from),
        latest: window.latest,
      },
    });
  }
  if (window.latest && time > ms(window.latest)) {
    return refuse(window, "after_latest", {
      key: "restore.afterLatest",
      params: { value, latest: window.latest },
    });
  }
  if (window.earliest && time < ms(window.earliest)) {
    return refuse(window, "before_earliest", {
      key: "restore.beforeEarliest",
      params: { value, earliest: window.earliest },
    });
  }
  const fitting = all.filter(
    (c) => ms(c.backup.restorableFrom!) <= time && c.range.to !== null && time <= ms(c.range.to),
  );
  if (fitting.length === 0) {
    const gap = gapAround(window, time);
    return refuse(
      window,
      "in_gap",
      gap
        ? {
            key: "restore.inGap",
            params: {
              value,
              fromWal: gap.fromWal,
              toWal: gap.toWal,
              from: String(gap.from),
              to: String(gap.to),
            },
          }
        : window.earliest && window.latest
          ? {
              key: "restore.outsideRanges",
              params: { value, earliest: window.earliest, latest: window.latest },
            }
          : { key: "restore.outsideRangesNothing", params: { value } },
    );
  }
  return choose(window, fitting, input.backupId, value);
}

/** What an LSN-like target is, as the refusals name it ("LSN 0/3000060", "transaction 742 (at 0/…)"). */
interface LsnSubject {
  kind: "lsn" | "xid" | "name";
  value: string;
  lsn: string;
}

/** The subject's figures for the catalog's {kind, select, …} messages. */
const subjectParams = (subject: LsnSubject) => ({
  kind: subject.kind,
  lsn: subject.lsn,
  xid: subject.kind === "xid" ? subject.value : "",
  name: subject.kind === "name" ? subject.value : "",
});

function planLsn(
  input: PlanInput,
  all: Candidate[],
  lsn: string,
  what: string,
  subject: LsnSubject,
): Candidate | PlanRefusal {
  const { window } = input;
  const position = parseLsn(lsn);
  const fitting = all.filter((c) => {
    const last = c.range.lastCommit ? parseLsn(c.range.lastCommit.lsn) : null;
    return parseLsn(c.backup.stopLsn!) <= position && last !== null && position <= last;
  });
  if (fitting.length > 0) return choose(window, fitting, input.backupId, what);
  const stops = all.map((c) => parseLsn(c.backup.stopLsn!));
  const lasts = all.flatMap((c) => (c.range.lastCommit ? [parseLsn(c.range.lastCommit.lsn)] : []));
  if (all.length === 0) return refuse(window, "no_backup", { key: "restore.noBackupYet" });
  if (lasts.length && position > lasts.reduce((a, b) => (a > b ? a : b))) {
    return refuse(window, "after_latest", {
      key: "restore.lsnAfterLatest",
      params: { ...subjectParams(subject), last: formatLsn(lasts.reduce((a, b) => (a > b ? a : b))) },
    });
  }
  if (position < stops.reduce((a, b) => (a < b ? a : b))) {
    return refuse(window, "before_earliest", {
      key: "restore.lsnBeforeEarliest",
      params: { ...subjectParams(subject), first: formatLsn(stops.reduce((a, b) => (a < b ? a : b))) },
    });
  }
  return refuse(
    window,
    "in_gap",
    window.earliest && window.latest
      ? {
          key: "restore.lsnInGap",
          params: { ...subjectParams(subject), earliest: window.earliest, latest: window.latest },
        }
      : { key: "restore.lsnInGapNothing", params: subjectParams(subject) },
  );
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
