import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  assertTablespacesInside,
  parseTablespaceMap,
  remappedTablespaceMap,
  remapTablespaces,
  renderTablespaceMap,
  tablespaceArchives,
  tablespaceCheckCommand,
} from "./tablespaces";

const execFileAsync = promisify(execFile);

let tmp: string;
let root: string;
let dataDir: string;
let outside: string;

beforeEach(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "walden-tablespaces-")));
  root = path.join(tmp, "restore it's");
  dataDir = path.join(root, "data");
  outside = path.join(tmp, "source tablespace");
  await fs.mkdir(path.join(dataDir, "pg_tblspc"), { recursive: true });
  await fs.mkdir(outside);
});

afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** The shell check's exit code and message, run in bash as the runbook would. */
async function shellCheck(tablespacesRoot: string): Promise<{ code: number; stderr: string }> {
  try {
    await execFileAsync("bash", ["-e", "-c", tablespaceCheckCommand(dataDir, tablespacesRoot)]);
    return { code: 0, stderr: "" };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

describe("tablespace archives and maps", () => {
  it("finds each tablespace archive of a backup folder, whatever its compression", () => {
    expect(
      tablespaceArchives([
        "base.tar.lz4",
        "pg_wal.tar",
        "16999.tar.zst",
        "16384.tar.lz4",
        "17000.tar",
        "17001.tar.gz",
        "backup_manifest",
        "16384.tar.lz4.tmp",
      ]),
    ).toEqual([
      { oid: "16384", file: "16384.tar.lz4" },
      { oid: "16999", file: "16999.tar.zst" },
      { oid: "17000", file: "17000.tar" },
      { oid: "17001", file: "17001.tar.gz" },
    ]);
  });

  it("reads and writes tablespace_map with the server's backslash escapes", () => {
    const entries = [
      { oid: "16384", location: "/srv/pg/fast disk" },
      { oid: "16400", location: "/srv/odd\\name\nwith a line feed" },
    ];
    const text = renderTablespaceMap(entries);
    expect(text).toBe("16384 /srv/pg/fast disk\n16400 /srv/odd\\\\name\\\nwith a line feed\n");
    expect(parseTablespaceMap(text)).toEqual(entries);
    expect(parseTablespaceMap("16384 /a\r\n\n16385 /b")).toEqual([
      { oid: "16384", location: "/a" },
      { oid: "16385", location: "/b" },
    ]);
    expect(() => parseTablespaceMap("/no/oid\n")).toThrow(/not "<oid> <path>"/);
    expect(remappedTablespaceMap(["16384", "16400"], "/restores/x/tablespaces")).toBe(
      "16384 /restores/x/tablespaces/16384\n16400 /restores/x/tablespaces/16400\n",
    );
  });
});

describe("remapTablespaces", () => {
  it("links pg_tblspc into the copy's folder and rewrites tablespace_map to match", async () => {
    await fs.writeFile(path.join(dataDir, "tablespace_map"), `16384 ${outside}\n`);
    const into = path.join(root, "tablespaces");
    await fs.mkdir(path.join(into, "16384"), { recursive: true });
    const lines = await remapTablespaces(dataDir, into, ["16384"]);
    expect(lines[0]).toBe(`tablespace 16384: the source's ${outside} restored into ${into}/16384`);
    expect(await fs.readFile(path.join(dataDir, "tablespace_map"), "utf8")).toBe(`16384 ${into}/16384\n`);
    expect(await fs.readlink(path.join(dataDir, "pg_tblspc", "16384"))).toBe(`${into}/16384`);
    expect(await assertTablespacesInside(dataDir, root)).toMatch(
      /2 pg_tblspc and tablespace_map entries, all inside/,
    );
    expect((await shellCheck(into)).code).toBe(0);
  });

  it("refuses a map naming a tablespace the folder has no archive for, and an archive the map lacks", async () => {
    await fs.writeFile(path.join(dataDir, "tablespace_map"), `16384 ${outside}\n`);
    await expect(remapTablespaces(dataDir, path.join(root, "tablespaces"), [])).rejects.toThrow(
      /names tablespace 16384 .* has no 16384\.tar/,
    );
    await expect(
      remapTablespaces(dataDir, path.join(root, "tablespaces"), ["16384", "16390"]),
    ).rejects.toThrow(/has 16390\.tar, but its tablespace_map does not name tablespace 16390/);
    // Nothing was written before the refusal.
    expect(await fs.readFile(path.join(dataDir, "tablespace_map"), "utf8")).toBe(`16384 ${outside}\n`);
  });

  it("does nothing for a backup without tablespaces", async () => {
    expect(await remapTablespaces(dataDir, path.join(root, "tablespaces"), [])).toEqual([]);
    expect(await assertTablespacesInside(dataDir, root)).toBe("no tablespaces besides the default ones");
  });
});

describe("assertTablespacesInside", () => {
  it("refuses a pg_tblspc link to a folder outside the restore's root, naming it", async () => {
    await fs.symlink(outside, path.join(dataDir, "pg_tblspc", "16384"));
    await expect(assertTablespacesInside(dataDir, root)).rejects.toThrow(
      `refusing to start the restored copy: pg_tblspc/16384 points to ${outside}, outside the restore's folder ${root}`,
    );
    const shell = await shellCheck(path.join(root, "tablespaces"));
    expect(shell.code).not.toBe(0);
    expect(shell.stderr).toContain("Refusing to start:  pg_tblspc/16384 point outside");
  });

  it("refuses a tablespace_map line outside the root, even one whose path does not exist yet", async () => {
    await fs.writeFile(
      path.join(dataDir, "tablespace_map"),
      `16384 ${root}/tablespaces/16384\n16385 ${outside}/not yet made\n`,
    );
    await expect(assertTablespacesInside(dataDir, root)).rejects.toThrow(
      `tablespace_map line 16385 points to ${outside}/not yet made, outside`,
    );
    const shell = await shellCheck(path.join(root, "tablespaces"));
    expect(shell.code).not.toBe(0);
    expect(shell.stderr).toContain("tablespace_map:16385 point outside");
    expect(shell.stderr).not.toContain("tablespace_map:16384");
  });

  it("follows links: a path inside the root that is a link to outside is outside, and .. is resolved", async () => {
    await fs.mkdir(path.join(root, "tablespaces"));
    await fs.symlink(outside, path.join(root, "tablespaces", "16384"));
    await fs.symlink(path.join(root, "tablespaces", "16384"), path.join(dataDir, "pg_tblspc", "16384"));
    await expect(assertTablespacesInside(dataDir, root)).rejects.toThrow(
      `pg_tblspc/16384 points to ${outside}`,
    );
    expect((await shellCheck(path.join(root, "tablespaces"))).code).not.toBe(0);

    await fs.rm(path.join(dataDir, "pg_tblspc", "16384"));
    await fs.writeFile(path.join(dataDir, "tablespace_map"), `16390 ${root}/tablespaces/../../escaped\n`);
    await expect(assertTablespacesInside(dataDir, root)).rejects.toThrow(
      `tablespace_map line 16390 points to ${tmp}/escaped`,
    );
  });

  it("takes a relative link as pg_tblspc does, and accepts an in-place tablespace folder", async () => {
    await fs.mkdir(path.join(root, "tablespaces", "16384"), { recursive: true });
    await fs.symlink("../../tablespaces/16384", path.join(dataDir, "pg_tblspc", "16384"));
    await fs.mkdir(path.join(dataDir, "pg_tblspc", "16390"));
    expect(await assertTablespacesInside(dataDir, root)).toMatch(/2 pg_tblspc and tablespace_map entries/);
    await fs.symlink("../../../source tablespace", path.join(dataDir, "pg_tblspc", "16391"));
    await expect(assertTablespacesInside(dataDir, root)).rejects.toThrow(
      `pg_tblspc/16391 points to ${outside}`,
    );
  });
});
