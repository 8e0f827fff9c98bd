import { describe, expect, it } from "vitest";
import { assessSafety } from "./fleet-status";

// The words and the order the overview shows; the figures as GET /api/v1/clusters lists them.

const safeFigures: Parameters<typeof assessSafety>[1] = {
  lastBackup: {
    id: "b1",
    kind: "physical",
    label: null,
    finishedAt: "2026-12-03T10:00:00.000Z",
    sizeBytes: 1024,
    ageSeconds: 3600,
  },
  rpo: { targetSeconds: 93_600, achievedSeconds: 3600 },
  restoreWindow: {
    earliest: "2026-12-03T10:00:00.000Z",
    latest: "2026-12-03T11:00:00.000Z",
    gaps: 0,
    computedAt: "2026-12-03T11:00:05.000Z",
    error: null,
  },
  replicationLag: { bytes: 0, seconds: 0 },
  archiver: { failing: false, failedCount: 0, lastFailedWal: null, lastFailedAt: null },
  lastDrill: { id: "d1", status: "succeeded", finishedAt: null, rtoSeconds: 120, rtoTargetSeconds: 3600 },
  firingAlerts: { critical: 0, warning: 3 },
};

describe("assessSafety", () => {
  it("is safe with a fresh backup, a window without gaps, a working archiver and a drill within its RTO; warnings alone are no reason", () => {
    expect(assessSafety("ok", safeFigures)).toEqual({ state: "safe", reasons: [], reasonCodes: [] });
    expect(assessSafety("warning", { ...safeFigures, lastDrill: null })).toEqual({
      state: "safe",
      reasons: [],
      reasonCodes: [],
    });
  });

  it("names every reason, in the overview's order", () => {
    const safety = assessSafety("critical", {
      ...safeFigures,
      rpo: { targetSeconds: 3600, achievedSeconds: 3 * 86_400 },
      archiver: {
        failing: true,
        failedCount: 4,
        lastFailedWal: "000000010000000000000007",
        lastFailedAt: null,
      },
      restoreWindow: { ...safeFigures.restoreWindow!, gaps: 2 },
      lastDrill: { ...safeFigures.lastDrill!, rtoSeconds: 7200 },
      firingAlerts: { critical: 1, warning: 0 },
    });
    expect(safety.reasonCodes.map((reason) => reason.code)).toEqual([
      "unreachable",
      "backupOverRpo",
      "archiverFailing",
      "walGaps",
      "drillOverRto",
      "criticalAlerts",
    ]);
    expect(safety.reasonCodes[1]).toEqual({
      code: "backupOverRpo",
      params: { ageSeconds: 3 * 86_400, targetSeconds: 3600 },
    });
    expect(safety).toMatchObject({
      state: "at_risk",
      reasons: [
        "the primary is unreachable or a standby is disconnected",
        "the last backup is 3.0 d old, over the RPO target of 60 min",
        "WAL archiving is failing (last failed: 000000010000000000000007)",
        "2 gaps in the WAL archive",
        "the last drill took 2.0 h, over the RTO target of 60 min",
        "1 critical alert firing",
      ],
    });
  });

  it("is at risk without a sample, a backup or a window", () => {
    expect(
      assessSafety("unknown", {
        ...safeFigures,
        lastBackup: null,
        rpo: { targetSeconds: 93_600, achievedSeconds: null },
        restoreWindow: null,
        lastDrill: { ...safeFigures.lastDrill!, status: "failed" },
      }).reasons,
    ).toEqual([
      "no fresh replication sample (is the worker running?)",
      "no successful physical backup",
      "the restorable window has not been computed yet",
      "the last restore drill failed",
    ]);
    expect(
      assessSafety("ok", {
        ...safeFigures,
        restoreWindow: { ...safeFigures.restoreWindow!, error: "EACCES" },
      }).reasons,
    ).toEqual(["the WAL archive could not be read: EACCES"]);
  });
});
