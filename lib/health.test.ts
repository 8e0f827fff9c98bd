import { describe, expect, it } from "vitest";
import { workerIsFresh } from "@/lib/health";

describe("workerIsFresh", () => {
  const now = new Date("2026-11-26T12:00:00Z");
  it("is fresh within the window and stale after it", () => {
    expect(workerIsFresh(new Date("2026-11-26T11:59:50Z"), now)).toBe(true);
    expect(workerIsFresh(new Date("2026-11-26T11:59:45Z"), now)).toBe(true);
    expect(workerIsFresh(new Date("2026-11-26T11:59:44Z"), now)).toBe(false);
    expect(workerIsFresh(null, now)).toBe(false);
  });
});
