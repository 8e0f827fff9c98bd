import { describe, expect, it } from "vitest";
import {
  computeCoverage,
  HistoryFileError,
  isOnPath,
  isValidSegmentSize,
  parseHistoryFile,
  parseWalFileName,
  segmentEndLsn,
  segmentStartLsn,
  segnoOfLsn,
  timelineForSegment,
  timelinePath,
  walFileForLsn,
  walFileName,
  type WalSegmentId,
} from "./segments";

const MiB = 1024 * 1024;
const seg = (timeline: number, segno: number, size = 16 * MiB): WalSegmentId => ({
  name: walFileName(timeline, segno, size),
  timeline,
  segno,
});

describe("WAL file names", () => {
  it("formats and parses segment names with 16 MiB segments (256 per log)", () => {
    expect(walFileName(1, 3)).toBe("000000010000000000000003");
    expect(walFileName(2, 0x1ff)).toBe("0000000200000001000000FF");
    expect(walFileName(0x1a, 256 * 0x12 + 0xab)).toBe("0000001A00000012000000AB");
    expect(parseWalFileName("0000001A00000012000000AB")).toEqual({
      kind: "segment",
      name: "0000001A00000012000000AB",
      timeline: 26,
      segno: 256 * 0x12 + 0xab,
    });
  });

  it("takes the segment size into account", () => {
    // 64 MiB segments: 64 per log, so seg part 0x3F is the last one.
    expect(walFileName(1, 64 + 5, 64 * MiB)).toBe("000000010000000100000005");
    expect(parseWalFileName("00000001000000010000003F", 64 * MiB)).toMatchObject({ segno: 127 });
    expect(parseWalFileName("000000010000000100000040", 64 * MiB)).toEqual({
      kind: "other",
      name: "000000010000000100000040",
    });
    // 1 MiB segments: 4096 per log.
    expect(walFileName(1, 4095, MiB)).toBe("000000010000000000000FFF");
    expect(() => walFileName(1, 1, 3 * MiB)).toThrow(/power of two/);
  });

  it("recognizes history, partial and backup files, and ignores anything else", () => {
    expect(parseWalFileName("00000002.history")).toEqual({
      kind: "history",
      name: "00000002.history",
      timeline: 2,
    });
    expect(parseWalFileName("000000010000000000000005.partial")).toEqual({
      kind: "partial",
      name: "000000010000000000000005.partial",
      timeline: 1,
      segno: 5,
    });
    expect(parseWalFileName("000000010000000000000002.00000028.backup")).toEqual({
      kind: "backup",
      name: "000000010000000000000002.00000028.backup",
      timeline: 1,
      segno: 2,
      offset: 0x28,
    });
    for (const name of [
      "000000010000000000000002.gz",
      "00000001000000000000000a",
      "00000000.history",
      "000000000000000000000001",
      "archive_status",
      ".tmp.000000010000000000000003",
      "00000001000000000000003",
    ]) {
      expect(parseWalFileName(name)).toEqual({ kind: "other", name });
    }
  });

  it("validates segment sizes", () => {
    expect(isValidSegmentSize(16 * MiB)).toBe(true);
    expect(isValidSegmentSize(MiB)).toBe(true);
    expect(isValidSegmentSize(1024 * MiB)).toBe(true);
    expect(isValidSegmentSize(2048 * MiB)).toBe(false);
    expect(isValidSegmentSize(512 * 1024)).toBe(false);
    expect(isValidSegmentSize(24 * MiB)).toBe(false);
  });
});

describe("segment and LSN math", () => {
  it("maps segments to their LSN span and back", () => {
    expect(segmentStartLsn(3)).toBe(0x3000000n);
    expect(segmentEndLsn(3)).toBe(0x4000000n);
    expect(segnoOfLsn("0/3000000")).toBe(3);
    expect(segnoOfLsn("0/3FFFFFF")).toBe(3);
    expect(segnoOfLsn("0/4000000")).toBe(4);
    expect(segnoOfLsn("1/0")).toBe(256);
    expect(segnoOfLsn(0x1630f9f0n)).toBe(0x16);
    expect(walFileForLsn(1, "0/1630F9F0")).toBe("000000010000000000000016");
    expect(walFileForLsn(3, "2A/FF000028")).toBe("000000030000002A000000FF");
  });

  it("agrees with PostgreSQL's own names (pg_walfile_name) far into the stream", () => {
    // select pg_walfile_name('16/B374D848') on timeline 1 → 0000000100000016000000B3
    expect(walFileForLsn(1, "16/B374D848")).toBe("0000000100000016000000B3");
    expect(parseWalFileName("0000000100000016000000B3")).toMatchObject({ segno: 0x16 * 256 + 0xb3 });
  });
});

describe("coverage", () => {
  it("is one range for a contiguous timeline, with no gaps", () => {
    const coverage = computeCoverage([seg(1, 1), seg(1, 2), seg(1, 3)]);
    expect(coverage).toEqual({
      ranges: [
        {
          timeline: 1,
          fromWal: "000000010000000000000001",
          toWal: "000000010000000000000003",
          fromLsn: "0/01000000",
          toLsn: "0/04000000",
          segments: 3,
        },
      ],
      gaps: [],
    });
  });

  it("splits at holes, reporting the missing segments as a gap of that timeline", () => {
    const coverage = computeCoverage([seg(1, 1), seg(1, 2), seg(1, 6), seg(1, 5), seg(1, 8)]);
    expect(
      coverage.ranges.map((range) => [range.fromWal.slice(-2), range.toWal.slice(-2), range.segments]),
    ).toEqual([
      ["01", "02", 2],
      ["05", "06", 2],
      ["08", "08", 1],
    ]);
    expect(coverage.gaps).toEqual([
      {
        timeline: 1,
        fromWal: "000000010000000000000003",
        toWal: "000000010000000000000004",
        fromLsn: "0/03000000",
        toLsn: "0/05000000",
        segments: 2,
      },
      {
        timeline: 1,
        fromWal: "000000010000000000000007",
        toWal: "000000010000000000000007",
        fromLsn: "0/07000000",
        toLsn: "0/08000000",
        segments: 1,
      },
    ]);
  });

  it("keeps timelines apart: a new timeline starting later is not a gap", () => {
    const coverage = computeCoverage([seg(1, 1), seg(1, 2), seg(1, 3), seg(2, 3), seg(2, 4)]);
    expect(coverage.gaps).toEqual([]);
    expect(coverage.ranges.map((range) => `${range.timeline}:${range.fromWal}-${range.toWal}`)).toEqual([
      "1:000000010000000000000001-000000010000000000000003",
      "2:000000020000000000000003-000000020000000000000004",
    ]);
  });

  it("crosses a log boundary without a false gap", () => {
    const coverage = computeCoverage([seg(1, 254), seg(1, 255), seg(1, 256), seg(1, 257)]);
    expect(coverage.gaps).toEqual([]);
    expect(coverage.ranges[0]).toMatchObject({
      fromWal: "0000000100000000000000FE",
      toWal: "000000010000000100000001",
      toLsn: "1/02000000",
    });
  });

  it("is empty for an empty archive", () => {
    expect(computeCoverage([])).toEqual({ ranges: [], gaps: [] });
  });
});

describe("timeline history files", () => {
  it("parses PostgreSQL's tab-separated lines, oldest first", () => {
    const content =
      "1\t0/5000060\tno recovery target specified\n\n2\t0/9A000028\tbefore 2026-11-26 02:00:00+00\n";
    expect(parseHistoryFile(content)).toEqual([
      { timeline: 1, switchLsn: "0/05000060", reason: "no recovery target specified" },
      { timeline: 2, switchLsn: "0/9A000028", reason: "before 2026-11-26 02:00:00+00" },
    ]);
  });

  it("allows comments and a missing reason", () => {
    expect(parseHistoryFile("# a comment\n1\t0/3000000\n")).toEqual([
      { timeline: 1, switchLsn: "0/03000000", reason: "" },
    ]);
    expect(parseHistoryFile("")).toEqual([]);
  });

  it("rejects a malformed or unordered file", () => {
    expect(() => parseHistoryFile("1\tnot-an-lsn\treason")).toThrow(HistoryFileError);
    expect(() => parseHistoryFile("2\t0/5000000\tx\n1\t0/6000000\ty")).toThrow(/increasing/);
  });

  it("builds the recovery path of a timeline and picks the timeline of each segment", () => {
    const history = parseHistoryFile("1\t0/5000060\tpromoted\n2\t0/9000000\tpromoted again\n");
    const path = timelinePath(3, history);
    expect(path).toEqual([
      { timeline: 1, begin: 0n, end: 0x5000060n },
      { timeline: 2, begin: 0x5000060n, end: 0x9000000n },
      { timeline: 3, begin: 0x9000000n, end: null },
    ]);
    // The segment holding the switch comes from the new timeline (its copy has the old prefix).
    expect([4, 5, 6, 8, 9, 10].map((segno) => timelineForSegment(path, segno))).toEqual([1, 2, 2, 2, 3, 3]);
    expect(isOnPath(path, 1, 0x5000000n)).toBe(true);
    expect(isOnPath(path, 1, 0x5000060n)).toBe(false);
    expect(isOnPath(path, 2, 0x5000060n)).toBe(true);
    expect(isOnPath(path, 4, 0x1n)).toBe(false);
    // A timeline without a history file is its own origin.
    expect(timelinePath(2)).toEqual([{ timeline: 2, begin: 0n, end: null }]);
  });
});
