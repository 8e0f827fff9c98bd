import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  clearWaldumpCache,
  isEndOfWalError,
  isUnder,
  parseWaldumpLine,
  parseWaldumpTime,
  readSegmentCommits,
  summarizeWaldump,
  waldumpArgs,
  WaldumpError,
} from "./waldump";

// Lines as PostgreSQL 15's pg_waldump prints them.
const COMMIT =
  "rmgr: Transaction len (rec/tot):     82/    82, tx:        796, lsn: 0/1630F9F0, prev 0/1630F930, desc: COMMIT 2026-11-26 02:30:57.901132 UTC; inval msgs: catcache 11 catcache 10";
const PLAIN_COMMIT =
  "rmgr: Transaction len (rec/tot):     34/    34, tx:        795, lsn: 0/1630F8D0, prev 0/1630F790, desc: COMMIT 2026-11-26 02:30:50.605259 UTC";
const PREPARED =
  "rmgr: Transaction len (rec/tot):     66/    66, tx:          0, lsn: 0/17000128, prev 0/170000F0, desc: COMMIT_PREPARED 801: 2026-11-26 02:31:00.000001 UTC";
const ABORT =
  "rmgr: Transaction len (rec/tot):     34/    34, tx:        799, lsn: 0/17000200, prev 0/17000128, desc: ABORT 2026-11-26 02:31:01.5 UTC";

describe("pg_waldump arguments", () => {
  it("reads the transaction records of one named segment from the archive folder", () => {
    expect(
      waldumpArgs({ dir: "/srv/archive/demo", timeline: 2, segment: "000000020000000000000005" }),
    ).toEqual(["--path=/srv/archive/demo", "--timeline=2", "--rmgr=Transaction", "000000020000000000000005"]);
  });
});

describe("pg_waldump output", () => {
  it("reads xid, LSN and time of a commit", () => {
    expect(parseWaldumpLine(COMMIT)).toEqual({
      kind: "commit",
      commit: { xid: 796, lsn: "0/1630F9F0", time: "2026-11-26T02:30:57.901132Z" },
    });
    expect(parseWaldumpLine(PLAIN_COMMIT)).toEqual({
      kind: "commit",
      commit: { xid: 795, lsn: "0/1630F8D0", time: "2026-11-26T02:30:50.605259Z" },
    });
  });

  it("names the prepared transaction for COMMIT_PREPARED", () => {
    expect(parseWaldumpLine(PREPARED)).toEqual({
      kind: "commit",
      commit: { xid: 801, lsn: "0/17000128", time: "2026-11-26T02:31:00.000001Z" },
    });
  });

  it("ignores aborts and other records", () => {
    expect(parseWaldumpLine(ABORT)).toBeNull();
    expect(
      parseWaldumpLine(
        "rmgr: XLOG        len (rec/tot):     24/    24, tx:          0, lsn: 0/10C41678, prev 0/10C41620, desc: SWITCH ",
      ),
    ).toBeNull();
    expect(parseWaldumpLine("pg_waldump: first record is after 0/16000000, at 0/16000028")).toBeNull();
  });

  it("keeps numeric zones and refuses ambiguous abbreviations", () => {
    expect(parseWaldumpTime("2026-11-26 02:30:57.901132", "UTC")).toBe("2026-11-26T02:30:57.901132Z");
    expect(parseWaldumpTime("2026-11-26 02:30:57", "GMT")).toBe("2026-11-26T02:30:57Z");
    expect(parseWaldumpTime("2026-11-26 08:00:57.5", "+0530")).toBe("2026-11-26T08:00:57.5+05:30");
    expect(parseWaldumpTime("2026-11-25 23:30:57.5", "-03")).toBe("2026-11-25T23:30:57.5-03:00");
    expect(parseWaldumpTime("2026-11-25 20:30:57.5", "EST")).toBeNull();
    expect(parseWaldumpLine(COMMIT.replace(" UTC;", " CST;"))).toEqual({
      kind: "commit-unreadable-time",
      xid: 796,
      lsn: "0/1630F9F0",
    });
  });

  it("summarizes a segment as first, last and count", () => {
    expect(summarizeWaldump([PLAIN_COMMIT, ABORT, COMMIT, "noise"])).toEqual({
      count: 2,
      first: { xid: 795, lsn: "0/1630F8D0", time: "2026-11-26T02:30:50.605259Z" },
      last: { xid: 796, lsn: "0/1630F9F0", time: "2026-11-26T02:30:57.901132Z" },
      unreadableTimes: 0,
    });
    expect(summarizeWaldump([])).toEqual({ count: 0, first: null, last: null, unreadableTimes: 0 });
  });

  it("tells the end of written WAL from a real failure", () => {
    expect(
      isEndOfWalError([
        "pg_waldump: error: error in WAL record at 0/17000028: invalid record length at 0/170000A0: wanted 24, got 0",
      ]),
    ).toBe(true);
    expect(isEndOfWalError(['pg_waldump: error: could not locate WAL file "000000010000000000000099"'])).toBe(
      false,
    );
  });

  it("checks containment by path, not by string prefix", () => {
    expect(isUnder("/srv/archive", "/srv/archive/000000010000000000000001")).toBe(true);
    expect(isUnder("/srv/archive", "/srv/archive-evil/000000010000000000000001")).toBe(false);
    expect(isUnder("/srv/archive", "/srv/archive")).toBe(false);
    expect(isUnder("/srv/archive", "/srv/other/../archive/x")).toBe(true);
  });
});

describe("readSegmentCommits", () => {
  // A stand-in program that prints what pg_waldump would and counts its runs: the real one
  // is exercised against the sandbox's archive in restore-window.pg.test.ts.
  let dir: string;
  let archive: string;
  let fake: string;
  const SEGMENT = "000000010000000000000003";

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "walden-waldump-"));
    archive = path.join(dir, "archive");
    await writeFile(path.join(dir, "runs"), "");
    await mkdir(archive);
    fake = path.join(dir, "pg_waldump");
    await writeFile(
      fake,
      [
        "#!/bin/sh",
        `echo run >> '${dir}/runs'`,
        'case "$4" in',
        `  ${SEGMENT}) echo '${PLAIN_COMMIT}'; echo '${COMMIT}'; echo 'pg_waldump: error: error in WAL record at 0/3000028: invalid record length' >&2; exit 1 ;;`,
        "  *) echo 'pg_waldump: error: invalid magic number 0113 in WAL segment' >&2; exit 1 ;;",
        "esac",
      ].join("\n"),
    );
    await chmod(fake, 0o755);
    await writeFile(path.join(archive, SEGMENT), "x".repeat(64));
    await writeFile(path.join(dir, "000000010000000000000004"), "outside");
    await symlink(path.join(dir, "000000010000000000000004"), path.join(archive, "000000010000000000000004"));
    await writeFile(path.join(archive, "000000010000000000000005"), "y");
  });
  beforeEach(() => clearWaldumpCache());
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const runs = async () =>
    (await readFile(path.join(dir, "runs"), "utf8")).split("\n").filter(Boolean).length;

  it("keeps the records read before pg_waldump stops at the end of written WAL, and caches them", async () => {
    const before = await runs();
    const first = await readSegmentCommits({ program: fake, root: archive, segment: SEGMENT });
    expect(first).toMatchObject({ count: 2, last: { xid: 796, time: "2026-11-26T02:30:57.901132Z" } });
    const second = await readSegmentCommits({ program: fake, root: archive, segment: SEGMENT });
    expect(second).toEqual(first);
    expect((await runs()) - before).toBe(1);
  });

  it("reads again when the file changed (a segment that was still being copied)", async () => {
    await readSegmentCommits({ program: fake, root: archive, segment: SEGMENT });
    const before = await runs();
    await writeFile(path.join(archive, SEGMENT), "x".repeat(128));
    await readSegmentCommits({ program: fake, root: archive, segment: SEGMENT });
    expect((await runs()) - before).toBe(1);
  });

  it("never reads a symlink that leads out of the archive", async () => {
    const before = await runs();
    await expect(
      readSegmentCommits({ program: fake, root: archive, segment: "000000010000000000000004" }),
    ).rejects.toThrow(/outside the archive/);
    expect(await runs()).toBe(before);
  });

  it("fails on a real pg_waldump error, and does not cache the failure", async () => {
    const read = () =>
      readSegmentCommits({ program: fake, root: archive, segment: "000000010000000000000005" });
    await expect(read()).rejects.toThrow(WaldumpError);
    await expect(read()).rejects.toThrow(/invalid magic number/);
  });

  it("refuses names that are not segments", async () => {
    await expect(
      readSegmentCommits({ program: fake, root: archive, segment: "../etc/passwd" }),
    ).rejects.toThrow(/not a WAL segment/);
  });
});
