import { describe, expect, it } from "vitest";
import { formatLsn } from "@/lib/replication/lsn";
import { LsnHistory } from "@/lib/replication/lsn-history";

const at = (seconds: number) => 1_000_000 + seconds * 1000;
const lsn = (bytes: number) => formatLsn(BigInt(bytes));

describe("LsnHistory.secondsBehind", () => {
  it("is 0 for a standby at the primary's position, however long the primary idles", () => {
    const history = new LsnHistory();
    history.record(at(0), lsn(1000));
    history.record(at(60), lsn(1000));
    expect(history.secondsBehind(lsn(1000), at(3600))).toBe(0);
  });

  it("interpolates when the primary passed the position between samples", () => {
    const history = new LsnHistory();
    history.record(at(0), lsn(0));
    history.record(at(10), lsn(1000));
    // The primary was at 500 at t=5; now is t=10.
    expect(history.secondsBehind(lsn(500), at(10))).toBeCloseTo(5, 5);
    // A standby stuck there falls further behind as time goes on.
    expect(history.secondsBehind(lsn(500), at(40))).toBeCloseTo(35, 5);
  });

  it("gives a lower bound for positions older than the history", () => {
    const history = new LsnHistory();
    history.record(at(100), lsn(5000));
    history.record(at(101), lsn(6000));
    expect(history.secondsBehind(lsn(10), at(110))).toBeCloseTo(10, 5);
  });

  it("forgets samples older than it keeps", () => {
    const history = new LsnHistory(10_000);
    for (let second = 0; second <= 30; second += 1) history.record(at(second), lsn(second * 100));
    expect(history.secondsBehind(lsn(0), at(30))).toBeLessThanOrEqual(11);
  });
});

describe("LsnHistory.bytesPerSecond", () => {
  it("measures the WAL rate over the window", () => {
    const history = new LsnHistory();
    for (let second = 0; second <= 120; second += 1) history.record(at(second), lsn(second * 2048));
    expect(history.bytesPerSecond(at(120))).toBeCloseTo(2048, 0);
    expect(new LsnHistory().bytesPerSecond(at(0))).toBeNull();
  });
});
