import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findNewestDebianBinDir, findPgBinaries, parsePgMajor, REQUIRED_PG_PROGRAMS } from "./binaries";
import { ToolSetupError } from "./setup-error";

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "walden-binaries-test-"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A directory of stub programs; `postgres --version` reports the given major. */
function fakeBinDir(dir: string, major: number, programs: readonly string[] = REQUIRED_PG_PROGRAMS): string {
  mkdirSync(dir, { recursive: true });
  for (const program of programs) {
    const file = path.join(dir, program);
    writeFileSync(file, `#!/bin/sh\necho "${program} (PostgreSQL) ${major}.3"\n`);
    chmodSync(file, 0o755);
  }
  return dir;
}

describe("parsePgMajor", () => {
  it("reads the major from Debian's version string", () => {
    expect(parsePgMajor("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n")).toBe(15);
  });

  it("reads a two-part development version", () => {
    expect(parsePgMajor("postgres (PostgreSQL) 18beta1")).toBe(18);
  });

  it("throws a ToolSetupError on unexpected output", () => {
    expect(() => parsePgMajor("bash: postgres: not found")).toThrow(ToolSetupError);
  });
});

describe("findPgBinaries", () => {
  it("uses a PATH directory that holds every program", () => {
    const bin = fakeBinDir(path.join(root, "pg16"), 16);
    expect(findPgBinaries({ PATH: `/nonexistent:${bin}` })).toEqual({ binDir: bin, major: 16 });
  });

  it("skips a PATH directory with only a pg_ctl wrapper", () => {
    const wrapperDir = fakeBinDir(path.join(root, "wrappers"), 99, ["pg_ctl", "pg_basebackup"]);
    const real = fakeBinDir(path.join(root, "pg14"), 14);
    expect(findPgBinaries({ PATH: [wrapperDir, real].join(":") })).toEqual({ binDir: real, major: 14 });
  });

  it("follows postgres symlinks to the real bin directory", () => {
    const real = fakeBinDir(path.join(root, "lib", "17", "bin"), 17);
    const links = path.join(root, "local-bin");
    mkdirSync(links);
    for (const program of ["postgres", "initdb", "pg_ctl"]) {
      symlinkSync(path.join(real, program), path.join(links, program));
    }
    expect(findPgBinaries({ PATH: links })).toEqual({ binDir: real, major: 17 });
  });

  it("honours WALDEN_PG_BIN over PATH", () => {
    const onPath = fakeBinDir(path.join(root, "path-pg"), 13);
    const chosen = fakeBinDir(path.join(root, "chosen-pg"), 16);
    expect(findPgBinaries({ PATH: onPath, WALDEN_PG_BIN: chosen })).toEqual({ binDir: chosen, major: 16 });
  });

  it("names the apt package when WALDEN_PG_BIN is wrong", () => {
    const call = () => findPgBinaries({ PATH: "", WALDEN_PG_BIN: path.join(root, "missing") });
    expect(call).toThrow(ToolSetupError);
    expect(call).toThrow(/sudo apt-get install postgresql/);
  });
});

describe("findNewestDebianBinDir", () => {
  it("picks the highest complete major, numerically", () => {
    fakeBinDir(path.join(root, "9", "bin"), 9);
    fakeBinDir(path.join(root, "15", "bin"), 15);
    fakeBinDir(path.join(root, "16", "bin"), 16, ["pg_ctl"]); // client-only install
    mkdirSync(path.join(root, "notes"));
    expect(findNewestDebianBinDir(root)).toBe(path.join(root, "15", "bin"));
  });

  it("returns undefined for a missing root", () => {
    expect(findNewestDebianBinDir(path.join(root, "nope"))).toBeUndefined();
  });
});
