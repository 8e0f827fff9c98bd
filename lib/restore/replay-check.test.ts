import { describe, expect, it } from "vitest";
import { replayShortfall } from "./replay-check";

describe("replayShortfall", () => {
  const latest = { target: { type: "latest" as const }, toLsn: "0/5000100", toTime: "2026-12-03T09:00:00Z" };

  it("accepts a latest replay that passed the last archived commit", () => {
    // pg_last_wal_replay_lsn is the end of the last record replayed: after the commit record's start.
    expect(replayShortfall(latest, "0/5000128")).toBeNull();
    expect(replayShortfall(latest, "1/0")).toBeNull();
  });

  it("fails a latest replay cut short, naming both positions", () => {
    expect(replayShortfall(latest, "0/4FFFFF0")).toMatch(
      /^replay ended at 0\/4FFFFF0, before the latest archived commit the plan promised \(0\/5000100, 2026-12-03T09:00:00Z\)/,
    );
    expect(replayShortfall(latest, "0/5000100")).toMatch(/before the latest archived commit/);
    expect(replayShortfall(latest, null)).toMatch(/^replay ended at no replayed record/);
  });

  it("leaves explicit targets to PostgreSQL, which refuses to end recovery before them", () => {
    expect(
      replayShortfall(
        { target: { type: "lsn", value: "0/6000000", inclusive: true }, toLsn: "0/6000000", toTime: null },
        "0/1",
      ),
    ).toBeNull();
    expect(replayShortfall({ ...latest, toLsn: null }, "0/1")).toBeNull();
  });
});
