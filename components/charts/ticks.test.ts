import { describe, expect, it } from "vitest";
import { timeTicks, valueTicks } from "./ticks";

describe("timeTicks", () => {
  it("spreads round times over the whole window, not only where data is", () => {
    const start = Date.parse("2026-11-26T14:00:07Z");
    const ticks = timeTicks(start, start + 5 * 60_000).map((tick) =>
      new Date(tick).toISOString().slice(11, 19),
    );
    expect(ticks).toEqual(["14:01:00", "14:02:00", "14:03:00", "14:04:00", "14:05:00"]);
  });

  it("uses whole hours for a day", () => {
    const end = Date.parse("2026-11-26T14:30:00Z");
    const ticks = timeTicks(end - 24 * 3600_000, end);
    expect(ticks).toHaveLength(4);
    expect(ticks.every((tick) => tick % (6 * 3600_000) === 0)).toBe(true);
  });
});

describe("valueTicks", () => {
  it("steps bytes in powers of two and reaches past the maximum", () => {
    expect(valueTicks(0, "bytes")).toEqual([0, 256, 512, 768, 1024]);
    expect(valueTicks(5000, "bytes")).toEqual([0, 1024, 2048, 3072, 4096, 5120]);
  });

  it("steps seconds like a clock", () => {
    expect(valueTicks(40, "seconds")).toEqual([0, 10, 20, 30, 40]);
    expect(valueTicks(200, "seconds")).toEqual([0, 60, 120, 180, 240]);
    expect(valueTicks(0, "seconds").at(-1)).toBeCloseTo(1);
  });
});
