import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { canonicalJson, sha256Hex } from "./canonical";
import { CSV_COLUMNS, monthlyCsv } from "./csv";
import { computeMonthlyReport, getMonthlyReport, snapshotMonth } from "./monthly";
import { forgetSharedReads } from "@/lib/web/shared-read";
import { monthlyReportResponse, REPORT_MAX_AGE_MS } from "./respond";

// The monthly report against a seeded catalog (catalog rows only; no PostgreSQL work): the
// figures worked out by hand, the CSV, and the snapshot that keeps a finished month's evidence
// unchanged when rows are added later.

const MONTH = "2026-09";
const MiB = 1024 * 1024;
let clusterId: string;
let clusterName: string;

async function addBackup(data: {
  kind?: "physical" | "logical";
  status: "succeeded" | "failed" | "expired";
  created: string;
  minutes?: number;
  sizeMiB?: number;
  verified?: boolean | null;
}) {
  const created = new Date(data.created);
  const finished = data.minutes === undefined ? null : new Date(created.getTime() + data.minutes * 60_000);
  return db().backup.create({
    data: {
      clusterId,
      kind: data.kind ?? "physical",
      status: data.status,
      options: {},
      requestedBy: "report test",
      createdAt: created,
      startedAt: created,
      finishedAt: finished,
      sizeBytes: data.sizeMiB === undefined ? null : BigInt(data.sizeMiB * MiB),
      verified: data.verified === true,
      verifiedAt: data.verified === undefined || data.verified === null ? null : finished,
      path: `/repo/${clusterName}/${created.getTime()}`,
    },
  });
}

beforeAll(async () => {
  clusterName = `report-${Date.now().toString(36)}`;
  const cluster = await db().cluster.create({
    data: {
      name: clusterName,
      archiveMode: "archive_command",
      // Registered before the months under test, so the fleet reports of those months include it.
      createdAt: new Date("2026-06-01T00:00:00Z"),
    },
  });
  clusterId = cluster.id;

  // The last success before September, then September: three physical successes, one failure,
  // one logical backup.
  await addBackup({ status: "succeeded", created: "2026-08-31T19:50:00Z", minutes: 10, sizeMiB: 90 });
  await addBackup({
    status: "succeeded",
    created: "2026-09-01T19:50:00Z",
    minutes: 10,
    sizeMiB: 100,
    verified: true,
  });
  await addBackup({ status: "expired", created: "2026-09-02T19:40:00Z", minutes: 20, sizeMiB: 200 });
  await addBackup({ status: "failed", created: "2026-09-03T19:40:00Z" });
  await addBackup({
    status: "succeeded",
    created: "2026-09-05T19:30:00Z",
    minutes: 30,
    sizeMiB: 300,
    verified: false,
  });
  await addBackup({
    kind: "logical",
    status: "succeeded",
    created: "2026-09-04T03:00:00Z",
    minutes: 2,
    sizeMiB: 5,
  });

  for (const [day, rtoMs, status] of [
    ["2026-09-07T04:00:00Z", 900_000, "succeeded"],
    ["2026-09-14T04:00:00Z", 5_400_000, "succeeded"],
    ["2026-09-21T04:00:00Z", null, "failed"],
  ] as const) {
    await db().restore.create({
      data: {
        clusterId,
        kind: "pitr",
        status,
        purpose: "drill",
        request: {},
        requestedBy: "report test",
        createdAt: new Date(day),
        rtoMs,
      },
    });
  }

  const rule = await db().alertRule.create({
    data: { clusterId, kind: "replication_lag_bytes", threshold: 50 * MiB },
  });
  for (const [severity, started, seconds] of [
    ["warning", "2026-09-10T10:00:00Z", 120],
    ["critical", "2026-09-11T10:00:00Z", 480],
    // fired in August: not September's
    ["critical", "2026-08-20T10:00:00Z", 60],
  ] as const) {
    const startedAt = new Date(started);
    await db().alert.create({
      data: {
        ruleId: rule.id,
        clusterId,
        kind: "replication_lag_bytes",
        subject: "standby1",
        state: "resolved",
        severity,
        message: "lag",
        pendingSince: startedAt,
        startedAt,
        resolvedAt: new Date(startedAt.getTime() + seconds * 1000),
      },
    });
  }

  await db().replicationRollup.createMany({
    data: [10, 30, 60, 80].map((lagMiB, index) => ({
      clusterId,
      standby: "standby1",
      resolution: "1m",
      bucket: new Date(Date.UTC(2026, 8, 10, 10, index)),
      samples: 60,
      replayBytesAvg: lagMiB * MiB,
      replayBytesMax: BigInt(lagMiB * MiB),
      replaySecondsMax: index,
    })),
  });
});

afterAll(async () => {
  await db().cluster.delete({ where: { id: clusterId } });
});

describe("the monthly report of a finished month", () => {
  it("answers with the figures worked out by hand", async () => {
    const report = await computeMonthlyReport({ month: MONTH, clusterId });
    expect(report.scope).toEqual({ clusterId });
    expect(report.clusters).toHaveLength(1);
    const cluster = report.clusters[0]!;
    expect(cluster.name).toBe(clusterName);

    const physical = cluster.backups.physical;
    expect(physical.run).toBe(4);
    expect(physical.succeeded).toBe(3); // the expired one had succeeded
    expect(physical.failed).toBe(1);
    expect(physical.successRate).toBe(0.75);
    expect(physical.sizeBytesMedian).toBe(200 * MiB);
    expect(physical.durationSecondsMedian).toBe(1200); // 600, 1200, 1800 s
    // 200 MiB against August's single 90 MiB backup: +122.2 %
    expect(physical.trend.sizeMedianChangePercent).toBe(122.2);
    expect(cluster.backups.logical.succeeded).toBe(1);

    // Successes at Aug 31, Sep 1, Sep 2 and Sep 5, all 20:00: the worst gap is Sep 5 20:00 to
    // Oct 1 00:00, 25 days 4 hours, far over the default 26 h target.
    expect(cluster.rpo.worstGapSeconds).toBe(25 * 86_400 + 4 * 3600);
    expect(cluster.rpo.worstGapFrom).toBe("2026-09-05T20:00:00.000Z");
    expect(cluster.rpo.targetSeconds).toBe(93_600);
    expect(cluster.rpo.met).toBe(false);

    // Sep 1 passed, Sep 5 failed; the expired Sep 2 backup and the logical one were never verified.
    expect(cluster.verification).toEqual({ verified: 1, failed: 1, unverified: 2 });

    expect(cluster.drills).toMatchObject({
      count: 3,
      succeeded: 2,
      failed: 1,
      rtoMedianSeconds: 3150, // (900 + 5400) / 2
      rtoMaxSeconds: 5400,
      rtoTargetSeconds: 3600,
      withinTarget: 1,
      met: false,
    });

    expect(cluster.alerts).toEqual({
      count: 2,
      bySeverity: { warning: 1, critical: 1 },
      resolved: 2,
      open: 0,
      resolveMedianSeconds: 300, // (120 + 480) / 2
      resolveMaxSeconds: 480,
    });

    const [lag] = cluster.replication;
    expect(lag).toMatchObject({
      standby: "standby1",
      resolution: "1m",
      buckets: 4,
      replayBytesMax: 80 * MiB,
    });
    expect(lag?.replayBytesP50).toBe(45 * MiB); // (30 + 60) / 2
    // computed by the catalog (percentile_cont), as summarizeRollups does: rank 3 × 0.95 = 2.85
    expect(lag?.replayBytesP95).toBeCloseTo(77 * MiB, 3); // 60 + 0.85 × (80 − 60)
    expect(lag?.replaySecondsMax).toBe(3);
    expect(lag?.minutesOverThreshold).toBe(2); // 60 and 80 MiB are over 50 MiB

    expect(cluster.walContinuity.coveredRatio).toBeNull(); // the archive was never scanned
    expect(cluster.threeTwoOne).toMatchObject({ copies: 2, repositories: 1, met: false });
    expect(report.fleet).toMatchObject({
      clusters: 1,
      backupsSucceeded: 4,
      backupsFailed: 1,
      successRate: 0.8,
    });
  });

  it("writes the CSV with a header row and one line per backup of the month", async () => {
    const csv = await monthlyCsv({ month: MONTH, clusterId });
    const lines = csv.trimEnd().split("\n");
    expect(lines[0]).toBe(CSV_COLUMNS.join(","));
    expect(lines).toHaveLength(1 + 5); // the August backup is not September's
    expect(lines.filter((line) => line.includes(",physical,failed,"))).toHaveLength(1);

    const response = await monthlyReportResponse({ month: MONTH, clusterId, format: "csv" });
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="walden-report-${MONTH}-${clusterName}.csv"`,
    );
    expect(await response.text()).toBe(csv);
  });

  it("is snapshotted on the first request and served unchanged after new rows arrive", async () => {
    const first = await getMonthlyReport({ month: MONTH, clusterId });
    expect(first.snapshot).not.toBeNull();
    const { snapshot, ...body } = first;
    expect(snapshot?.sha256).toBe(sha256Hex(canonicalJson(body)));

    await addBackup({ status: "succeeded", created: "2026-09-20T19:50:00Z", minutes: 10, sizeMiB: 400 });
    const live = await computeMonthlyReport({ month: MONTH, clusterId });
    expect(live.clusters[0]?.backups.physical.run).toBe(5);

    const second = await getMonthlyReport({ month: MONTH, clusterId });
    expect(second.snapshot?.sha256).toBe(snapshot?.sha256);
    expect(second.snapshot?.createdAt).toBe(snapshot?.createdAt);
    expect(second.clusters[0]?.backups.physical.run).toBe(4);
    expect(second.generatedAt).toBe(first.generatedAt);
    expect(await db().reportSnapshot.count({ where: { month: MONTH, clusterId } })).toBe(1);
  });

  it("stores one snapshot when two first requests arrive at once", async () => {
    const [a, b] = await Promise.all([
      getMonthlyReport({ month: "2026-08", clusterId }),
      getMonthlyReport({ month: "2026-08", clusterId }),
    ]);
    expect(a.snapshot?.sha256).toBe(b.snapshot?.sha256);
    expect(await db().reportSnapshot.count({ where: { month: "2026-08", clusterId } })).toBe(1);
  });

  it("snapshots the worker's month once per scope", async () => {
    const outcomes = await snapshotMonth("2026-07");
    const mine = outcomes.find((o) => o.clusterId === clusterId);
    expect(mine?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(outcomes.some((o) => o.clusterId === null)).toBe(true);
    const again = await snapshotMonth("2026-07");
    expect(again.find((o) => o.clusterId === clusterId)?.sha256).toBe(mine?.sha256);
    expect(await db().reportSnapshot.count({ where: { month: "2026-07", clusterId } })).toBe(1);
  });
});

describe("the current month and bad requests", () => {
  it("computes the current month live, without a snapshot", async () => {
    const now = new Date();
    const month = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
    const report = await getMonthlyReport({ month, clusterId });
    expect(report.snapshot).toBeNull();
    expect(await db().reportSnapshot.count({ where: { month, clusterId } })).toBe(0);
  });

  it("reuses the JSON for REPORT_MAX_AGE_MS, and not past a change made here or the month's end", async () => {
    const now = new Date();
    const month = now.toISOString().slice(0, 7);
    const ask = async (at: number) => {
      const response = await monthlyReportResponse({ month, clusterId, format: "json" }, new Date(at));
      return (await response.json()) as {
        generatedAt: string;
        clusters: { backups: { physical: { run: number } } }[];
      };
    };
    const runs = (report: Awaited<ReturnType<typeof ask>>) => report.clusters[0]?.backups.physical.run;
    const t0 = now.getTime();
    const first = await ask(t0);
    await addBackup({ status: "succeeded", created: now.toISOString(), minutes: 0, sizeMiB: 1 });
    const kept = await ask(t0 + REPORT_MAX_AGE_MS - 1);
    expect(kept.generatedAt).toBe(first.generatedAt);
    expect(runs(kept)).toBe(runs(first));
    // A change through this process (any POST) makes the next request read the catalog again.
    forgetSharedReads();
    const afterChange = await ask(t0 + 1);
    expect(afterChange.generatedAt).toBe(new Date(t0 + 1).toISOString());
    expect(runs(afterChange)).toBe(runs(first)! + 1);
    // A change by another process (the worker) shows once the kept answer is REPORT_MAX_AGE_MS old.
    await addBackup({ status: "succeeded", created: now.toISOString(), minutes: 0, sizeMiB: 1 });
    expect(runs(await ask(t0 + REPORT_MAX_AGE_MS))).toBe(runs(first)! + 1);
    expect(runs(await ask(t0 + 1 + REPORT_MAX_AGE_MS))).toBe(runs(first)! + 2);

    // A month's live figures are never served once it has ended: its stored snapshot is.
    const lastSecond = Date.parse("2026-09-30T23:59:59Z");
    const live = await monthlyReportResponse(
      { month: MONTH, clusterId, format: "json" },
      new Date(lastSecond),
    );
    expect(((await live.json()) as { snapshot: unknown }).snapshot).toBeNull();
    const ended = await monthlyReportResponse(
      { month: MONTH, clusterId, format: "json" },
      new Date(lastSecond + 1_000),
    );
    expect(((await ended.json()) as { snapshot: unknown }).snapshot).not.toBeNull();
  });

  it("is a 422 for a month that has not begun and a 404 for an unknown cluster", async () => {
    await expect(getMonthlyReport({ month: "2999-01" })).rejects.toMatchObject({
      code: "unprocessable_entity",
    });
    const unknown = getMonthlyReport({ month: MONTH, clusterId: randomUUID() });
    await expect(unknown).rejects.toBeInstanceOf(AppError);
    await expect(unknown).rejects.toMatchObject({ code: "not_found" });
  });
});
