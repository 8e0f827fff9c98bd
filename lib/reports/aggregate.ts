import cronParser from "cron-parser";
import type {
  AlertReport,
  ClusterReport,
  DrillReport,
  FleetReport,
  KindReport,
  MonthEndWindow,
  RpoReport,
  SizeDurationStats,
  StandbyLagReport,
  ThreeTwoOneReport,
  VerificationReport,
  WalContinuityReport,
} from "@/lib/schemas/report";

// The monthly report's figures, computed from rows already loaded (monthly.ts loads them).
// Pure: every result is a function of the arguments, including the clock (`now`), so the
// figures can be checked by hand in aggregate.test.ts. The figures' shapes are wire types
// (lib/schemas/report.ts): a finished month is stored and read back, the report page shows them.

export type {
  AlertReport,
  ClusterReport,
  DrillReport,
  FleetReport,
  KindReport,
  MonthEndWindow,
  RpoReport,
  SizeDurationStats,
  StandbyLagReport,
  ThreeTwoOneReport,
  VerificationReport,
  WalContinuityReport,
};

/** Lag above this counts as "over threshold" (pgMonitor's warning level for replication lag). */
export const LAG_THRESHOLD_BYTES = 50 * 1024 * 1024;

export interface MonthRange {
  /** YYYY-MM */
  month: string;
  /** First instant of the month, UTC. */
  start: Date;
  /** First instant of the next month, UTC. */
  end: Date;
}

export interface BackupRow {
  id: string;
  kind: "physical" | "logical";
  status: "queued" | "running" | "succeeded" | "failed" | "expired";
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  sizeBytes: number | null;
  verified: boolean;
  verifiedAt: Date | null;
  path: string | null;
  copies: CopyRow[];
}

export interface CopyRow {
  path: string;
  offsite: boolean;
  status: string;
}

export interface ScheduleRow {
  kind: "physical" | "logical";
  cron: string;
  timezone: string;
  enabled: boolean;
  createdAt: Date;
}

export interface DrillRow {
  id: string;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  createdAt: Date;
  rtoMs: number | null;
}

export interface RollupRow {
  standby: string;
  resolution: string;
  bucket: Date;
  replayBytesAvg: number | null;
  replayBytesMax: number | null;
  replaySecondsMax: number | null;
}

/**
 * A month of one standby's rollups at one resolution, summed up. The catalog computes it in SQL
 * (lib/reports/monthly.ts: a month of minute rollups is 43,200 rows per standby);
 * summarizeRollups is the same computation over rows, the reference the tests pin.
 */
export interface LagSummary {
  standby: string;
  resolution: string;
  buckets: number;
  /** Linear-interpolation percentiles (percentile_cont) of the per-bucket average lag. */
  replayBytesP50: number | null;
  replayBytesP95: number | null;
  replayBytesMax: number | null;
  replaySecondsMax: number | null;
  /** Buckets whose largest sample was over the threshold. */
  bucketsOver: number;
}

export interface AlertRow {
  severity: string;
  kind: string;
  startedAt: Date;
  resolvedAt: Date | null;
}

/** The stored restorable window (lib/wal/stored-window.ts), only the parts the report reads. */
export interface StoredWindowInput {
  computedAt: Date;
  earliest: string | null;
  latest: string | null;
  ranges: { from: string; to: string | null }[];
  gaps: { fromWal: string; toWal: string; segments: number; from: string | null; to: string | null }[];
}

export interface ClusterInput {
  id: string;
  name: string;
  /** When the cluster was registered in Walden. */
  createdAt: Date;
  rpoTargetSeconds: number;
  rtoTargetSeconds: number;
  secondaryRepositoryPath: string | null;
  secondaryOffsite: boolean;
  /** Backups created in the month. */
  backups: BackupRow[];
  /** Backups created in the previous month, for the trend. */
  previousBackups: BackupRow[];
  /** The last physical backup that succeeded (or later expired) before the month began. */
  lastSuccessBefore: Date | null;
  schedules: ScheduleRow[];
  /** Restores with purpose "drill" created in the month. */
  drills: DrillRow[];
  /** The month's replication rollups (1m and/or 1h) per standby and resolution. */
  lag: LagSummary[];
  /** Alerts that fired in the month. */
  alerts: AlertRow[];
  window: StoredWindowInput | null;
  /** Why the window is missing, when the archive could not be read. */
  windowError: string | null;
}

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

/**
 * Percentile by linear interpolation between closest ranks (the "R-7" rule numpy and
 * spreadsheets use): p of [1,2,3,4] at 0.5 is 2.5. null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  const highValue = sorted[high] as number;
  return lowValue + (highValue - lowValue) * (rank - low);
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

function max(values: readonly number[]): number | null {
  return values.length ? Math.max(...values) : null;
}

/** Relative change in percent, one decimal; null when there is nothing to compare with. */
export function changePercent(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

// ---------------------------------------------------------------------------------------------
// Months
// ---------------------------------------------------------------------------------------------

export function monthRange(month: string): MonthRange {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return {
    month,
    start: new Date(Date.UTC(year, monthNumber - 1, 1)),
    end: new Date(Date.UTC(year, monthNumber, 1)),
  };
}

export function previousMonth(month: string): string {
  const { start } = monthRange(month);
  const prev = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 1, 1));
  return `${prev.getUTCFullYear()}-${String(prev.getUTCMonth() + 1).padStart(2, "0")}`;
}

export function monthOf(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The end of what the report can see: the month's end, or now for the current month. */
export function observedEnd(range: MonthRange, now: Date): Date {
  return now < range.end ? now : range.end;
}

// ---------------------------------------------------------------------------------------------
// Backups
// ---------------------------------------------------------------------------------------------

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
function succeeded(backup: BackupRow): boolean {
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

// ---------------------------------------------------------------------------------------------
// Drills, lag, alerts, copies, WAL
// ---------------------------------------------------------------------------------------------

export function drillReport(drills: readonly DrillRow[], rtoTargetSeconds: number): DrillReport {
  const ok = drills.filter((d) => d.status === "succeeded");
  const rtos = ok.flatMap((d) => (d.rtoMs === null ? [] : [d.rtoMs / 1000]));
  const worst = max(rtos);
  return {
    count: drills.length,
    succeeded: ok.length,
    failed: drills.filter((d) => d.status === "failed").length,
    rtoTargetSeconds,
    rtoMedianSeconds: median(rtos),
    rtoMaxSeconds: worst,
    withinTarget: rtos.filter((s) => s <= rtoTargetSeconds).length,
    met: worst === null ? null : worst <= rtoTargetSeconds,
  };
}

export function summarizeRollups(
  rollups: readonly RollupRow[],
  thresholdBytes = LAG_THRESHOLD_BYTES,
): LagSummary[] {
  const groups = new Map<string, RollupRow[]>();
  for (const row of rollups) {
    const key = JSON.stringify([row.standby, row.resolution]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((rows) => {
    const avgs = rows.flatMap((r) => (r.replayBytesAvg === null ? [] : [r.replayBytesAvg]));
    const maxes = rows.flatMap((r) => (r.replayBytesMax === null ? [] : [r.replayBytesMax]));
    const seconds = rows.flatMap((r) => (r.replaySecondsMax === null ? [] : [r.replaySecondsMax]));
    return {
      standby: rows[0]!.standby,
      resolution: rows[0]!.resolution,
      buckets: rows.length,
      replayBytesP50: median(avgs),
      replayBytesP95: percentile(avgs, 0.95),
      replayBytesMax: max(maxes),
      replaySecondsMax: max(seconds),
      bucketsOver: maxes.filter((m) => m > thresholdBytes).length,
    };
  });
}

export function lagReport(
  summaries: readonly LagSummary[],
  thresholdBytes = LAG_THRESHOLD_BYTES,
): StandbyLagReport[] {
  const standbys = [...new Set(summaries.map((summary) => summary.standby))].sort((a, b) =>
    a.localeCompare(b),
  );
  return standbys.flatMap((standby) => {
    const of = (resolution: string) =>
      summaries.find((s) => s.standby === standby && s.resolution === resolution && s.buckets > 0);
    const used = of("1m") ?? of("1h");
    if (!used) return [];
    const { bucketsOver, ...summary } = used;
    const minutes = used.resolution === "1m";
    return [
      {
        ...summary,
        thresholdBytes,
        minutesOverThreshold: minutes ? bucketsOver : bucketsOver * 60,
        minutesOverIsUpperBound: !minutes,
      },
    ];
  });
}

export function alertReport(alerts: readonly AlertRow[]): AlertReport {
  const bySeverity: Record<string, number> = {};
  for (const alert of alerts) bySeverity[alert.severity] = (bySeverity[alert.severity] ?? 0) + 1;
  const times = alerts.flatMap((a) =>
    a.resolvedAt ? [(a.resolvedAt.getTime() - a.startedAt.getTime()) / 1000] : [],
  );
  return {
    count: alerts.length,
    bySeverity,
    resolved: times.length,
    open: alerts.length - times.length,
    resolveMedianSeconds: median(times),
    resolveMaxSeconds: max(times),
  };
}

function parentFolder(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  return slash > 0 ? trimmed.slice(0, slash) : trimmed;
}

export function threeTwoOneReport(
  backups: readonly BackupRow[],
  cluster: Pick<ClusterInput, "secondaryRepositoryPath">,
): ThreeTwoOneReport {
  const physical = backups
    .filter((b) => b.kind === "physical" && succeeded(b))
    .sort((a, b) => (a.finishedAt?.getTime() ?? 0) - (b.finishedAt?.getTime() ?? 0));
  const newest = physical.at(-1);
  const goodCopies = (b: BackupRow) => b.copies.filter((c) => c.status === "succeeded");
  const copies = newest ? goodCopies(newest) : [];
  const folders = new Set<string>();
  if (newest?.path) folders.add(parentFolder(newest.path));
  for (const copy of copies) folders.add(parentFolder(copy.path));
  const offsite = copies.some((c) => c.offsite);
  const count = newest ? 2 + copies.length : 1;
  return {
    backupId: newest?.id ?? null,
    copies: count,
    repositories: folders.size,
    offsite,
    met: count >= 3 && folders.size >= 2 && offsite,
    copiedBackups: physical.filter((b) => goodCopies(b).length > 0).length,
    secondaryConfigured: cluster.secondaryRepositoryPath !== null,
  };
}

interface Interval {
  from: number;
  to: number;
}

function unionLength(intervals: Interval[]): number {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  let total = 0;
  let current: Interval | null = null;
  for (const interval of sorted) {
    if (!current || interval.from > current.to) {
      if (current) total += current.to - current.from;
      current = { ...interval };
    } else if (interval.to > current.to) current.to = interval.to;
  }
  if (current) total += current.to - current.from;
  return total;
}

/**
 * How much of the month a point-in-time restore could reach, from the restorable ranges of
 * the stored window. Approximate: the window describes the archive as it was at its last scan,
 * so WAL removed by retention since (or archived after the scan) is not seen.
 */
export function walContinuity(
  window: StoredWindowInput | null,
  windowError: string | null,
  range: MonthRange,
  now: Date,
): WalContinuityReport {
  if (!window) {
    return {
      coveredRatio: null,
      gaps: [],
      approximate: true,
      basis: windowError
        ? `The WAL archive could not be read: ${windowError}`
        : "The WAL archive has not been scanned yet.",
    };
  }
  const start = range.start.getTime();
  const end = observedEnd(range, now).getTime();
  const clipped = window.ranges.flatMap((r) => {
    const from = Math.max(Date.parse(r.from), start);
    const to = Math.min(Date.parse(r.to ?? r.from), end);
    return to > from ? [{ from, to }] : [];
  });
  const overlaps = (from: string | null, to: string | null) =>
    (from === null || Date.parse(from) < end) && (to === null || Date.parse(to) >= start);
  return {
    coveredRatio: end > start ? ratio(unionLength(clipped), end - start) : null,
    gaps: window.gaps.filter((g) => overlaps(g.from, g.to)),
    approximate: true,
    basis: `Restorable ranges of the WAL archive as scanned at ${window.computedAt.toISOString()}; WAL removed by retention before that scan is not seen.`,
  };
}

/** The restorable window at the month's end: the stored one for the current month, else derived from its ranges. */
export function monthEndWindow(
  window: StoredWindowInput | null,
  range: MonthRange,
  now: Date,
): MonthEndWindow {
  if (!window) return { earliest: null, latest: null, basis: "unknown", computedAt: null };
  const computedAt = window.computedAt.toISOString();
  if (now < range.end)
    return { earliest: window.earliest, latest: window.latest, basis: "stored", computedAt };
  const end = range.end.getTime();
  const before = window.ranges.filter((r) => Date.parse(r.from) < end);
  if (!before.length) return { earliest: null, latest: null, basis: "derived", computedAt };
  const earliest = Math.min(...before.map((r) => Date.parse(r.from)));
  const latest = Math.min(end, Math.max(...before.map((r) => Date.parse(r.to ?? r.from))));
  return {
    earliest: new Date(earliest).toISOString(),
    latest: new Date(latest).toISOString(),
    basis: "derived",
    computedAt,
  };
}

// ---------------------------------------------------------------------------------------------
// The cluster and the fleet
// ---------------------------------------------------------------------------------------------

export function clusterReport(input: ClusterInput, range: MonthRange, now: Date): ClusterReport {
  const finishes = input.backups.flatMap((b) =>
    b.kind === "physical" && succeeded(b) && b.finishedAt ? [b.finishedAt] : [],
  );
  return {
    clusterId: input.id,
    name: input.name,
    backups: {
      physical: kindReport("physical", input, range, now),
      logical: kindReport("logical", input, range, now),
    },
    rpo: worstGap(finishes, input.lastSuccessBefore, range, now, input.rpoTargetSeconds, input.createdAt),
    walContinuity: walContinuity(input.window, input.windowError, range, now),
    restorableWindow: monthEndWindow(input.window, range, now),
    verification: verificationReport(input.backups),
    drills: drillReport(input.drills, input.rtoTargetSeconds),
    replication: lagReport(input.lag),
    alerts: alertReport(input.alerts),
    threeTwoOne: threeTwoOneReport(input.backups, input),
  };
}

export function fleetReport(clusters: readonly ClusterReport[]): FleetReport {
  const kinds = clusters.flatMap((c) => [c.backups.physical, c.backups.logical]);
  const sum = (pick: (k: KindReport) => number) => kinds.reduce((total, k) => total + pick(k), 0);
  const ok = sum((k) => k.succeeded);
  const failed = sum((k) => k.failed);
  let worst: ClusterReport | null = null;
  for (const cluster of clusters) {
    if (cluster.rpo.worstGapSeconds === null) continue;
    if (!worst || cluster.rpo.worstGapSeconds > (worst.rpo.worstGapSeconds ?? 0)) worst = cluster;
  }
  const bySeverity: Record<string, number> = {};
  for (const cluster of clusters)
    for (const [severity, count] of Object.entries(cluster.alerts.bySeverity))
      bySeverity[severity] = (bySeverity[severity] ?? 0) + count;
  return {
    clusters: clusters.length,
    backupsScheduled: sum((k) => k.scheduled),
    backupsRun: sum((k) => k.run),
    backupsSucceeded: ok,
    backupsFailed: failed,
    successRate: ratio(ok, ok + failed),
    rpoMet: clusters.filter((c) => c.rpo.met === true).length,
    rtoMet: clusters.filter((c) => c.drills.met === true).length,
    worstGapSeconds: worst?.rpo.worstGapSeconds ?? null,
    worstGapClusterId: worst?.clusterId ?? null,
    verified: clusters.reduce((t, c) => t + c.verification.verified, 0),
    verificationFailed: clusters.reduce((t, c) => t + c.verification.failed, 0),
    drills: clusters.reduce((t, c) => t + c.drills.count, 0),
    drillsSucceeded: clusters.reduce((t, c) => t + c.drills.succeeded, 0),
    alerts: clusters.reduce((t, c) => t + c.alerts.count, 0),
    alertsBySeverity: bySeverity,
    threeTwoOneMet: clusters.filter((c) => c.threeTwoOne.met).length,
  };
}
