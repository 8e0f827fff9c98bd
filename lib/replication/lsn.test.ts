import { describe, expect, it } from "vitest";
import { formatLsn, isLsn, lsnDiff, maxLsn, parseLsn } from "@/lib/replication/lsn";

describe("LSN math", () => {
  it("parses and formats like PostgreSQL", () => {
    expect(parseLsn("0/0")).toBe(0n);
    expect(parseLsn("0/3000060")).toBe(0x3000060n);
    expect(parseLsn("16/B374D848")).toBe((0x16n << 32n) + 0xb374d848n);
    expect(formatLsn(parseLsn("16/B374D848"))).toBe("16/B374D848");
    expect(formatLsn(0x3000060n)).toBe("0/03000060");
  });

  it("diffs across the 4 GiB boundary", () => {
    expect(lsnDiff("1/00000010", "0/FFFFFFF0")).toBe(32);
    expect(lsnDiff("0/3000060", "0/3000000")).toBe(0x60);
  });

  it("never reports a negative lag and passes unknowns through", () => {
    expect(lsnDiff("0/10", "0/20")).toBe(0);
    expect(lsnDiff(null, "0/20")).toBeNull();
    expect(lsnDiff("0/20", null)).toBeNull();
  });

  it("validates and picks the larger", () => {
    expect(isLsn("0/0")).toBe(true);
    expect(isLsn("0/0; drop")).toBe(false);
    expect(() => parseLsn("x/y")).toThrow(/not an LSN/);
    expect(maxLsn("0/10", "0/20")).toBe("0/20");
    expect(maxLsn(null, "0/20")).toBe("0/20");
  });
});
