import { describe, expect, it } from "vitest";
import { formatAgo, formatBytes, formatBytesExact, formatFor, formatSeconds, formatUtcSeconds } from "./format";

describe("formatBytes", () => {
  it("uses binary units, labelled as such", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(16 * 1024 * 1024)).toBe("16 MiB");
    expect(formatBytes(123.45 * 1024 ** 3)).toBe("123 GiB");
    expect(formatBytes(-2048)).toBe("-2 KiB");
  });

  it("shows a dash for unknown values", () => {
    expect(formatBytes(null)).toBe("—");
    expect(formatBytesExact(undefined)).toBe("—");
    expect(formatBytesExact(1572864)).toBe("1,572,864 B");
  });
});

describe("formatSeconds", () => {
  it("picks ms, s, m, h or d", () => {
    expect(formatSeconds(0)).toBe("0 s");
    expect(formatSeconds(0.34)).toBe("340 ms");
    expect(formatSeconds(1.234)).toBe("1.23 s");
    expect(formatSeconds(12.34)).toBe("12.3 s");
    expect(formatSeconds(252)).toBe("4 m 12 s");
    expect(formatSeconds(7500)).toBe("2 h 5 m");
    expect(formatSeconds(3 * 86_400 + 4 * 3600)).toBe("3 d 4 h");
    expect(formatSeconds(null)).toBe("—");
  });
});

describe("formatAgo and formatUtcSeconds", () => {
  it("measures against the given now, not the clock", () => {
    expect(formatAgo("2026-11-26T14:00:00Z", "2026-11-26T14:04:12Z")).toBe("4 m 12 s ago");
    expect(formatAgo("2026-11-26T14:00:00.500Z", "2026-11-26T14:00:00.900Z")).toBe("just now");
    expect(formatUtcSeconds("2026-11-26T14:03:12.345Z")).toBe("2026-11-26 14:03:12 UTC");
    expect(formatUtcSeconds("2026-11-26T14:03:12.345+01:00", true)).toBe("13:03:12 UTC");
  });
});

describe("formatFor", () => {
  it("keeps English as the plain exports give it", () => {
    const en = formatFor("en");
    expect(en.formatSeconds(252)).toBe("4 m 12 s");
    expect(en.formatAgo("2026-11-26T14:00:00Z", "2026-11-26T14:00:00Z")).toBe("just now");
    expect(en.formatAgo("2026-11-26T14:04:12Z", "2026-11-26T14:00:00Z")).toBe("in 4 m 12 s");
  });

  it("writes Korean units, 전 and 후, with locale numbers", () => {
    const ko = formatFor("ko");
    expect(ko.formatSeconds(0)).toBe("0초");
    expect(ko.formatSeconds(0.34)).toBe("340ms");
    expect(ko.formatSeconds(12.34)).toBe("12.3초");
    expect(ko.formatSeconds(252)).toBe("4분 12초");
    expect(ko.formatSeconds(7500)).toBe("2시간 5분");
    expect(ko.formatSeconds(3 * 86_400 + 4 * 3600)).toBe("3일 4시간");
    expect(ko.formatAgo("2026-11-26T14:00:00Z", "2026-11-26T14:04:12Z")).toBe("4분 12초 전");
    expect(ko.formatAgo("2026-11-26T14:00:00.500Z", "2026-11-26T14:00:00.900Z")).toBe("방금");
    expect(ko.formatAgo("2026-11-26T16:00:00Z", "2026-11-26T14:00:00Z")).toBe("2시간 후");
    expect(ko.formatBytes(1536)).toBe("1.5 KiB");
    expect(ko.formatBytesExact(1572864)).toBe("1,572,864 B");
    expect(ko.formatCount(1234567)).toBe("1,234,567");
    expect(ko.formatUtcSeconds("2026-11-26T14:03:12.345Z")).toBe("2026-11-26 14:03:12 UTC");
  });
});
