import { describe, expect, it } from "vitest";
import type { RestoreWindow } from "@/lib/schemas/restore-window";
import { lagBytesOf, lagFromFacts } from "./offsite-wal-lag";
import { segmentSizeOfObject } from "./offsite-wal-listing";

// The offsite lag from the offsite window's facts, and the segment size an offsite object holds.

const MiB = 1024 * 1024;
const archive = (lastWal: string | null, segments = 10): NonNullable<RestoreWindow["archive"]> => ({
  path: "/archive",
  segments,
  firstWal: null,
  lastWal,
  segmentSize: 16 * MiB,
  historyFiles: 0,
  partialFiles: 0,
  backupHistoryFiles: 0,
  ignoredFiles: 0,
  scannedAt: "2026-12-03T10:00:00Z",
});
const facts = (lastWal: string | null, latest: string | null, error: string | null = null) => ({
  earliest: "2026-12-03T08:00:00Z",
  latest,
  lastWal,
  segmentSize: 16 * MiB,
  computedAt: "2026-12-03T10:00:00Z",
  problems: [],
  error,
});

describe("lagBytesOf", () => {
  it("counts the archive's segments beyond the offsite listing's newest", () => {
    expect(lagBytesOf(archive("00000001000000000000000C"), "00000001000000000000000A")).toBe(32 * MiB);
    expect(lagBytesOf(archive("00000001000000000000000C"), "00000001000000000000000C")).toBe(0);
    expect(lagBytesOf(archive("00000002000000000000000C"), "00000001000000000000000C")).toBe(16 * MiB);
    expect(lagBytesOf(archive("00000001000000000000000C", 3), null)).toBe(48 * MiB);
    expect(lagBytesOf(null, "00000001000000000000000C")).toBeNull();
  });
});

describe("lagFromFacts", () => {
  it("is the archive's last commit minus the offsite window's, and 0 when caught up", () => {
    const window = {
      latest: "2026-12-03T10:00:00Z",
      archive: archive("00000001000000000000000C"),
      backups: [],
    };
    expect(
      lagFromFacts({ ...window, offsiteWindow: facts("00000001000000000000000A", "2026-12-03T09:58:20Z") }),
    ).toEqual({
      earliest: "2026-12-03T08:00:00Z",
      latest: "2026-12-03T09:58:20Z",
      lagBytes: 32 * MiB,
      lagSeconds: 100,
    });
    expect(
      lagFromFacts({ ...window, offsiteWindow: facts("00000001000000000000000C", "2026-12-03T10:00:00Z") }),
    ).toMatchObject({ lagBytes: 0, lagSeconds: 0 });
  });

  it("counts what the shipper sent since the facts were computed", () => {
    const window = {
      latest: "2026-12-03T10:00:00Z",
      archive: archive("00000001000000000000000C"),
      backups: [],
      offsiteWindow: facts("00000001000000000000000A", "2026-12-03T09:58:20Z"),
    };
    expect(lagFromFacts(window, "00000001000000000000000C")).toEqual({
      earliest: "2026-12-03T08:00:00Z",
      latest: "2026-12-03T10:00:00Z",
      lagBytes: 0,
      lagSeconds: 0,
    });
    expect(lagFromFacts(window, "00000001000000000000000B")).toMatchObject({
      lagBytes: 16 * MiB,
      latest: "2026-12-03T09:58:20Z",
      lagSeconds: 100,
    });
    // An older position than the facts' listing changes nothing.
    expect(lagFromFacts(window, "000000010000000000000005")).toMatchObject({ lagBytes: 32 * MiB });
  });

  it("has nothing to say without facts or when they could not be computed", () => {
    const window = { latest: null, archive: archive("00000001000000000000000C"), backups: [] };
    expect(lagFromFacts(window)).toBeNull();
    expect(lagFromFacts({ ...window, offsiteWindow: facts(null, null, "storage away") })).toBeNull();
  });
});

describe("segmentSizeOfObject", () => {
  it("reads a plain segment's size and an age ciphertext's plaintext size", () => {
    expect(segmentSizeOfObject(16 * MiB)).toBe(16 * MiB);
    // One X25519 recipient: a 168-byte header, a 16-byte nonce, a 16-byte tag per 64 KiB.
    expect(segmentSizeOfObject(16 * MiB + 168 + 16 + 256 * 16)).toBe(16 * MiB);
    expect(segmentSizeOfObject(64 * MiB + 168 + 16 + 1024 * 16)).toBe(64 * MiB);
    expect(segmentSizeOfObject(12345)).toBeNull();
  });
});
