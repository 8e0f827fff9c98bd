import { describe, expect, it } from "vitest";
import {
  forgetSharedReads,
  RECENT_READS_MAX_ENTRIES,
  recentRead,
  recentJson,
  recentReadsKept,
  sharedJson,
  sharedRead,
  sharedReadsInFlight,
} from "@/lib/web/shared-read";

/** A read that answers when told to, counting how often it ran. */
function gatedRead() {
  const resolvers: ((value: number) => void)[] = [];
  const read = () =>
    new Promise<number>((resolve) => {
      resolvers.push(resolve);
    });
  return { read, resolvers };
}

describe("sharedRead", () => {
  it("gives identical reads in flight one computation, and keeps nothing once answered", async () => {
    const gate = gatedRead();
    const first = sharedRead("/api/v1/clusters", gate.read);
    const second = sharedRead("/api/v1/clusters", gate.read);
    const other = sharedRead("/api/v1/alerts", gate.read);
    expect(gate.resolvers.length).toBe(2); // one per key
    gate.resolvers[0]!(10);
    gate.resolvers[1]!(20);
    expect([await first, await second, await other]).toEqual([10, 10, 20]);
    expect(sharedReadsInFlight()).toBe(0);
    // Answered: the next read computes afresh.
    const third = sharedRead("/api/v1/clusters", gate.read);
    expect(gate.resolvers.length).toBe(3);
    gate.resolvers[2]!(30);
    expect(await third).toBe(30);
  });

  it("never lets a read started after a change join one started before it", async () => {
    let runs = 0;
    const resolvers: ((value: number) => void)[] = [];
    const read = () =>
      new Promise<number>((resolve) => {
        runs += 1;
        resolvers.push(resolve);
      });
    const before = sharedRead("/api/v1/backups", read);
    forgetSharedReads(); // a POST arrived
    const after = sharedRead("/api/v1/backups", read);
    expect(runs).toBe(2);
    resolvers[0]!(1);
    resolvers[1]!(2);
    expect(await before).toBe(1);
    expect(await after).toBe(2);
  });

  it("shares a failure with the reads that joined it, and starts afresh after it", async () => {
    let runs = 0;
    const failing = () => {
      runs += 1;
      return Promise.reject(new Error("catalog down"));
    };
    const results = await Promise.allSettled([
      sharedRead("/api/v1/x", failing),
      sharedRead("/api/v1/x", failing),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(runs).toBe(1);
    await sharedRead("/api/v1/x", failing).catch(() => {});
    expect(runs).toBe(2);
    expect(sharedReadsInFlight()).toBe(0);
  });
});

describe("recentRead", () => {
  /** A read that answers at once with how many times it has run. */
  function countingRead() {
    let runs = 0;
    return { read: () => Promise.resolve(++runs), runs: () => runs };
  }

  it("reuses an answer for maxAgeMs from when its read began, then reads afresh", async () => {
    forgetSharedReads();
    const { read, runs } = countingRead();
    expect(await recentRead("/r", 5_000, read, 1_000)).toBe(1);
    expect(await recentRead("/r", 5_000, read, 5_999)).toBe(1); // 4.999 s old
    expect(await recentRead("/other", 5_000, read, 5_999)).toBe(2); // another key
    expect(await recentRead("/r", 5_000, read, 6_000)).toBe(3); // 5 s old: too old
    expect(runs()).toBe(3);
  });

  it("shares a read still in flight, and never keeps a failure", async () => {
    forgetSharedReads();
    let runs = 0;
    let fail!: (error: Error) => void;
    const failing = () =>
      new Promise<number>((_resolve, reject) => {
        runs += 1;
        fail = reject;
      });
    const first = recentRead("/f", 5_000, failing, 0);
    const second = recentRead("/f", 5_000, failing, 10);
    fail(new Error("catalog down"));
    const results = await Promise.allSettled([first, second]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(runs).toBe(1);
    expect(await recentRead("/f", 5_000, () => Promise.resolve(7), 20)).toBe(7);
  });

  it("forgets every kept answer at a change made through this process", async () => {
    forgetSharedReads();
    const { read } = countingRead();
    expect(await recentRead("/c", 60_000, read, 0)).toBe(1);
    forgetSharedReads(); // a POST arrived
    expect(recentReadsKept()).toBe(0);
    expect(await recentRead("/c", 60_000, read, 1)).toBe(2);
  });

  it("does not keep a read that began before a change once the change is made", async () => {
    forgetSharedReads();
    let answer!: (value: number) => void;
    const pending = recentRead("/p", 60_000, () => new Promise<number>((resolve) => (answer = resolve)), 0);
    forgetSharedReads(); // a POST arrived while the read was running
    const after = recentRead("/p", 60_000, () => Promise.resolve(2), 1);
    answer(1);
    expect([await pending, await after]).toEqual([1, 2]);
  });

  it("keeps a bounded number of answers and drops those past their age", async () => {
    forgetSharedReads();
    for (let i = 0; i < RECENT_READS_MAX_ENTRIES + 50; i++)
      await recentRead(`/many?i=${i}`, 60_000, () => Promise.resolve(i), 0);
    expect(recentReadsKept()).toBe(RECENT_READS_MAX_ENTRIES);
    // The oldest were dropped: asking again reads afresh.
    expect(await recentRead("/many?i=0", 60_000, () => Promise.resolve(-1), 0)).toBe(-1);
    // Past their age, kept answers go at the next read.
    await recentRead("/late", 1_000, () => Promise.resolve(0), 60_000);
    expect(recentReadsKept()).toBe(1);
  });
});

describe("sharedJson and recentJson", () => {
  it("serialise a shared answer once and give each request its own readable response", async () => {
    forgetSharedReads();
    let serialised = 0;
    const answer = { clusters: ["a", "b"], toJSON: () => (serialised++, { clusters: ["a", "b"] }) };
    const responses = await Promise.all([
      sharedJson("/api/v1/clusters", () => Promise.resolve(answer)),
      sharedJson("/api/v1/clusters", () => Promise.resolve(answer)),
    ]);
    expect(serialised).toBe(1);
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(await response.json()).toEqual({ clusters: ["a", "b"] });
    }
    const kept = [
      await recentJson("/r", 5_000, () => Promise.resolve(answer), 0),
      await recentJson("/r", 5_000, () => Promise.resolve(answer), 1),
    ];
    expect(serialised).toBe(2);
    expect(await Promise.all(kept.map((response) => response.text()))).toEqual([
      '{"clusters":["a","b"]}',
      '{"clusters":["a","b"]}',
    ]);
  });
});
