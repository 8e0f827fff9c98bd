import { describe, expect, it } from "vitest";
import { forgetSharedReads, sharedRead, sharedReadsInFlight } from "@/lib/web/shared-read";

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
