import { englishMessage, type LocalizedMessage } from "@/lib/i18n/api-errors";
import { formatLsn, parseLsn } from "@/lib/replication/lsn";
import type { RestoreTarget } from "@/lib/schemas/restore";
import type { PlanRefusal, RefusalReason, WindowSummary } from "@/lib/schemas/restore-plan";
import type { RestoreRange, RestoreWindowBackup, WindowComputation } from "@/lib/wal/compute-window";

// The restore planner's first question (planner.ts asks it): which base backup reaches the
// target, for time and LSN-like targets, or the refusal that says why none does.

/** The part of the planner's input this file reads (PlanInput in planner.ts has it all). */
export interface TargetQuestion {
  window: WindowComputation;
  target: RestoreTarget;
  backupId?: string;
}

export type Candidate = { backup: RestoreWindowBackup; range: RestoreRange };

function summarize(window: WindowComputation): WindowSummary {
  return {
    earliest: window.earliest,
    latest: window.latest,
    gaps: window.gaps.map((gap) => ({ from: gap.from, to: gap.to, fromWal: gap.fromWal, toWal: gap.toWal })),
    ranges: window.ranges.map((range) => ({ from: range.from, to: range.to, timeline: range.timeline })),
  };
}

/** A refusal; one given as a catalog message is said in English and keeps its key for other languages. */
export function refuse(
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
export function candidates(window: WindowComputation): Candidate[] {
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

export const ms = (iso: string) => Date.parse(iso);

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
export function choose(
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

export function planTime(input: TargetQuestion, all: Candidate[]): Candidate | PlanRefusal {
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

export function planLsn(
  input: TargetQuestion,
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
