import { describe, expect, it } from "vitest";
import { NO_TIERS } from "@/lib/backup/gfs";
import { compareWalNames, planRetention, type RetentionCandidate } from "@/lib/backup/retention-plan";

const now = new Date("2026-11-26T12:00:00Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const physical = (id: string, days: number, extra: Partial<RetentionCandidate> = {}): RetentionCandidate => ({
  id,
  kind: "physical",
  finishedAt: daysAgo(days),
  pinned: false,
  startWal: `0000000100000000000000${String(100 - days).padStart(2, "0")}`,
  verification: "unverified",
  usedBy: [],
  ...extra,
});
const logical = (id: string, days: number, extra: Partial<RetentionCandidate> = {}): RetentionCandidate => ({
  ...physical(id, days, extra),
  kind: "logical",
  startWal: null,
});
const ids = (decisions: { id: string }[]) => decisions.map((decision) => decision.id);

describe("planRetention", () => {
  const daily = [
    physical("p1", 1),
    physical("p3", 3),
    physical("p6", 6),
    physical("p8", 8),
    physical("p10", 10),
    physical("p20", 20),
  ];

  it("keeps the window plus the newest backup before it, and expires the rest", () => {
    const plan = planRetention(
      { recoveryWindowDays: 7, minRedundancy: 2, logicalKeep: 7, ...NO_TIERS },
      daily,
      now,
    );
    expect(ids(plan.keep)).toEqual(["p1", "p3", "p6", "p8"]);
    expect(plan.keep.find((decision) => decision.id === "p8")?.reason).toMatch(/base for restoring/);
    expect(ids(plan.expire)).toEqual(["p10", "p20"]);
    expect(plan.oldestKeptStartWal).toBe(daily[3]!.startWal);
  });

  it("keeps the minimum redundancy even when everything is older than the window", () => {
    const old = [physical("a", 30), physical("b", 40), physical("c", 50), physical("d", 60)];
    const plan = planRetention(
      { recoveryWindowDays: 7, minRedundancy: 3, logicalKeep: 0, ...NO_TIERS },
      old,
      now,
    );
    expect(ids(plan.keep)).toEqual(["a", "b", "c"]);
    expect(ids(plan.expire)).toEqual(["d"]);
  });

  it("never expires a pinned backup", () => {
    const plan = planRetention(
      { recoveryWindowDays: 1, minRedundancy: 1, logicalKeep: 0, ...NO_TIERS },
      [physical("new", 0), physical("old", 90, { pinned: true })],
      now,
    );
    expect(ids(plan.expire)).toEqual([]);
    expect(plan.keep.find((decision) => decision.id === "old")?.reason).toBe("pinned");
  });

  it("keeps the K newest logical backups, independently of physical ones", () => {
    const backups = [logical("l1", 1), logical("l2", 2), logical("l3", 3), physical("p1", 1)];
    const plan = planRetention(
      { recoveryWindowDays: 7, minRedundancy: 1, logicalKeep: 2, ...NO_TIERS },
      backups,
      now,
    );
    expect(ids(plan.expire)).toEqual(["l3"]);
    expect(plan.expire[0]!.reason).toMatch(/2 newest logical/);
  });

  it("keeps nothing it does not have to when there are no backups", () => {
    const plan = planRetention(
      { recoveryWindowDays: 7, minRedundancy: 2, logicalKeep: 7, ...NO_TIERS },
      [],
      now,
    );
    expect(plan).toMatchObject({ keep: [], expire: [], oldestKeptStartWal: null });
  });

  describe("a backup whose verification failed", () => {
    const failed = { verification: "failed" as const, verifiedAt: daysAgo(0) };

    it("counts towards nothing: the last verified-good backup is kept under minimum redundancy 1", () => {
      const plan = planRetention(
        { recoveryWindowDays: 0, minRedundancy: 1, logicalKeep: 0, ...NO_TIERS },
        [physical("bad", 1, failed), physical("good", 5, { verification: "good" }), physical("older", 9)],
        now,
      );
      expect(ids(plan.keep)).toEqual(["good"]);
      expect(ids(plan.expire)).toEqual(["bad", "older"]);
      expect(plan.expire[0]!.reason).toMatch(/verification failed/);
      expect(plan.oldestKeptStartWal).toBe("000000010000000000000095");
    });

    it("is not the base of the window: the newest good backup before the window is", () => {
      const plan = planRetention(
        { recoveryWindowDays: 7, minRedundancy: 1, logicalKeep: 0, ...NO_TIERS },
        [physical("p1", 1), physical("bad8", 8, failed), physical("p10", 10), physical("p20", 20)],
        now,
      );
      expect(ids(plan.keep)).toEqual(["p1", "p10"]);
      expect(plan.keep[1]!.reason).toMatch(/base for restoring/);
      expect(ids(plan.expire)).toEqual(["bad8", "p20"]);
      expect(plan.oldestKeptStartWal).toBe("000000010000000000000090");
    });

    it("is not inside the window either, and holds no WAL", () => {
      const plan = planRetention(
        { recoveryWindowDays: 7, minRedundancy: 0, logicalKeep: 0, ...NO_TIERS },
        [physical("bad", 1, failed)],
        now,
      );
      expect(plan).toMatchObject({ keep: [], oldestKeptStartWal: null });
      expect(ids(plan.expire)).toEqual(["bad"]);
    });

    it("does not count among the K newest logical backups", () => {
      const plan = planRetention(
        { recoveryWindowDays: 7, minRedundancy: 0, logicalKeep: 1, ...NO_TIERS },
        [logical("l1", 1, failed), logical("l2", 2)],
        now,
      );
      expect(ids(plan.keep)).toEqual(["l2"]);
    });
  });

  it("never expires the last verified-good physical backup, whatever the policy", () => {
    const plan = planRetention(
      { recoveryWindowDays: 0, minRedundancy: 0, logicalKeep: 0, ...NO_TIERS },
      [
        physical("new", 1),
        physical("good", 30, { verification: "good" }),
        physical("good-older", 40, { verification: "good" }),
      ],
      now,
    );
    expect(plan.keep.map((decision) => [decision.id, decision.reason])).toEqual([
      ["new", "base for restoring to the start of the recovery window"],
      ["good", "last verified-good physical backup"],
    ]);
    expect(ids(plan.expire)).toEqual(["good-older"]);
    expect(plan.oldestKeptStartWal).toBe("000000010000000000000070");
  });

  it("keeps a backup a queued or running restore uses, with its WAL, even when it failed verification", () => {
    const plan = planRetention(
      { recoveryWindowDays: 1, minRedundancy: 1, logicalKeep: 0, ...NO_TIERS },
      [
        physical("new", 1),
        physical("old", 50, { usedBy: [{ restoreId: "r1", status: "running", purpose: "restore" }] }),
        physical("drilled", 60, {
          verification: "failed",
          usedBy: [{ restoreId: "d1", status: "queued", purpose: "drill" }],
        }),
        physical("oldest", 70),
      ],
      now,
    );
    expect(plan.keep.map((decision) => [decision.id, decision.reason])).toEqual([
      ["new", "minimum redundancy (1 of 1)"],
      ["old", "used by restore r1 (running)"],
      ["drilled", "used by drill d1 (queued)"],
    ]);
    expect(ids(plan.expire)).toEqual(["oldest"]);
    expect(plan.oldestKeptStartWal).toBe("000000010000000000000040");
  });

  describe("grandfather-father-son tiers", () => {
    // One backup a day at noon, from yesterday (Wednesday 25 November) back 60 days.
    const everyDay = Array.from({ length: 60 }, (_, index) => physical(`d${index + 1}`, index + 1));

    it("keep the newest backup of each week and month beside the window, with the WAL from the oldest", () => {
      const plan = planRetention(
        {
          recoveryWindowDays: 7,
          minRedundancy: 1,
          logicalKeep: 0,
          ...NO_TIERS,
          keepWeekly: 4,
          keepMonthly: 3,
        },
        everyDay,
        now,
      );
      expect(ids(plan.keep)).toEqual([
        "d1",
        "d2",
        "d3",
        "d4",
        "d5",
        "d6",
        "d7",
        "d8",
        "d11",
        "d18",
        "d26",
        "d57",
      ]);
      const why = (id: string) => plan.keep.find((decision) => decision.id === id);
      expect(why("d11")).toMatchObject({ reason: "weekly 2026-W46", tiers: ["weekly 2026-W46"] });
      expect(why("d18")).toMatchObject({ reason: "weekly 2026-W45", tiers: ["weekly 2026-W45"] });
      expect(why("d26")).toMatchObject({ reason: "monthly 2026-10", tiers: ["monthly 2026-10"] });
      expect(why("d57")).toMatchObject({ reason: "monthly 2026-09", tiers: ["monthly 2026-09"] });
      // Kept by the window first; the tiers it stands for are still listed.
      expect(why("d1")).toMatchObject({
        reason: "minimum redundancy (1 of 1)",
        tiers: ["weekly 2026-W48", "monthly 2026-11"],
      });
      expect(why("d4")?.tiers).toEqual(["weekly 2026-W47"]);
      expect(why("d2")?.tiers).toEqual([]);
      expect(plan.oldestKeptStartWal).toBe(everyDay[56]!.startWal);
      expect(plan.expire).toHaveLength(60 - 12);
      expect(plan.expire[0]!.reason).toMatch(/not the newest of a day, week, month or year the tiers keep/);
    });

    it("count only restorable backups: a month whose newest backup failed verification keeps the one before", () => {
      const plan = planRetention(
        { recoveryWindowDays: 0, minRedundancy: 1, logicalKeep: 0, ...NO_TIERS, keepMonthly: 2 },
        [physical("nov", 1), physical("oct-bad", 40, { verification: "failed" }), physical("oct", 45)],
        now,
      );
      expect(ids(plan.keep)).toEqual(["nov", "oct"]);
      expect(plan.keep[1]).toMatchObject({ reason: "monthly 2026-10" });
      expect(ids(plan.expire)).toEqual(["oct-bad"]);
    });

    it("follow the calendar of the time zone given", () => {
      // 23:30 UTC on Saturday 31 October is 00:30 on Sunday 1 November in Paris (winter time).
      const lastOfOctober = physical("last", 30, { finishedAt: new Date("2026-10-31T23:30:00Z") });
      const tiers = { recoveryWindowDays: 0, minRedundancy: 1, logicalKeep: 0, ...NO_TIERS, keepMonthly: 1 };
      expect(planRetention(tiers, [lastOfOctober], now).keep[0]!.tiers).toEqual(["monthly 2026-10"]);
      expect(planRetention(tiers, [lastOfOctober], now, "Europe/Paris").keep[0]!.tiers).toEqual([
        "monthly 2026-11",
      ]);
    });
  });

  it("orders WAL names by position first, then timeline", () => {
    expect(
      [
        "000000020000000000000005",
        "000000010000000100000000",
        "000000010000000000000006",
        "000000010000000000000005",
      ].sort(compareWalNames),
    ).toEqual([
      "000000010000000000000005",
      "000000020000000000000005",
      "000000010000000000000006",
      "000000010000000100000000",
    ]);
  });
});
