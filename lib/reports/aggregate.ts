import type {
  AlertReport,
  ClusterReport,
  DrillReport,
  FleetReport,
  KindReport,
  MonthEndWindow,
  StandbyLagReport,
  ThreeTwoOneReport,
  WalContinuityReport,
} from "@/lib/schemas/report";
import { kindReport, succeeded, verificationReport, worstGap } from "./backup-figures";
import { observedEnd } from "./months";
import type {
  AlertRow,
  BackupRow,
  ClusterInput,
  DrillRow,
  LagSummary,
  MonthRange,
  OffsiteFacts,
  RollupRow,
  StoredWindowInput,
} from "./report-inputs";
import { max, median, percentile, ratio } from "./stats";

// The monthly report's figures, computed from rows already loaded (monthly.ts loads them; their
// shapes are in report-inputs.ts). Pure: every result is a function of the arguments, including
// the clock (`now`), so the figures can be checked by hand in aggregate.test.ts. The backups'
// figures are in backup-figures.ts, the statistics and months they use in stats.ts and months.ts.
// The figures' shapes are wire types (lib/schemas/report.ts): a finished month is stored and read
// back, the report page shows them; import them from there.

/** Lag above this counts as "over threshold" (pgMonitor's warning level for replication lag). */
export const LAG_THRESHOLD_BYTES = 50 * 1024 * 1024;

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

/** The medium a copy is on: object storage for the S3 repository, else a disk (a folder). */
function mediumOf(copy: BackupRow["copies"][number]): "disk" | "object storage" {
  if (copy.repository) return copy.repository === "s3" ? "object storage" : "disk";
  return copy.offsite && /^s3:\/\//.test(copy.path) ? "object storage" : "disk";
}

const secondsBetween = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 1000);

/**
 * How old the offsite copy was at `end`: of a backup (the newest offsite copy finished by then),
 * and of WAL (the newest segment offsite then, by its archive time). The WAL's age is known only
 * when the newest shipped segment went up by `end`: a later one replaced the record of it.
 */
export function offsiteAges(
  offsite: OffsiteFacts | null | undefined,
  end: Date,
): { offsiteBackupAgeSeconds: number | null; offsiteWalAgeSeconds: number | null } {
  const last = offsite?.lastBackupCopyAt;
  const positions = offsite?.walPositions ?? [];
  const shippedBy = positions.filter((p) => p.shippedAt <= end);
  // Every timeline's newest segment went up by the end: the newest of them is the newest offsite then.
  const walKnown = positions.length > 0 && shippedBy.length === positions.length;
  const newestWal = walKnown
    ? Math.max(...shippedBy.map((p) => Math.min(p.lastSegmentArchivedAt.getTime(), end.getTime())))
    : null;
  return {
    offsiteBackupAgeSeconds: last && last <= end ? secondsBetween(last, end) : null,
    offsiteWalAgeSeconds: newestWal === null ? null : secondsBetween(new Date(newestWal), end),
  };
}

export function threeTwoOneReport(
  backups: readonly BackupRow[],
  cluster: Pick<ClusterInput, "secondaryRepositoryPath"> & Partial<Pick<ClusterInput, "offsite">>,
  end?: Date,
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
    media: newest ? new Set(["disk", ...copies.map(mediumOf)]).size : 0,
    ...(end ? offsiteAges(cluster.offsite, end) : {}),
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
    threeTwoOne: threeTwoOneReport(input.backups, input, observedEnd(range, now)),
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
