import { describe, expect, it } from "vitest";
import { generateAgeKey, keyFingerprint } from "@/lib/offsite/age";
import {
  backupDescriptorFor,
  copyDescriptorFor,
  parseBackupDescriptor,
  parseRepositoryDescriptor,
  repositoryDescriptorFor,
  segmentSizeFromBackup,
  serializeDescriptor,
  tablespacesOf,
  type DescribedBackupRow,
} from "./descriptor";

const row: DescribedBackupRow = {
  id: "4d0b6a53-2c1e-4d8f-9a2b-1f3e5c7d9a01",
  kind: "physical",
  status: "succeeded",
  label: "before the migration",
  options: { clusterId: "x", kind: "physical", compression: "lz4", checkpoint: "fast" },
  database: null,
  startLsn: "0/5000028",
  stopLsn: "0/5000138",
  startWal: "000000010000000000000005",
  stopWal: "000000010000000000000005",
  timeline: 1,
  serverVersionNum: 170002,
  systemIdentifier: "7445063947245113390",
  startedAt: new Date("2026-12-01T02:00:00.000Z"),
  finishedAt: new Date("2026-12-01T02:01:30.000Z"),
  sizeBytes: 123456789n,
  checksum: "a".repeat(64),
};
const files = ["backup_manifest", "base.tar.lz4", "pg_wal.tar.lz4", "16390.tar.lz4", "16385.tar.lz4"];
const now = new Date("2026-12-01T02:01:31.000Z");

describe("backup descriptor", () => {
  it("carries what a restore needs from the catalog, and reads back as written", () => {
    const descriptor = backupDescriptorFor(row, "prod", files, { now });
    expect(descriptor).toMatchObject({
      format: "walden-backup/1",
      backupId: row.id,
      cluster: "prod",
      systemIdentifier: "7445063947245113390",
      serverVersionNum: 170002,
      kind: "physical",
      label: "before the migration",
      startLsn: "0/5000028",
      stopWal: "000000010000000000000005",
      timeline: 1,
      walSegmentSize: 16 * 1024 * 1024,
      finishedAt: "2026-12-01T02:01:30.000Z",
      sizeBytes: 123456789,
      compression: "lz4",
      tablespaces: ["16385", "16390"],
      checksums: { file: "SHA256SUMS", sha256: "a".repeat(64) },
      encryption: null,
      writtenAt: now.toISOString(),
    });
    const text = serializeDescriptor(descriptor);
    expect(parseBackupDescriptor(text)).toEqual({ ok: true, descriptor });
  });

  it("names the age key of an encrypted copy by its fingerprint only", () => {
    const { recipient, identity } = generateAgeKey();
    const descriptor = copyDescriptorFor(backupDescriptorFor(row, "prod", files, { now }), recipient, now);
    expect(descriptor.encryption).toEqual({ method: "age", recipientFingerprint: keyFingerprint(recipient) });
    const text = serializeDescriptor(descriptor);
    expect(text).not.toContain(recipient);
    expect(text).not.toContain(identity);
  });

  it("refuses a changed file, another format and an invalid one, each with its reason", () => {
    const text = serializeDescriptor(backupDescriptorFor(row, "prod", files, { now }));
    const changed = text.replace('"startLsn": "0/5000028"', '"startLsn": "0/6000028"');
    expect(changed).not.toBe(text);
    expect(parseBackupDescriptor(changed)).toEqual({ ok: false, problem: expect.stringMatching(/SHA-256/) });
    // The walden.json of backups taken before descriptors: no format.
    expect(parseBackupDescriptor(JSON.stringify({ backupId: row.id, cluster: "prod" }))).toEqual({
      ok: false,
      problem: expect.stringMatching(/not a walden-backup\/1 descriptor/),
    });
    expect(parseBackupDescriptor("{")).toEqual({ ok: false, problem: "is not JSON" });
    // Well formed and self-consistent, but not a valid descriptor: the schema says which field.
    const bad = serializeDescriptor({
      ...backupDescriptorFor(row, "prod", files, { now }),
      startLsn: "five",
    });
    expect(parseBackupDescriptor(bad)).toEqual({ ok: false, problem: expect.stringMatching(/startLsn/) });
  });

  it("refuses to describe a backup that did not succeed", () => {
    expect(() => backupDescriptorFor({ ...row, status: "failed" }, "prod", files)).toThrow(/not a succeeded/);
  });

  it("describes a logical backup without WAL or tablespaces", () => {
    const logical = backupDescriptorFor(
      {
        ...row,
        kind: "logical",
        database: "app",
        startLsn: null,
        stopLsn: null,
        startWal: null,
        stopWal: null,
        timeline: null,
        options: { format: "custom" },
      },
      "prod",
      ["dump.pgdump", "globals.sql"],
      { now },
    );
    expect(logical).toMatchObject({
      kind: "logical",
      database: "app",
      walSegmentSize: null,
      tablespaces: [],
    });
  });
});

describe("repository descriptor", () => {
  it("names the cluster, its system identifier, the segment size and where the WAL is", () => {
    const backup = backupDescriptorFor(row, "prod", files, { now });
    const descriptor = repositoryDescriptorFor(backup, "prod/wal");
    expect(descriptor).toEqual({
      format: "walden-repository/1",
      cluster: "prod",
      systemIdentifier: "7445063947245113390",
      serverVersionNum: 170002,
      walSegmentSize: 16 * 1024 * 1024,
      wal: { location: "prod/wal" },
      writtenAt: now.toISOString(),
    });
    expect(parseRepositoryDescriptor(serializeDescriptor(descriptor))).toEqual({ ok: true, descriptor });
    expect(parseRepositoryDescriptor(serializeDescriptor(backup)).ok).toBe(false);
  });
});

describe("facts read from a backup", () => {
  it("finds the WAL segment size from the start LSN and its segment's name", () => {
    expect(segmentSizeFromBackup(row)).toBe(16 * 1024 * 1024);
    // 0/5000028 with 64 MiB segments is in segment 1 (file …01).
    expect(
      segmentSizeFromBackup({ ...row, startWal: "000000010000000000000001", startLsn: "0/5000028" }),
    ).toBe(64 * 1024 * 1024);
    // Within the first MiB every size fits: unknown, not guessed.
    expect(
      segmentSizeFromBackup({ ...row, startLsn: "0/28", startWal: "000000010000000000000000" }),
    ).toBeNull();
    expect(segmentSizeFromBackup({ ...row, startWal: null })).toBeNull();
  });

  it("takes tablespace OIDs from the archive names only", () => {
    expect(
      tablespacesOf(["base.tar", "pg_wal.tar", "16385.tar", "16400.tar.zst", "backup_manifest"]),
    ).toEqual(["16385", "16400"]);
  });
});
