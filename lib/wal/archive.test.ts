import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveUnreadableError, scanArchive } from "./archive";

const MiB = 1024 * 1024;

describe("scanArchive", () => {
  let dir: string;
  let archive: string;
  const full = Buffer.alloc(MiB);

  beforeAll(async () => {
    dir = await realpath(await mkdtemp(path.join(os.tmpdir(), "walden-archive-scan-")));
    archive = path.join(dir, "archive");
    await mkdir(archive);
    // A cluster initdb'd with --wal-segsize=1: 4096 segments per log.
    for (const name of [
      "000000010000000000000FFE",
      "000000010000000000000FFF",
      "000000010000000100000000",
      "000000010000000100000002",
      "000000020000000100000002",
    ]) {
      await writeFile(path.join(archive, name), full);
    }
    await writeFile(path.join(archive, "000000020000000100000003"), Buffer.alloc(4096));
    await writeFile(path.join(archive, "000000010000000100000002.partial"), full);
    await writeFile(path.join(archive, "000000010000000000000FFE.00000028.backup"), "START WAL LOCATION: …");
    await writeFile(path.join(archive, "00000002.history"), "1\t1/1800000\tno recovery target specified\n");
    await writeFile(path.join(archive, "00000003.history"), "garbage\n");
    await writeFile(path.join(archive, "000000010000000100000001.gz"), "compressed");
    await writeFile(path.join(archive, "README"), "hello");
    await mkdir(path.join(archive, "archive_status"));
    // A segment that lives outside the archive, linked in; and one linked from inside.
    await writeFile(path.join(dir, "000000010000000100000001"), full);
    await symlink(path.join(dir, "000000010000000100000001"), path.join(archive, "000000010000000100000001"));
    await mkdir(path.join(archive, "spool"));
    await writeFile(path.join(archive, "spool", "seg"), full);
    await symlink(path.join(archive, "spool", "seg"), path.join(archive, "000000020000000100000004"));
    await symlink(archive, path.join(dir, "link-to-archive"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("finds complete segments in WAL order, with the segment size read from their files", async () => {
    const scan = await scanArchive(path.join(dir, "link-to-archive"));
    expect(scan.root).toBe(archive);
    expect(scan.segmentSize).toBe(MiB);
    expect(scan.segments.map((segment) => `${segment.timeline}:${segment.segno}`)).toEqual([
      "1:4094",
      "1:4095",
      "1:4096",
      "1:4098",
      "2:4098",
      "2:4100",
    ]);
  });

  it("counts the other files and reads the history files", async () => {
    const scan = await scanArchive(archive);
    expect(scan.partial).toBe(1);
    expect(scan.backupFiles).toBe(1);
    expect(scan.ignored).toBe(2);
    expect(scan.incomplete).toEqual(["000000020000000100000003"]);
    expect([...scan.histories]).toEqual([
      [2, [{ timeline: 1, switchLsn: "1/01800000", reason: "no recovery target specified" }]],
    ]);
    expect(scan.problems.join("\n")).toMatch(/00000003\.history cannot be read: line 1/);
  });

  it("never counts a symlink that leads out of the archive", async () => {
    const scan = await scanArchive(archive);
    expect(scan.segments.map((segment) => segment.name)).not.toContain("000000010000000100000001");
    expect(scan.rejected).toEqual(["000000010000000100000001"]);
    expect(scan.problems.join("\n")).toMatch(/Skipped 1 symlink.*000000010000000100000001/);
  });

  it("honours an explicit segment size", async () => {
    const scan = await scanArchive(archive, { segmentSize: 16 * MiB });
    // 0FFE is not a valid 16 MiB name, and 1 MiB files are not complete 16 MiB segments.
    expect(scan.segments).toEqual([]);
    expect(scan.incomplete).toContain("000000010000000100000000");
  });

  it("fails with the path when the folder cannot be read", async () => {
    const missing = path.join(dir, "nope");
    await expect(scanArchive(missing)).rejects.toThrow(ArchiveUnreadableError);
    await expect(scanArchive(missing)).rejects.toThrow(
      `Cannot read the WAL archive folder ${missing} (ENOENT)`,
    );
    await expect(scanArchive(path.join(archive, "README"))).rejects.toThrow(/ENOTDIR/);
  });
});

describe("scanArchive of an archive sealed at rest", () => {
  it("counts <segment>.age as archived, says how each segment is held, and skips facts files", async () => {
    const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), "walden-archive-sealed-")));
    try {
      const facts = { bytes: MiB, sha256: "a".repeat(64), recipient: `age1${"q".repeat(58)}`, commits: null };
      const sealed = async (name: string) => {
        await writeFile(path.join(dir, `${name}.age`), "age-encryption.org/v1\n…");
        await writeFile(path.join(dir, `${name}.age.json`), JSON.stringify(facts));
      };
      // One held both ways (a seal cut short), the others sealed only.
      await sealed("000000010000000000000001");
      await sealed("000000010000000000000002");
      await writeFile(path.join(dir, "000000010000000000000002"), Buffer.alloc(MiB));
      await sealed("000000010000000000000003");
      await writeFile(path.join(dir, "000000010000000000000004.age.tmp"), "in progress");
      const scan = await scanArchive(dir);
      expect(scan.segmentSize).toBe(MiB);
      expect(scan.segments.map(({ name, form }) => [name, form])).toEqual([
        ["000000010000000000000001", "sealed"],
        ["000000010000000000000002", "both"],
        ["000000010000000000000003", "sealed"],
      ]);
      expect(scan.ignored).toBe(1);
      expect(scan.problems).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
