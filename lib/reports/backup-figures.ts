import cronParser from "cron-parser";
import type { KindReport, RpoReport, SizeDurationStats, VerificationReport } from "@/lib/schemas/report";
import { observedEnd } from "./months";
import type { BackupRow, ClusterInput, MonthRange } from "./report-inputs";
import { changePercent, median, percentile, ratio } from "./stats";

// The monthly report's backup figures (part of aggregate.ts's report): scheduled against run and
// succeeded per kind, size and duration with their trend, the achieved RPO, verification.

/** How many times a cron fires in [from, to) in its zone; 0 for an expression it cannot read. */
export function countFirings(cron: string, timeZone: string, from: Date, to: Date): number {
  if (to <= from) return 0;
  let count = 0;
  try {
    // currentDate is exclusive; start a millisecond early so a firing exactly at `from` counts.
    const firings = cronParser.parseExpression(cron, {
      tz: timeZone,
      currentDate: new Date(from.getTime() - 1),
      endDate: to,
    });
    while (firings.hasNext()) {
      const at = firings.next().toDate();
      if (at >= to) break;
      count += 1;
    }
  } catch {
    return count;
  }
  return count;
}

/** A backup that completed its work: expired ones succeeded and were later removed by retention. */
export function succeeded(backup: BackupRow): boolean {
  return backup.status === "succeeded" || backup.status === "expired";
}

function durationSeconds(backup: BackupRow): number | null {
  if (!backup.startedAt || !backup.finishedAt) return null;
  return (backup.finishedAt.getTime() - backup.startedAt.getTime()) / 1000;
}

export function sizeDurationStats(backups: readonly BackupRow[]): SizeDurationStats {
  const done = backups.filter(succeeded);
  const sizes = done.flatMap((b) => (b.sizeBytes === null ? [] : [b.sizeBytes]));
  const durations = done.flatMap((b) => {
    const d = durationSeconds(b);
    return d === null ? [] : [d];
  });
  return {
    count: done.length,
    sizeBytesMedian: median(sizes),
    sizeBytesP95: percentile(sizes, 0.95),
    durationSecondsMedian: median(durations),
    durationSecondsP95: percentile(durations, 0.95),
  };
}

export const SCHEDULED_BASIS =
  "Firings of the enabled schedules as configured now, from their creation; edits and pauses during the month are not replayed.";

export function kindReport(
  kind: "physical" | "logical",
  input: Pick<ClusterInput, "backups" | "previousBackups" | "schedules">,
  range: MonthRange,
  now: Date,
): KindReport {
  const backups = input.backups.filter((b) => b.kind === kind);
  const end = observedEnd(range, now);
  const scheduled = input.schedules
    .filter((s) => s.kind === kind && s.enabled)
    .reduce(
      (sum, s) =>
        sum + countFirings(s.cron, s.timezone, s.createdAt > range.start ? s.createdAt : range.start, end),
      0,
    );
  const ok = backups.filter(succeeded).length;
  const failed = backups.filter((b) => b.status === "failed").length;
  const stats = sizeDurationStats(backups);
  const previous = sizeDurationStats(input.previousBackups.filter((b) => b.kind === kind));
  return {
    scheduled,
    scheduledBasis: SCHEDULED_BASIS,
    run: backups.filter((b) => b.status !== "queued").length,
    succeeded: ok,
    failed,
    successRate: ratio(ok, ok + failed),
    ...stats,
    previous,
    trend: {
      sizeMedianChangePercent: changePercent(stats.sizeBytesMedian, previous.sizeBytesMedian),
      durationMedianChangePercent: changePercent(stats.durationSecondsMedian, previous.durationSecondsMedian),
    },
  };
}

/**
 * The largest time without a successful physical backup in the month: between consecutive
 * finishes, from the last success before the month to the first in it, and from the last
 * one to the month's end (or now). An open gap at the end counts too: it is how old the
 * newest backup is.
 */
export function worstGap(
  finishes: readonly Date[],
  lastBefore: Date | null,
  range: MonthRange,
  now: Date,
  targetSeconds: number,
  registeredAt: Date | null = null,
): RpoReport {
  const end = observedEnd(range, now);
  const inMonth = finishes
    .filter((at) => at >= range.start && at < end)
    .map((at) => at.getTime())
    .sort((a, b) => a - b);
  // A cluster registered during the month had no backups to take before it was registered.
  const registeredInMonth = registeredAt !== null && registeredAt > range.start && registeredAt < end;
  const firstFrom = lastBefore ?? (registeredInMonth ? registeredAt : range.start);
  const note =
    lastBefore === null
      ? registeredInMonth
        ? "No physical backup succeeded before this month; the first gap is counted from the cluster's registration."
        : "No physical backup succeeded before this month; the first gap is counted from the month's start."
      : null;
  const points = [firstFrom.getTime(), ...inMonth, end.getTime()];
  let worst: { from: number; to: number } | null = null;
  for (let index = 1; index < points.length; index += 1) {
    const from = points[index - 1] as number;
    const to = points[index] as number;
    if (!worst || to - from > worst.to - worst.from) worst = { from, to };
  }
  if (!worst)
    return { targetSeconds, worstGapSeconds: null, worstGapFrom: null, worstGapTo: null, met: null, note };
  const seconds = (worst.to - worst.from) / 1000;
  return {
    targetSeconds,
    worstGapSeconds: seconds,
    worstGapFrom: new Date(worst.from).toISOString(),
    worstGapTo: new Date(worst.to).toISOString(),
    met: seconds <= targetSeconds,
    note,
  };
}

export function verificationReport(backups: readonly BackupRow[]): VerificationReport {
  const done = backups.filter(succeeded);
  return {
    verified: done.filter((b) => b.verifiedAt !== null && b.verified).length,
    failed: done.filter((b) => b.verifiedAt !== null && !b.verified).length,
    unverified: done.filter((b) => b.verifiedAt === null).length,
  };
}
