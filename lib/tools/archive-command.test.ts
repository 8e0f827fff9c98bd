import { spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildArchiveCommand } from "./archive-command";
import { ToolSetupError } from "./setup-error";

const SEGMENT = "000000010000000000000003";

/** PostgreSQL's own placeholder expansion: %p, %f, %% → %, anything else is kept. */
function expandPlaceholders(command: string, walPath: string, walFile: string): string {
  return command.replace(/%([pf%])/g, (_, key: string) =>
    key === "p" ? walPath : key === "f" ? walFile : "%",
  );
}

describe("buildArchiveCommand", () => {
  let root: string;
  let dataDir: string;
  let archiveDir: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "walden-archive-test-"));
    dataDir = path.join(root, "data");
    // Quotes, spaces, $ and % exercise both the shell quoting and the %% escaping.
    archiveDir = path.join(root, `it's an $archive 100%d`);
    mkdirSync(path.join(dataDir, "pg_wal"), { recursive: true });
    mkdirSync(archiveDir);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function writeSegment(content: string): void {
    writeFileSync(path.join(dataDir, "pg_wal", SEGMENT), content);
  }

  function runArchiveCommand(): number | null {
    const command = expandPlaceholders(buildArchiveCommand(archiveDir), `pg_wal/${SEGMENT}`, SEGMENT);
    return spawnSync("sh", ["-c", command], { cwd: dataDir, encoding: "utf8" }).status;
  }

  it("keeps a literal % in the directory by doubling it", () => {
    expect(buildArchiveCommand("/a/100%d")).toContain("dir='/a/100%%d';");
  });

  it("copies the segment into the archive and leaves no temp file", () => {
    writeSegment("wal bytes");
    expect(runArchiveCommand()).toBe(0);
    expect(readFileSync(path.join(archiveDir, SEGMENT), "utf8")).toBe("wal bytes");
    expect(readdirSync(archiveDir)).toEqual([SEGMENT]);
  });

  it("archives a segment readable by its owner only, even from a group-readable segment", () => {
    writeSegment("wal bytes");
    chmodSync(path.join(dataDir, "pg_wal", SEGMENT), 0o644);
    const command = expandPlaceholders(buildArchiveCommand(archiveDir), `pg_wal/${SEGMENT}`, SEGMENT);
    // A permissive umask in the server's environment must not leak into the archive.
    expect(spawnSync("sh", ["-c", `umask 022; ${command}`], { cwd: dataDir }).status).toBe(0);
    expect(statSync(path.join(archiveDir, SEGMENT)).mode & 0o777).toBe(0o600);
  });

  it("succeeds when an identical copy is already archived", () => {
    writeSegment("same");
    writeFileSync(path.join(archiveDir, SEGMENT), "same");
    expect(runArchiveCommand()).toBe(0);
  });

  it("fails and never overwrites when a different copy is already archived", () => {
    writeSegment("new");
    writeFileSync(path.join(archiveDir, SEGMENT), "old");
    expect(runArchiveCommand()).not.toBe(0);
    expect(readFileSync(path.join(archiveDir, SEGMENT), "utf8")).toBe("old");
  });

  it("fails when the source segment is missing", () => {
    expect(runArchiveCommand()).not.toBe(0);
    expect(readdirSync(archiveDir).filter((name) => name === SEGMENT)).toEqual([]);
  });

  it("rejects a directory containing a newline or NUL", () => {
    expect(() => buildArchiveCommand("/tmp/a\nb")).toThrow(ToolSetupError);
    expect(() => buildArchiveCommand("/tmp/a\0b")).toThrow(ToolSetupError);
  });

  it("rejects a relative directory", () => {
    expect(() => buildArchiveCommand("archive/demo")).toThrow(/absolute/);
  });
});
