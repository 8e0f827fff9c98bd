import { describe, expect, it } from "vitest";
import { canJudge, type ClusterFacts, clusterConditions, ruleConditions } from "@/lib/alerts/conditions";
import type { ReplicationView } from "@/lib/replication/snapshot";
import { PROMOTED_REASON } from "@/lib/replication/tracker";
import type { StandbyStatus } from "@/lib/schemas/replication";

const MiB = 1024 * 1024;
const now = new Date("2026-11-26T12:00:00Z");

const standby = (name: string, overrides: Partial<StandbyStatus> = {}): StandbyStatus => ({
  name,
  upstream: "primary",
  state: "streaming",
  stateSince: now.toISOString(),
  reason: null,
  reachable: true,
  syncState: "async",
  sentLsn: null,
  writeLsn: null,
  flushLsn: null,
  receiveLsn: null,
  replayLsn: null,
  lagBytes: { sent: 0, write: 0, flush: 0, replay: 0 },
  lagSeconds: { write: 0, flush: 0, replay: 0 },
  replayPaused: false,
  lastReplayedCommitAt: null,
  timeline: 1,
  conflicts: 0,
  error: null,
  ...overrides,
});

function snapshot(overrides: Partial<ReplicationView> = {}): ReplicationView {
  return {
    clusterId: "c1",
    primary: {} as ReplicationView["primary"],
    standbys: [],
    slots: [],
    archiver: null,
    sampledAt: now.toISOString(),
    intervalSeconds: 1,
    stale: false,
    ...overrides,
  };
}

function facts(overrides: Partial<ClusterFacts> = {}): ClusterFacts {
  return {
    clusterId: "c1",
    clusterName: "prod",
    createdAt: new Date(now.getTime() - 3600_000),
    rpoTargetSeconds: 26 * 3600,
    snapshot: snapshot(),
    lastPhysicalBackupAt: new Date(now.getTime() - 3600_000),
    latestBackups: [],
    latestVerification: null,
    latestDrill: null,
    walGaps: [],
    offsiteLagSeconds: null,
    ...overrides,
  };
}

describe("replication conditions", () => {
  const lagged = facts({
    snapshot: snapshot({
      standbys: [
        standby("standby1", {
          lagBytes: { sent: 0, write: 0, flush: 0, replay: 9 * MiB },
          replayPaused: true,
        }),
        standby("standby2", { lagBytes: { sent: 0, write: 0, flush: 0, replay: 1 * MiB } }),
      ],
    }),
  });

  it("names the cluster and each standby over the byte threshold", () => {
    const conditions = ruleConditions(
      { id: "r1", kind: "replication_lag_bytes", threshold: 5 * MiB },
      lagged,
      now,
    );
    expect(conditions).toEqual([
      {
        ruleId: "r1",
        subject: "standby1",
        value: 9 * MiB,
        message: "Cluster prod: standby standby1 is 9.0 MiB behind in replay (threshold 5.0 MiB)",
      },
    ]);
  });

  it("falls back to the default threshold (50 MiB) when the rule has none", () => {
    expect(ruleConditions({ id: "r1", kind: "replication_lag_bytes", threshold: null }, lagged, now)).toEqual(
      [],
    );
  });

  it("sees paused replay, down standbys, inactive and at-risk slots, and a failing archiver", () => {
    const broken = facts({
      snapshot: snapshot({
        standbys: [
          standby("s1", { replayPaused: true }),
          standby("s2", { state: "disconnected", reason: "gone" }),
        ],
        slots: [
          {
            name: "s2",
            node: "primary",
            slotType: "physical",
            active: false,
            walStatus: "unreserved",
            safeWalSize: 10,
            retainedBytes: 100,
            restartLsn: null,
            lossForecastAt: null,
          },
        ],
        archiver: {
          archivedCount: 1,
          failedCount: 3,
          lastArchivedWal: null,
          lastArchivedAt: null,
          lastFailedWal: "000000010000000000000003",
          lastFailedAt: now.toISOString(),
          failing: true,
          readyCount: 1,
        },
      }),
    });
    const conditions = clusterConditions(
      [
        { id: "paused", kind: "replay_paused", threshold: null },
        { id: "down", kind: "standby_down", threshold: null },
        { id: "inactive", kind: "slot_inactive", threshold: null },
        { id: "risk", kind: "slot_wal_at_risk", threshold: null },
        { id: "archiver", kind: "archiver_failing", threshold: null },
      ],
      broken,
      now,
    );
    expect(conditions.map((condition) => `${condition.ruleId}:${condition.subject}`)).toEqual([
      "paused:s1",
      "down:s2",
      "inactive:slot primary:s2",
      "risk:slot primary:s2",
      "archiver:archiver",
    ]);
    expect(conditions[1]!.message).toBe("Cluster prod: standby s2 is down (gone)");
  });

  it("calls a writable primary with a promoted standby a split brain, and a failed-over cluster not", () => {
    const rule = { id: "sb", kind: "split_brain" as const, threshold: null };
    const primary = { name: "primary", reachable: true, inRecovery: false } as ReplicationView["primary"];
    const promoted = standby("standby1", { state: "disconnected", reason: PROMOTED_REASON });
    const split = facts({ snapshot: snapshot({ primary, standbys: [promoted, standby("standby2")] }) });
    expect(ruleConditions(rule, split, now)).toEqual([
      {
        ruleId: "sb",
        subject: "cluster",
        value: 2,
        message:
          "Cluster prod: split brain: primary and standby1 are all writable (not in recovery); backups are refused until only one is. Stop or demote the one that should not be primary",
      },
    ]);
    // The old primary down (a failover): one writable node, no split brain.
    const down = { ...primary, reachable: false, inRecovery: null };
    expect(
      ruleConditions(rule, facts({ snapshot: snapshot({ primary: down, standbys: [promoted] }) }), now),
    ).toEqual([]);
    expect(
      ruleConditions(rule, facts({ snapshot: snapshot({ primary, standbys: [standby("s1")] }) }), now),
    ).toEqual([]);
    expect(canJudge("split_brain", facts({ snapshot: snapshot({ stale: true }) }))).toBe(false);
  });

  it("says nothing about replication from a stale or missing snapshot", () => {
    const rule = { id: "r", kind: "replay_paused" as const, threshold: null };
    const paused = { standbys: [standby("s1", { replayPaused: true })] };
    expect(ruleConditions(rule, facts({ snapshot: snapshot({ ...paused, stale: true }) }), now)).toEqual([]);
    expect(ruleConditions(rule, facts({ snapshot: null }), now)).toEqual([]);
    expect(ruleConditions(rule, facts({ snapshot: snapshot(paused) }), now)).toHaveLength(1);
    expect(canJudge("replay_paused", facts({ snapshot: snapshot({ stale: true }) }))).toBe(false);
    expect(canJudge("replay_paused", facts({ snapshot: null }))).toBe(false);
    expect(canJudge("replay_paused", facts())).toBe(true);
    expect(canJudge("backup_overdue", facts({ snapshot: null }))).toBe(true);
  });
});

describe("catalog conditions", () => {
  it("fires offsite_lag when the offsite WAL is further behind than the limit, and never without a repository", () => {
    const rule = { id: "off", kind: "offsite_lag" as const, threshold: 3600 };
    expect(ruleConditions(rule, facts({ offsiteLagSeconds: 5400 }), now)).toEqual([
      {
        ruleId: "off",
        subject: "offsite",
        value: 5400,
        message: "Cluster prod: the offsite copy of the WAL is 90 min behind the archive (limit 60 min)",
      },
    ]);
    expect(ruleConditions(rule, facts({ offsiteLagSeconds: 600 }), now)).toEqual([]);
    expect(ruleConditions(rule, facts({ offsiteLagSeconds: null }), now)).toEqual([]);
  });

  it("fires backup_overdue past the cluster's RPO target, or past the rule's own threshold", () => {
    const rule = { id: "o", kind: "backup_overdue" as const, threshold: null };
    const old = new Date(now.getTime() - 27 * 3600_000);
    expect(ruleConditions(rule, facts({ lastPhysicalBackupAt: old }), now)).toEqual([
      {
        ruleId: "o",
        subject: "",
        value: 27 * 3600,
        message: "Cluster prod: no successful physical backup for 27.0 h (target 26.0 h)",
      },
    ]);
    expect(ruleConditions(rule, facts(), now)).toEqual([]);
    expect(ruleConditions({ ...rule, threshold: 1800 }, facts(), now)).toHaveLength(1);
    // A cluster registered an hour ago with no backup is not overdue yet.
    expect(ruleConditions(rule, facts({ lastPhysicalBackupAt: null }), now)).toEqual([]);
  });

  it("fires on the latest failed backup per kind, failed verification, failed drill and WAL gaps", () => {
    const broken = facts({
      latestBackups: [
        {
          id: "b1",
          kind: "physical",
          status: "failed",
          finishedAt: now,
          error: "pg_basebackup: disk full\nmore",
        },
        { id: "b2", kind: "logical", status: "succeeded", finishedAt: now, error: null },
      ],
      latestVerification: { backupId: "b0", verified: false, verifiedAt: now, log: "checksum mismatch" },
      latestDrill: { id: "d1", status: "failed", finishedAt: now, error: "timeout" },
      walGaps: [{ timeline: 1, fromWal: "000000010000000000000005", toWal: "000000010000000000000006" }],
    });
    const conditions = clusterConditions(
      [
        { id: "bf", kind: "backup_failed", threshold: null },
        { id: "vf", kind: "verify_failed", threshold: null },
        { id: "df", kind: "drill_failed", threshold: null },
        { id: "gap", kind: "wal_gap", threshold: null },
      ],
      broken,
      now,
    );
    expect(conditions.map((condition) => condition.message)).toEqual([
      "Cluster prod: the latest physical backup failed: pg_basebackup: disk full",
      "Cluster prod: verification of backup b0 failed: checksum mismatch",
      "Cluster prod: the latest restore drill failed: timeout",
      "Cluster prod: WAL is missing from the archive on timeline 1: 000000010000000000000005 to 000000010000000000000006",
    ]);
    const healthy = facts({
      latestBackups: [{ id: "b3", kind: "physical", status: "succeeded", finishedAt: now, error: null }],
      latestVerification: { backupId: "b3", verified: true, verifiedAt: now, log: null },
      latestDrill: { id: "d2", status: "succeeded", finishedAt: now, error: null },
    });
    expect(
      clusterConditions(
        [
          { id: "bf", kind: "backup_failed", threshold: null },
          { id: "vf", kind: "verify_failed", threshold: null },
          { id: "df", kind: "drill_failed", threshold: null },
        ],
        healthy,
        now,
      ),
    ).toEqual([]);
  });
});
