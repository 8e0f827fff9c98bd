import { describe, expect, it } from "vitest";
import { parseBasebackupProgress, parseManifest } from "@/lib/backup/manifest";

describe("parseManifest", () => {
  it("reads timeline and LSN range from WAL-Ranges", () => {
    const text = JSON.stringify({
      "PostgreSQL-Backup-Manifest-Version": 1,
      Files: [{ Path: "base.tar" }, { Path: "pg_wal.tar" }],
      "WAL-Ranges": [{ Timeline: 1, "Start-LSN": "0/2000028", "End-LSN": "0/2000138" }],
      "Manifest-Checksum": "x",
    });
    expect(parseManifest(text)).toEqual({
      timeline: 1,
      startLsn: "0/2000028",
      stopLsn: "0/2000138",
      files: 2,
    });
  });

  it("refuses a manifest without WAL ranges", () => {
    expect(() => parseManifest(JSON.stringify({ Files: [], "WAL-Ranges": [] }))).toThrow(/WAL-Ranges/);
  });
});

describe("parseBasebackupProgress", () => {
  it("reads the percentage", () => {
    expect(parseBasebackupProgress("22500/45000 kB (50%), 0/1 tablespace")).toBe(50);
    expect(parseBasebackupProgress("pg_basebackup: write-ahead log start point: 0/2000028")).toBeNull();
  });
});
