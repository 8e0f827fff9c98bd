import { describe, expect, it } from "vitest";
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
    const plan = planRetention({ recoveryWindowDays: 7, minRedundancy: 2, logicalKeep: 7 }, daily, now);
    expect(ids(plan.keep)).toEqual(["p1", "p3", "p6", "p8"]);
    expect(plan.keep.find((decision) => decision.id === "p8")?.reason).toMatch(/base for restoring/);
    expect(ids(plan.expire)).toEqual(["p10", "p20"]);
    expect(plan.oldestKeptStartWal).toBe(daily[3]!.startWal);
  });

  it("keeps the minimum redundancy even when everything is older than the window", () => {
    const old = [physical("a", 30), physical("b", 40), physical("c", 50), physical("d", 60)];
    const plan = planRetention({ recoveryWindowDays: 7, minRedundancy: 3, logicalKeep: 0 }, old, now);
    expect(ids(plan.keep)).toEqual(["a", "b", "c"]);
    expect(ids(plan.expire)).toEqual(["d"]);
  });

  it("never expires a pinned backup", () => {
    const plan = planRetention(
      { recoveryWindowDays: 1, minRedundancy: 1, logicalKeep: 0 },
      [physical("new", 0), physical("old", 90, { pinned: true })],
      now,
    );
    expect(ids(plan.expire)).toEqual([]);
    expect(plan.keep.find((decision) => decision.id === "old")?.reason).toBe("pinned");
  });

  it("keeps the K newest logical backups, independently of physical ones", () => {
    const backups = [logical("l1", 1), logical("l2", 2), logical("l3", 3), physical("p1", 1)];
    const plan = planRetention({ recoveryWindowDays: 7, minRedundancy: 1, logicalKeep: 2 }, backups, now);
    expect(ids(plan.expire)).toEqual(["l3"]);
    expect(plan.expire[0]!.reason).toMatch(/2 newest logical/);
  });

  it("keeps nothing it does not have to when there are no backups", () => {
    const plan = planRetention({ recoveryWindowDays: 7, minRedundancy: 2, logicalKeep: 7 }, [], now);
    expect(plan).toMatchObject({ keep: [], expire: [], oldestKeptStartWal: null });
  });

  describe("a backup whose verification failed", () => {
    const failed = { verification: "failed" as const, verifiedAt: daysAgo(0) };

    it("counts towards nothing: the last verified-good backup is kept under minimum redundancy 1", () => {
      const plan = planRetention(
        { recoveryWindowDays: 0, minRedundancy: 1, logicalKeep: 0 },
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
        { recoveryWindowDays: 7, minRedundancy: 1, logicalKeep: 0 },
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
        { recoveryWindowDays: 7, minRedundancy: 0, logicalKeep: 0 },
        [physical("bad", 1, failed)],
        now,
      );
      expect(plan).toMatchObject({ keep: [], oldestKeptStartWal: null });
      expect(ids(plan.expire)).toEqual(["bad"]);
    });

    it("does not count among the K newest logical backups", () => {
      const plan = planRetention(
        { recoveryWindowDays: 7, minRedundancy: 0, logicalKeep: 1 },
        [logical("l1", 1, failed), logical("l2", 2)],
        now,
      );
      expect(ids(plan.keep)).toEqual(["l2"]);
    });
  });

  it("never expires the last verified-good physical backup, whatever the policy", () => {
    const plan = planRetention(
      { recoveryWindowDays: 0, minRedundancy: 0, logicalKeep: 0 },
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
      { recoveryWindowDays: 1, minRedundancy: 1, logicalKeep: 0 },
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
