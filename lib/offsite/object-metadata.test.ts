import { describe, expect, it } from "vitest";
import { fromS3Metadata, toS3Metadata } from "./object-metadata";

describe("a WAL segment's commits in its object's metadata", () => {
  const commits = {
    count: 3,
    first: { xid: 731, lsn: "0/16B3F48", time: "2026-12-03T19:02:03.123456Z" },
    last: { xid: 733, lsn: "1/2A0000C8", time: "2026-12-03T19:02:04.5+02:00" },
    unreadableTimes: 0,
  };

  it("round-trips as S3 user metadata (ASCII strings), beside the checksum fields", () => {
    const stored = toS3Metadata({ plaintextSha256: "a".repeat(64), encryption: "age", walCommits: commits });
    expect(stored).toEqual({
      "plaintext-sha256": "a".repeat(64),
      encryption: "age",
      "wal-commit-count": "3",
      "wal-unreadable-times": "0",
      "wal-first-commit": "731 0/16B3F48 2026-12-03T19:02:03.123456Z",
      "wal-last-commit": "733 1/2A0000C8 2026-12-03T19:02:04.5+02:00",
    });
    expect(fromS3Metadata(stored).walCommits).toEqual(commits);
  });

  it("a segment without commits says so (count 0, no first or last)", () => {
    const none = { count: 0, first: null, last: null, unreadableTimes: 0 };
    expect(fromS3Metadata(toS3Metadata({ walCommits: none })).walCommits).toEqual(none);
  });

  it("objects shipped before, or metadata that does not read, give no commits (the window downloads instead)", () => {
    expect(fromS3Metadata({ "plaintext-sha256": "a".repeat(64) }).walCommits).toBeUndefined();
    expect(fromS3Metadata({ "wal-commit-count": "x" }).walCommits).toBeUndefined();
    expect(
      fromS3Metadata({ "wal-commit-count": "1", "wal-last-commit": "1 0/1 not-a-time" }).walCommits,
    ).toBeUndefined();
  });
});
