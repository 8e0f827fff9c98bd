import { describe, expect, it } from "vitest";
import { backupDescriptorFor, copyDescriptorFor, type BackupDescriptor } from "./descriptor";
import type { FoundBackup, FoundRepository } from "./found";
import { backupSpan, planImport, repositoryIdentifiers, type KnownBackup } from "./import-diff";

const SYSTEM = "7445063947245113390";
const cluster = { id: "c0000000-0000-4000-8000-000000000001", name: "prod" };
let counter = 0;

function descriptor(overrides: Partial<BackupDescriptor> = {}): BackupDescriptor {
  counter += 1;
  const id = `b0000000-0000-4000-8000-${String(counter).padStart(12, "0")}`;
  const base = backupDescriptorFor(
    {
      id,
      kind: "physical",
      status: "succeeded",
      label: null,
      options: { compression: "lz4" },
      database: null,
      startLsn: "0/5000028",
      stopLsn: "0/5000138",
      startWal: "000000010000000000000005",
      stopWal: "000000010000000000000005",
      timeline: 1,
      serverVersionNum: 170002,
      systemIdentifier: SYSTEM,
      startedAt: null,
      finishedAt: new Date(Date.UTC(2026, 11, counter)),
      sizeBytes: 1000n,
      checksum: "b".repeat(64),
    },
    "prod",
    ["base.tar"],
  );
  return { ...base, ...overrides };
}

const found = (d: BackupDescriptor | null, extra: Partial<FoundBackup> = {}): FoundBackup => ({
  backupId: d?.backupId ?? "b0000000-0000-4000-8000-999999999999",
  descriptor: d,
  problem: d ? null : "no walden.json descriptor in its folder",
  sizeBytes: 1200,
  location: `s3://bucket/prod/${d?.backupId} at http://127.0.0.1:9000`,
  ...extra,
});

const repository = (backups: FoundBackup[], kind: "local" | "offsite" = "offsite"): FoundRepository => ({
  repository: kind,
  location: "s3://bucket/prod at http://127.0.0.1:9000",
  descriptor: null,
  backups,
  wal: null,
});

const known = (entries: KnownBackup[]) => new Map(entries.map((entry) => [entry.id, entry]));

describe("planImport", () => {
  it("adds what the catalog does not know, records a copy it lacks, leaves the rest", () => {
    const fresh = descriptor({ label: "nightly" });
    const withoutCopy = descriptor();
    const whole = descriptor();
    const backups = [found(whole), found(withoutCopy), found(fresh)];
    const entries = planImport({
      found: repository(backups),
      cluster,
      systemIdentifier: SYSTEM,
      known: known([
        {
          id: withoutCopy.backupId,
          clusterId: cluster.id,
          status: "succeeded",
          path: "/repo/x",
          offsiteLocations: [],
        },
        {
          id: whole.backupId,
          clusterId: cluster.id,
          status: "succeeded",
          path: null,
          offsiteLocations: [backups[0]!.location],
        },
      ]),
    });
    expect(entries.map((entry) => [entry.backupId, entry.action])).toEqual([
      [fresh.backupId, "add"],
      [withoutCopy.backupId, "add-copy"],
      [whole.backupId, "known"],
    ]);
    expect(entries[0]).toMatchObject({
      label: "nightly",
      kind: "physical",
      sizeBytes: 1000,
      startLsn: "0/5000028",
      timeline: 1,
      encrypted: false,
      reason: null,
    });
    expect(entries[1]!.reason).toMatch(/records its offsite copy/);
  });

  it("refuses each backup that is not this cluster's or cannot be trusted, saying why", () => {
    const other = descriptor({ systemIdentifier: "7000000000000000001" });
    const renamed = descriptor({ cluster: "staging" });
    const unnamed = descriptor({ systemIdentifier: null });
    const moved = descriptor();
    const elsewhere = descriptor();
    const entries = planImport({
      found: repository([
        found(other),
        found(renamed),
        found(unnamed),
        found(moved, { backupId: "b0000000-0000-4000-8000-000000000777" }),
        found(elsewhere),
        found(null, {
          problem: "its walden.json does not match its own SHA-256: the file was changed or damaged",
        }),
      ]),
      cluster,
      systemIdentifier: SYSTEM,
      known: known([
        {
          id: elsewhere.backupId,
          clusterId: "c0000000-0000-4000-8000-000000000002",
          status: "succeeded",
          path: null,
          offsiteLocations: [],
        },
      ]),
    });
    const reasons = Object.fromEntries(entries.map((entry) => [entry.backupId, entry]));
    expect(entries.every((entry) => entry.action === "refused")).toBe(true);
    expect(reasons[other.backupId]!.reason).toMatch(
      /another database cluster \(system identifier 7000000000000000001/,
    );
    expect(reasons[renamed.backupId]!.reason).toMatch(/cluster "staging", not "prod"/);
    expect(reasons[unnamed.backupId]!.reason).toMatch(/does not name the server's system identifier/);
    expect(reasons["b0000000-0000-4000-8000-000000000777"]!.reason).toMatch(
      /names backup .* not the folder's/,
    );
    expect(reasons[elsewhere.backupId]!.reason).toMatch(/of another cluster/);
    expect(reasons["b0000000-0000-4000-8000-999999999999"]).toMatchObject({
      reason: expect.stringMatching(/SHA-256/),
      kind: null,
      finishedAt: null,
      sizeBytes: 1200,
    });
  });

  it("in the local repository, a known backup without a folder gains it; one the catalog expired stays expired", () => {
    const folderless = descriptor();
    const expired = descriptor();
    const entries = planImport({
      found: repository([found(folderless, { location: "/repo/prod/a" }), found(expired)], "local"),
      cluster,
      systemIdentifier: SYSTEM,
      known: known([
        {
          id: folderless.backupId,
          clusterId: cluster.id,
          status: "succeeded",
          path: null,
          offsiteLocations: [],
        },
        { id: expired.backupId, clusterId: cluster.id, status: "expired", path: null, offsiteLocations: [] },
      ]),
    });
    expect(entries.map((entry) => [entry.action, entry.reason])).toEqual([
      ["add-copy", "the catalog learns its folder /repo/prod/a"],
      ["known", "the catalog has it as expired"],
    ]);
  });

  it("marks encrypted copies, and spans the importable physical backups only", () => {
    const first = descriptor();
    const sealed = copyDescriptorFor(
      descriptor(),
      "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
    );
    const logical = descriptor({ kind: "logical" });
    const foreign = descriptor({ systemIdentifier: "1" });
    const entries = planImport({
      found: repository([found(first), found(sealed), found(logical), found(foreign)]),
      cluster,
      systemIdentifier: SYSTEM,
      known: new Map(),
    });
    expect(entries.find((entry) => entry.backupId === sealed.backupId)?.encrypted).toBe(true);
    expect(backupSpan(entries)).toEqual({
      earliestFinishedAt: first.finishedAt,
      latestFinishedAt: sealed.finishedAt,
    });
  });
});

describe("repositoryIdentifiers", () => {
  it("takes the repository's own descriptor first, else the identifiers its backups name", () => {
    const a = descriptor();
    const b = descriptor({ systemIdentifier: "42" });
    expect(repositoryIdentifiers(repository([found(a), found(b), found(null)]))).toEqual(["42", SYSTEM]);
    expect(
      repositoryIdentifiers({
        ...repository([found(b)]),
        descriptor: {
          format: "walden-repository/1",
          cluster: "prod",
          systemIdentifier: SYSTEM,
          serverVersionNum: 170002,
          walSegmentSize: 16777216,
          wal: { location: "prod/wal" },
          writtenAt: a.writtenAt,
        },
      }),
    ).toEqual([SYSTEM]);
    expect(repositoryIdentifiers(repository([found(null)]))).toEqual([]);
  });
});
