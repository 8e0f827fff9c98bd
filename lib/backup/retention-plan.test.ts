import { describe, expect, it } from "vitest";
import { planRetention, type RetentionCandidate } from "@/lib/backup/retention-plan";

const now = new Date("2026-11-26T12:00:00Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const physical = (id: string, days: number, extra: Partial<RetentionCandidate> = {}): RetentionCandidate => ({
  id,
  kind: "physical",
  finishedAt: daysAgo(days),
  pinned: false,
  startWal: `0000000100000000000000${String(100 - days).padStart(2, "0")}`,
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
});
