import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { readJson, toJson } from "@/lib/db/json";
import { appError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import {
  monthlyReportBodySchema,
  type ClusterReport,
  type MonthlyReport,
  type MonthlyReportBody,
} from "@/lib/schemas/report";
import { restoreWindowSchema } from "@/lib/schemas/restore-window";
import { clusterReport, fleetReport, LAG_THRESHOLD_BYTES } from "./aggregate";
import { canonicalJson, sha256Hex } from "./canonical";
import { monthRange, previousMonth } from "./months";
import type {
  BackupRow,
  ClusterInput,
  LagSummary,
  MonthRange,
  OffsiteFacts,
  StoredWindowInput,
} from "./report-inputs";

// The monthly report (issue 6): rows of a UTC month loaded from the catalog, aggregated by
// aggregate.ts. A finished month is stored once as a ReportSnapshot with the sha256 of its
// canonical JSON, and served from there ever after, so the evidence does not change when rows
// are added, expired or edited later. The current month is computed when asked (the API reuses its JSON for up to 5 s: respond.ts).
// The report's shape is a wire type (lib/schemas/report.ts): the report page takes it from there.

export type { MonthlyReport, MonthlyReportBody };

export interface ReportScope {
  month: string;
  clusterId?: string | null;
}

/** The month as UTC boundaries; a month that has not begun is a 422. */
export function reportRangeOrThrow(month: string, now: Date): MonthRange {
  const range = monthRange(month);
  if (range.start > now) throw appError("unprocessable_entity", "reports.notBegun", { month });
  return range;
}

export function isFinished(range: MonthRange, now: Date): boolean {
  return range.end <= now;
}

const backupSelect = {
  id: true,
  kind: true,
  status: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  sizeBytes: true,
  verified: true,
  verifiedAt: true,
  path: true,
  copies: { select: { path: true, offsite: true, status: true, repository: true } },
} satisfies Prisma.BackupSelect;

type BackupSelected = Prisma.BackupGetPayload<{ select: typeof backupSelect }>;

function toBackupRow(row: BackupSelected): BackupRow {
  return { ...row, sizeBytes: row.sizeBytes === null ? null : Number(row.sizeBytes) };
}

async function loadBackups(clusterId: string, range: MonthRange): Promise<BackupRow[]> {
  const rows = await db().backup.findMany({
    where: { clusterId, createdAt: { gte: range.start, lt: range.end } },
    select: backupSelect,
    orderBy: { createdAt: "asc" },
  });
  return rows.map(toBackupRow);
}

function toStoredWindow(row: { computedAt: Date; window: unknown } | null): StoredWindowInput | null {
  if (!row?.window) return null;
  const window = readJson(restoreWindowSchema, row.window, "restore window");
  return {
    computedAt: row.computedAt,
    earliest: window.earliest,
    latest: window.latest,
    ranges: window.ranges.map((r) => ({ from: r.from, to: r.to })),
    gaps: window.gaps.map((g) => ({
      fromWal: g.fromWal,
      toWal: g.toWal,
      segments: g.segments,
      from: g.from,
      to: g.to,
    })),
  };
}

type ClusterMeta = Pick<
  ClusterInput,
  | "id"
  | "name"
  | "createdAt"
  | "rpoTargetSeconds"
  | "rtoTargetSeconds"
  | "secondaryRepositoryPath"
  | "secondaryOffsite"
>;

/**
 * summarizeRollups (lib/reports/aggregate.ts) done by the catalog: a month of minute rollups is
 * 43,200 rows per standby, too many to carry into Node for a fleet's report.
 */
async function lagSummaries(clusterId: string, range: MonthRange): Promise<LagSummary[]> {
  const rows = await db().$queryRaw<
    {
      standby: string;
      resolution: string;
      buckets: bigint;
      p50: number | null;
      p95: number | null;
      max_bytes: bigint | null;
      max_seconds: number | null;
      over: bigint;
    }[]
  >`
    select standby, resolution, count(*) as buckets,
      percentile_cont(0.5) within group (order by replay_bytes_avg) as p50,
      percentile_cont(0.95) within group (order by replay_bytes_avg) as p95,
      max(replay_bytes_max) as max_bytes, max(replay_seconds_max) as max_seconds,
      count(*) filter (where replay_bytes_max > ${LAG_THRESHOLD_BYTES}) as over
    from replication_rollups
    where cluster_id = ${clusterId}::uuid and bucket >= ${range.start} and bucket < ${range.end}
    group by standby, resolution`;
  return rows.map((row) => ({
    standby: row.standby,
    resolution: row.resolution,
    buckets: Number(row.buckets),
    replayBytesP50: row.p50,
    replayBytesP95: row.p95,
    replayBytesMax: row.max_bytes === null ? null : Number(row.max_bytes),
    replaySecondsMax: row.max_seconds,
    bucketsOver: Number(row.over),
  }));
}

/** Every row the report of one cluster for one month is computed from. */
export async function loadClusterInput(cluster: ClusterMeta, range: MonthRange): Promise<ClusterInput> {
  const clusterId = cluster.id;
  const within = { gte: range.start, lt: range.end };
  const [backups, previousBackups, lastBefore, schedules, drills, lag, alerts, window, offsite] =
    await Promise.all([
      loadBackups(clusterId, range),
      loadBackups(clusterId, monthRange(previousMonth(range.month))),
      db().backup.findFirst({
        where: {
          clusterId,
          kind: "physical",
          status: { in: ["succeeded", "expired"] },
          finishedAt: { lt: range.start },
        },
        orderBy: { finishedAt: "desc" },
        select: { finishedAt: true },
      }),
      db().backupSchedule.findMany({
        where: { clusterId },
        select: { kind: true, cron: true, timezone: true, enabled: true, createdAt: true },
      }),
      db().restore.findMany({
        where: { clusterId, purpose: "drill", createdAt: within },
        select: { id: true, status: true, createdAt: true, rtoMs: true },
        orderBy: { createdAt: "asc" },
      }),
      lagSummaries(clusterId, range),
      db().alert.findMany({
        where: { clusterId, startedAt: within },
        select: { severity: true, kind: true, startedAt: true, resolvedAt: true },
      }),
      db().restoreWindowSnapshot.findUnique({ where: { clusterId } }),
      loadOffsiteFacts(clusterId, range),
    ]);
  return {
    ...cluster,
    backups,
    previousBackups,
    lastSuccessBefore: lastBefore?.finishedAt ?? null,
    schedules,
    drills,
    lag,
    alerts: alerts.flatMap((a) => (a.startedAt ? [{ ...a, startedAt: a.startedAt }] : [])),
    window: toStoredWindow(window),
    windowError: window?.error ?? null,
    offsite,
  };
}

/** The offsite copy's facts at the month's end: the newest backup copy by then, the WAL shipped. */
async function loadOffsiteFacts(clusterId: string, range: MonthRange): Promise<OffsiteFacts | null> {
  const [repository, lastCopy, walPositions] = await Promise.all([
    db().offsiteRepository.findUnique({ where: { clusterId }, select: { clusterId: true } }),
    db().backupCopy.findFirst({
      where: {
        backup: { clusterId },
        repository: "s3",
        status: "succeeded",
        finishedAt: { lte: range.end },
      },
      orderBy: { finishedAt: "desc" },
      select: { finishedAt: true },
    }),
    db().offsiteWalPosition.findMany({
      where: { clusterId },
      select: { lastSegmentArchivedAt: true, shippedAt: true },
    }),
  ]);
  if (!repository && !lastCopy) return null;
  return { lastBackupCopyAt: lastCopy?.finishedAt ?? null, walPositions };
}

const clusterMetaSelect = {
  id: true,
  name: true,
  createdAt: true,
  rpoTargetSeconds: true,
  rtoTargetSeconds: true,
  secondaryRepositoryPath: true,
  secondaryOffsite: true,
} satisfies Prisma.ClusterSelect;

/** The clusters in scope: the one asked for (404 when unknown), or all that existed during the month. */
async function clustersInScope(clusterId: string | null, range: MonthRange): Promise<ClusterMeta[]> {
  if (clusterId) {
    await getClusterRowOrThrow(clusterId);
    return db().cluster.findMany({ where: { id: clusterId }, select: clusterMetaSelect });
  }
  // A deleted (retired) cluster stays in the reports of the months it was registered in.
  return db().cluster.findMany({
    where: { createdAt: { lt: range.end }, OR: [{ retiredAt: null }, { retiredAt: { gte: range.start } }] },
    select: clusterMetaSelect,
    orderBy: { name: "asc" },
  });
}

/** Computes the report from the catalog as it is now, without storing anything. */
export async function computeMonthlyReport(scope: ReportScope, now = new Date()): Promise<MonthlyReportBody> {
  const range = reportRangeOrThrow(scope.month, now);
  const clusterId = scope.clusterId ?? null;
  const clusters = await clustersInScope(clusterId, range);
  const reports: ClusterReport[] = [];
  for (const cluster of clusters)
    reports.push(clusterReport(await loadClusterInput(cluster, range), range, now));
  return {
    month: scope.month,
    generatedAt: now.toISOString(),
    scope: { clusterId },
    clusters: reports,
    fleet: fleetReport(reports),
  };
}

type SnapshotRow = { report: unknown; sha256: string; createdAt: Date };

function fromSnapshot(row: SnapshotRow): MonthlyReport {
  return {
    ...readJson(monthlyReportBodySchema, row.report, "report snapshot"),
    snapshot: { sha256: row.sha256, createdAt: row.createdAt.toISOString() },
  };
}

async function findSnapshot(
  client: Pick<Prisma.TransactionClient, "reportSnapshot">,
  month: string,
  clusterId: string | null,
): Promise<SnapshotRow | null> {
  return client.reportSnapshot.findFirst({
    where: { month, clusterId },
    orderBy: { createdAt: "asc" },
    select: { report: true, sha256: true, createdAt: true },
  });
}

/**
 * Stores the finished month's report unless it is stored already, and returns the stored one.
 * An advisory lock per (month, scope) makes two first requests at once store one snapshot.
 */
async function storeSnapshot(scope: ReportScope, now: Date): Promise<MonthlyReport> {
  const clusterId = scope.clusterId ?? null;
  const existing = await findSnapshot(db(), scope.month, clusterId);
  if (existing) return fromSnapshot(existing);
  const body = await computeMonthlyReport(scope, now);
  const sha256 = sha256Hex(canonicalJson(body));
  const row = await db().$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${`walden.report:${scope.month}:${clusterId ?? "fleet"}`}))`;
    const stored = await findSnapshot(tx, scope.month, clusterId);
    if (stored) return stored;
    return tx.reportSnapshot.create({
      data: { month: scope.month, clusterId, report: toJson(body), sha256 },
      select: { report: true, sha256: true, createdAt: true },
    });
  });
  return fromSnapshot(row);
}

/** The report of a month for one cluster or the fleet: stored evidence once the month has ended, live before. */
export async function getMonthlyReport(scope: ReportScope, now = new Date()): Promise<MonthlyReport> {
  const range = reportRangeOrThrow(scope.month, now);
  if (scope.clusterId) await getClusterRowOrThrow(scope.clusterId);
  if (isFinished(range, now)) return storeSnapshot(scope, now);
  return { ...(await computeMonthlyReport(scope, now)), snapshot: null };
}

export interface SnapshotOutcome {
  clusterId: string | null;
  sha256: string;
  createdAt: string;
}

/** The worker's report.snapshot job: store the fleet's and each cluster's report of a finished month (idempotent). */
export async function snapshotMonth(month: string, now = new Date()): Promise<SnapshotOutcome[]> {
  const range = reportRangeOrThrow(month, now);
  if (!isFinished(range, now)) throw appError("unprocessable_entity", "reports.notEnded", { month });
  const clusters = await clustersInScope(null, range);
  const outcomes: SnapshotOutcome[] = [];
  for (const clusterId of [null, ...clusters.map((c) => c.id)]) {
    const report = await storeSnapshot({ month, clusterId }, now);
    if (report.snapshot) outcomes.push({ clusterId, ...report.snapshot });
  }
  return outcomes;
}
