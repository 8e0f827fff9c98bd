// Over 400 lines: the report's figures worked out by hand, one describe per figure, on shared row fixtures.
import { describe, expect, it } from "vitest";
import {
  alertReport,
  clusterReport,
  drillReport,
  fleetReport,
  lagReport,
  summarizeRollups,
  monthEndWindow,
  offsiteAges,
  threeTwoOneReport,
  walContinuity,
} from "./aggregate";
import { countFirings, kindReport, sizeDurationStats, verificationReport, worstGap } from "./backup-figures";
import { monthRange, previousMonth } from "./months";
import type { BackupRow, ClusterInput, RollupRow } from "./report-inputs";
import { percentile } from "./stats";

// Every expectation below is worked out by hand in the comment beside it.

const MiB = 1024 * 1024;
const october = monthRange("2026-10");
const afterOctober = new Date("2026-11-05T00:00:00Z");
const at = (iso: string) => new Date(iso);

function backup(overrides: Partial<BackupRow> & Pick<BackupRow, "id">): BackupRow {
  return {
    kind: "physical",
    status: "succeeded",
    createdAt: at("2026-10-01T00:00:00Z"),
    startedAt: null,
    finishedAt: null,
    sizeBytes: null,
    verified: false,
    verifiedAt: null,
    path: null,
    copies: [],
    ...overrides,
  };
}

describe("percentile", () => {
  it("interpolates between closest ranks", () => {
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    // rank (5-1)*0.95 = 3.8 → 40 + 0.8 * (50 - 40) = 48
    expect(percentile([10, 20, 30, 40, 50], 0.95)).toBeCloseTo(48, 10);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe("months", () => {
  it("has UTC boundaries and a previous month across the year", () => {
    expect(october.start.toISOString()).toBe("2026-10-01T00:00:00.000Z");
    expect(october.end.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(monthRange("2026-12").end.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(previousMonth("2026-01")).toBe("2025-12");
  });
});

describe("countFirings", () => {
  it("counts a daily cron over October, the first instant included and the next month's excluded", () => {
    expect(countFirings("0 0 * * *", "UTC", october.start, october.end)).toBe(31);
  });
  it("reads the cron in its zone", () => {
    // 1st of the month at 00:00 Berlin: Oct 1 is 2026-09-30T22:00Z (outside), Nov 1 is
    // 2026-10-31T23:00Z (inside, after the end of summer time on Oct 25).
    expect(countFirings("0 0 1 * *", "Europe/Berlin", october.start, october.end)).toBe(1);
  });
  it("is 0 for an expression it cannot read", () => {
    expect(countFirings("not a cron", "UTC", october.start, october.end)).toBe(0);
  });
});

describe("backups of a kind", () => {
  const backups: BackupRow[] = [
    // durations 600 s, 1200 s, 1800 s; sizes 100, 200, 300 MiB
    backup({
      id: "a",
      startedAt: at("2026-10-02T02:00:00Z"),
      finishedAt: at("2026-10-02T02:10:00Z"),
      sizeBytes: 100 * MiB,
    }),
    backup({
      id: "b",
      status: "expired",
      startedAt: at("2026-10-03T02:00:00Z"),
      finishedAt: at("2026-10-03T02:20:00Z"),
      sizeBytes: 200 * MiB,
    }),
    backup({
      id: "c",
      startedAt: at("2026-10-04T02:00:00Z"),
      finishedAt: at("2026-10-04T02:30:00Z"),
      sizeBytes: 300 * MiB,
    }),
    backup({ id: "d", status: "failed", startedAt: at("2026-10-05T02:00:00Z") }),
    backup({ id: "e", status: "queued" }),
    backup({ id: "f", kind: "logical", startedAt: at("2026-10-06T02:00:00Z") }),
  ];
  const previousBackups = [
    // median size 150 MiB, median duration 1000 s
    backup({
      id: "p1",
      startedAt: at("2026-09-02T02:00:00Z"),
      finishedAt: at("2026-09-02T02:16:40Z"),
      sizeBytes: 150 * MiB,
    }),
  ];

  it("counts scheduled, run, succeeded and failed, with the success rate", () => {
    const report = kindReport(
      "physical",
      {
        backups,
        previousBackups,
        schedules: [
          // daily at 02:00 since before the month: 31 firings
          {
            kind: "physical",
            cron: "0 2 * * *",
            timezone: "UTC",
            enabled: true,
            createdAt: at("2026-01-01T00:00:00Z"),
          },
          // paused: no firings expected
          {
            kind: "physical",
            cron: "0 3 * * *",
            timezone: "UTC",
            enabled: false,
            createdAt: at("2026-01-01T00:00:00Z"),
          },
          {
            kind: "logical",
            cron: "0 4 * * *",
            timezone: "UTC",
            enabled: true,
            createdAt: at("2026-01-01T00:00:00Z"),
          },
        ],
      },
      october,
      afterOctober,
    );
    expect(report.scheduled).toBe(31);
    expect(report.run).toBe(4); // a, b, c, d (e is still queued)
    expect(report.succeeded).toBe(3); // an expired backup had succeeded
    expect(report.failed).toBe(1);
    expect(report.successRate).toBe(0.75);
    expect(report.sizeBytesMedian).toBe(200 * MiB);
    // sizes 100, 200, 300: rank 2*0.95 = 1.9 → 200 + 0.9*100 = 290 MiB
    expect(report.sizeBytesP95).toBeCloseTo(290 * MiB, 3);
    expect(report.durationSecondsMedian).toBe(1200);
    // durations 600, 1200, 1800: 1200 + 0.9*600 = 1740
    expect(report.durationSecondsP95).toBeCloseTo(1740, 6);
    // 200 vs 150 MiB: +33.3 %; 1200 vs 1000 s: +20 %
    expect(report.trend.sizeMedianChangePercent).toBe(33.3);
    expect(report.trend.durationMedianChangePercent).toBe(20);
  });

  it("counts firings only from the day a schedule was created, and only until now in the current month", () => {
    const report = kindReport(
      "physical",
      {
        backups: [],
        previousBackups: [],
        schedules: [
          {
            kind: "physical",
            cron: "0 2 * * *",
            timezone: "UTC",
            enabled: true,
            createdAt: at("2026-10-16T12:00:00Z"),
          },
        ],
      },
      october,
      at("2026-10-20T03:00:00Z"),
    );
    // Oct 17, 18, 19, 20 at 02:00
    expect(report.scheduled).toBe(4);
    expect(report.successRate).toBeNull();
  });

  it("keeps statistics to succeeded backups", () => {
    expect(sizeDurationStats(backups.filter((b) => b.kind === "logical")).durationSecondsMedian).toBeNull();
    expect(sizeDurationStats(backups).count).toBe(4); // a, b, c and the logical f
  });
});

describe("worstGap (achieved RPO)", () => {
  it("finds the largest gap between successful physical backups, from the last one before the month", () => {
    // daily at 20:00 except Oct 10 and 11: the gap Oct 9 20:00 → Oct 12 20:00 is 72 h
    const finishes = Array.from({ length: 31 }, (_, index) => index + 1)
      .filter((day) => day !== 10 && day !== 11)
      .map((day) => at(`2026-10-${String(day).padStart(2, "0")}T20:00:00Z`));
    const rpo = worstGap(finishes, at("2026-09-30T20:00:00Z"), october, afterOctober, 93_600);
    expect(rpo.worstGapSeconds).toBe(72 * 3600);
    expect(rpo.worstGapFrom).toBe("2026-10-09T20:00:00.000Z");
    expect(rpo.worstGapTo).toBe("2026-10-12T20:00:00.000Z");
    expect(rpo.met).toBe(false);
    expect(rpo.note).toBeNull();
  });

  it("counts the gap before the first backup of the month from the last one before it", () => {
    const rpo = worstGap(
      [at("2026-10-02T00:00:00Z"), at("2026-10-31T12:00:00Z")],
      at("2026-09-28T00:00:00Z"),
      october,
      afterOctober,
      93_600,
    );
    // gaps: 4 d, 29 d 12 h, 12 h → 29.5 days
    expect(rpo.worstGapSeconds).toBe(29.5 * 86_400);
    expect(rpo.worstGapFrom).toBe("2026-10-02T00:00:00.000Z");
  });

  it("ends the current month's last gap now, and notes when nothing succeeded before the month", () => {
    const november = monthRange("2026-11");
    const now = at("2026-11-03T06:00:00Z");
    const rpo = worstGap(
      [at("2026-11-01T22:00:00Z"), at("2026-11-02T22:00:00Z")],
      null,
      november,
      now,
      93_600,
    );
    // Nov 1 00:00 → 22:00 = 22 h, then 24 h, then 8 h open
    expect(rpo.worstGapSeconds).toBe(24 * 3600);
    expect(rpo.met).toBe(true);
    expect(rpo.note).toMatch(/month's start/);
  });

  it("counts the first gap from the cluster's registration when it was registered during the month", () => {
    const rpo = worstGap(
      [at("2026-10-21T00:00:00Z")],
      null,
      october,
      afterOctober,
      93_600,
      at("2026-10-20T00:00:00Z"),
    );
    // Oct 20 → Oct 21 = 1 day, then Oct 21 → Nov 1 = 11 days
    expect(rpo.worstGapSeconds).toBe(11 * 86_400);
    expect(rpo.note).toMatch(/registration/);
    const first = worstGap(
      [at("2026-10-31T00:00:00Z")],
      null,
      october,
      afterOctober,
      93_600,
      at("2026-10-20T00:00:00Z"),
    );
    // Oct 20 → Oct 31 = 11 days, not the 30 days since the month's start
    expect(first.worstGapSeconds).toBe(11 * 86_400);
  });
});

describe("verification, drills, alerts", () => {
  it("counts verified, failed and unverified succeeded backups", () => {
    const report = verificationReport([
      backup({ id: "1", verified: true, verifiedAt: at("2026-10-02T00:00:00Z") }),
      backup({ id: "2", verified: false, verifiedAt: at("2026-10-02T00:00:00Z") }),
      backup({ id: "3" }),
      backup({ id: "4", status: "failed" }),
    ]);
    expect(report).toEqual({ verified: 1, failed: 1, unverified: 1 });
  });

  it("measures drill RTO against the target", () => {
    const report = drillReport(
      [
        { id: "1", status: "succeeded", createdAt: at("2026-10-03T00:00:00Z"), rtoMs: 600_000 },
        { id: "2", status: "succeeded", createdAt: at("2026-10-10T00:00:00Z"), rtoMs: 1_200_000 },
        { id: "3", status: "succeeded", createdAt: at("2026-10-17T00:00:00Z"), rtoMs: 4_000_000 },
        { id: "4", status: "failed", createdAt: at("2026-10-24T00:00:00Z"), rtoMs: null },
      ],
      3600,
    );
    expect(report.count).toBe(4);
    expect(report.succeeded).toBe(3);
    expect(report.failed).toBe(1);
    expect(report.rtoMedianSeconds).toBe(1200);
    expect(report.rtoMaxSeconds).toBe(4000);
    expect(report.withinTarget).toBe(2);
    expect(report.met).toBe(false);
  });

  it("has no RTO verdict without a succeeded drill", () => {
    expect(drillReport([], 3600)).toMatchObject({ count: 0, rtoMedianSeconds: null, met: null });
  });

  it("counts alerts by severity with time to resolve", () => {
    const fired = at("2026-10-05T10:00:00Z");
    const after = (seconds: number) => new Date(fired.getTime() + seconds * 1000);
    const report = alertReport([
      { severity: "critical", kind: "wal_gap", startedAt: fired, resolvedAt: after(300) },
      { severity: "warning", kind: "replication_lag_bytes", startedAt: fired, resolvedAt: after(60) },
      { severity: "warning", kind: "replication_lag_bytes", startedAt: fired, resolvedAt: after(600) },
      { severity: "warning", kind: "slot_inactive", startedAt: fired, resolvedAt: null },
    ]);
    expect(report).toEqual({
      count: 4,
      bySeverity: { critical: 1, warning: 3 },
      resolved: 3,
      open: 1,
      resolveMedianSeconds: 300,
      resolveMaxSeconds: 600,
    });
  });
});

describe("replication lag per standby", () => {
  const minute = (standby: string, index: number, avgMiB: number, maxMiB: number): RollupRow => ({
    standby,
    resolution: "1m",
    bucket: new Date(october.start.getTime() + index * 60_000),
    replayBytesAvg: avgMiB * MiB,
    replayBytesMax: maxMiB * MiB,
    replaySecondsMax: index,
  });

  it("takes percentiles of the minute averages, the max of the maxima and minutes over 50 MiB", () => {
    const rows = [
      minute("s1", 0, 0, 1),
      minute("s1", 1, 10, 30),
      minute("s1", 2, 20, 51),
      minute("s1", 3, 60, 70),
      minute("s1", 4, 100, 120),
      // hour rollups are ignored when minute rollups exist
      { ...minute("s1", 0, 500, 500), resolution: "1h" },
      { ...minute("s2", 0, 5, 60), resolution: "1h" },
      { ...minute("s2", 60, 5, 10), resolution: "1h" },
    ];
    const [s1, s2] = lagReport(summarizeRollups(rows));
    expect(s1?.standby).toBe("s1");
    expect(s1?.resolution).toBe("1m");
    expect(s1?.buckets).toBe(5);
    expect(s1?.replayBytesP50).toBe(20 * MiB);
    // rank 4*0.95 = 3.8 → 60 + 0.8*40 = 92 MiB
    expect(s1?.replayBytesP95).toBeCloseTo(92 * MiB, 3);
    expect(s1?.replayBytesMax).toBe(120 * MiB);
    expect(s1?.replaySecondsMax).toBe(4);
    expect(s1?.minutesOverThreshold).toBe(3); // 51, 70, 120 MiB
    expect(s1?.minutesOverIsUpperBound).toBe(false);
    // only hour rollups: one hour over → 60 minutes at most
    expect(s2?.resolution).toBe("1h");
    expect(s2?.minutesOverThreshold).toBe(60);
    expect(s2?.minutesOverIsUpperBound).toBe(true);
  });
});

describe("3-2-1", () => {
  it("reads copies, repositories and offsite from the newest physical backup's checked copies", () => {
    const report = threeTwoOneReport(
      [
        backup({ id: "old", finishedAt: at("2026-10-01T01:00:00Z"), path: "/repo/main/old" }),
        backup({
          id: "new",
          finishedAt: at("2026-10-02T01:00:00Z"),
          path: "/repo/main/new",
          copies: [
            { path: "/mnt/offsite/new", offsite: true, status: "succeeded" },
            { path: "/mnt/other/new", offsite: false, status: "failed" },
          ],
        }),
      ],
      { secondaryRepositoryPath: "/mnt/offsite" },
    );
    // the live database, the backup, one checked copy; /repo/main and /mnt/offsite
    expect(report).toEqual({
      backupId: "new",
      copies: 3,
      repositories: 2,
      offsite: true,
      met: true,
      copiedBackups: 1,
      secondaryConfigured: true,
      media: 1,
    });
  });

  it("counts media (a disk, object storage) and the offsite copy's age at the report's end", () => {
    const end = at("2026-11-01T00:00:00Z");
    const report = threeTwoOneReport(
      [
        backup({
          id: "b",
          finishedAt: at("2026-10-30T01:00:00Z"),
          path: "/repo/main/b",
          copies: [
            { path: "/mnt/second/b", offsite: false, status: "succeeded", repository: "folder" },
            { path: "s3://bucket/x at https://s3", offsite: true, status: "succeeded", repository: "s3" },
          ],
        }),
      ],
      {
        secondaryRepositoryPath: "/mnt/second",
        offsite: {
          lastBackupCopyAt: at("2026-10-30T02:00:00Z"),
          walPositions: [
            // timeline 1 ended long ago; timeline 2's newest segment, archived 90 s before the end
            { lastSegmentArchivedAt: at("2026-10-20T00:00:00Z"), shippedAt: at("2026-10-20T00:01:00Z") },
            { lastSegmentArchivedAt: at("2026-10-31T23:58:30Z"), shippedAt: at("2026-10-31T23:59:00Z") },
          ],
        },
      },
      end,
    );
    expect(report).toMatchObject({
      copies: 4,
      media: 2,
      offsite: true,
      met: true,
      offsiteBackupAgeSeconds: 46 * 3600,
      offsiteWalAgeSeconds: 90,
    });
  });

  it("an offsite copy or WAL after the end is not counted back: no copy by then, or a WAL age it cannot know", () => {
    const end = at("2026-11-01T00:00:00Z");
    const ages = (offsite: Parameters<typeof offsiteAges>[0]) => offsiteAges(offsite, end);
    expect(
      ages({
        lastBackupCopyAt: at("2026-11-01T00:00:01Z"),
        // shipped after the end: which segment was the newest offsite at the end is not recorded
        walPositions: [
          { lastSegmentArchivedAt: at("2026-10-31T23:59:00Z"), shippedAt: at("2026-11-01T00:00:30Z") },
        ],
      }),
    ).toEqual({ offsiteBackupAgeSeconds: null, offsiteWalAgeSeconds: null });
    expect(ages({ lastBackupCopyAt: null, walPositions: [] })).toEqual({
      offsiteBackupAgeSeconds: null,
      offsiteWalAgeSeconds: null,
    });
    expect(ages(null)).toEqual({ offsiteBackupAgeSeconds: null, offsiteWalAgeSeconds: null });
    // an old-style copy row without its repository: an offsite s3:// location is object storage
    const report = threeTwoOneReport(
      [
        backup({
          id: "c",
          path: "/repo/main/c",
          copies: [{ path: "s3://bucket at https://s3", offsite: true, status: "succeeded" }],
        }),
      ],
      { secondaryRepositoryPath: null },
    );
    expect(report.media).toBe(2);
  });

  it("is not met with a single repository", () => {
    const report = threeTwoOneReport([backup({ id: "x", path: "/repo/main/x" })], {
      secondaryRepositoryPath: null,
    });
    expect(report).toMatchObject({ copies: 2, repositories: 1, offsite: false, met: false, media: 1 });
  });
});

describe("WAL continuity and the restorable window", () => {
  const window = {
    computedAt: at("2026-11-03T00:00:00Z"),
    earliest: "2026-09-20T00:00:00.000Z",
    latest: "2026-11-03T00:00:00.000Z",
    ranges: [
      { from: "2026-09-20T00:00:00.000Z", to: "2026-10-11T00:00:00.000Z" },
      { from: "2026-10-21T00:00:00.000Z", to: "2026-11-03T00:00:00.000Z" },
    ],
    gaps: [
      {
        fromWal: "000000010000000000000010",
        toWal: "000000010000000000000012",
        segments: 3,
        from: "2026-10-11T00:00:00.000Z",
        to: "2026-10-21T00:00:00.000Z",
      },
    ],
  };

  it("covers the share of the month inside restorable ranges", () => {
    const report = walContinuity(window, null, october, afterOctober);
    // Oct 1–11 (10 days) and Oct 21–Nov 1 (11 days) of 31: 21/31 = 0.67741… → 0.6774
    expect(report.coveredRatio).toBe(0.6774);
    expect(report.gaps).toHaveLength(1);
    expect(report.approximate).toBe(true);
  });

  it("says why when the archive could not be read", () => {
    const report = walContinuity(null, "permission denied", october, afterOctober);
    expect(report.coveredRatio).toBeNull();
    expect(report.basis).toContain("permission denied");
  });

  it("derives the window at a past month's end and uses the stored one for the current month", () => {
    expect(monthEndWindow(window, october, afterOctober)).toMatchObject({
      earliest: "2026-09-20T00:00:00.000Z",
      latest: "2026-11-01T00:00:00.000Z",
      basis: "derived",
    });
    expect(monthEndWindow(window, monthRange("2026-11"), afterOctober)).toMatchObject({
      latest: "2026-11-03T00:00:00.000Z",
      basis: "stored",
    });
  });
});

describe("cluster and fleet", () => {
  function input(id: string, overrides: Partial<ClusterInput>): ClusterInput {
    return {
      id,
      name: id,
      createdAt: at("2026-01-01T00:00:00Z"),
      rpoTargetSeconds: 93_600,
      rtoTargetSeconds: 3600,
      secondaryRepositoryPath: null,
      secondaryOffsite: false,
      backups: [],
      previousBackups: [],
      lastSuccessBefore: null,
      schedules: [],
      drills: [],
      lag: [],
      alerts: [],
      window: null,
      windowError: null,
      ...overrides,
    };
  }

  it("sums the clusters and names the worst gap", () => {
    const a = clusterReport(
      input("a", {
        backups: [
          backup({ id: "a1", finishedAt: at("2026-10-31T12:00:00Z") }),
          backup({ id: "a2", status: "failed" }),
        ],
        lastSuccessBefore: at("2026-09-30T12:00:00Z"),
        alerts: [{ severity: "warning", kind: "x", startedAt: at("2026-10-02T00:00:00Z"), resolvedAt: null }],
      }),
      october,
      afterOctober,
    );
    const b = clusterReport(
      input("b", {
        backups: [backup({ id: "b1", kind: "logical" })],
        alerts: [
          { severity: "critical", kind: "y", startedAt: at("2026-10-02T00:00:00Z"), resolvedAt: null },
        ],
      }),
      october,
      afterOctober,
    );
    // a: Sep 30 12:00 → Oct 31 12:00 = 31 days; b: no physical backup, the whole month = 31 days
    expect(a.rpo.worstGapSeconds).toBe(31 * 86_400);
    expect(b.rpo.worstGapSeconds).toBe(31 * 86_400);
    const fleet = fleetReport([a, b]);
    expect(fleet.clusters).toBe(2);
    expect(fleet.backupsSucceeded).toBe(2);
    expect(fleet.backupsFailed).toBe(1);
    expect(fleet.successRate).toBe(0.6667);
    expect(fleet.worstGapClusterId).toBe("a"); // the first of equal gaps
    expect(fleet.rpoMet).toBe(0);
    expect(fleet.alertsBySeverity).toEqual({ warning: 1, critical: 1 });
  });
});
