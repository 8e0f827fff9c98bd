import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listNotPrivate, mkdirPrivate, privatiseTree, sealTree } from "./fs-private";

const modeOf = (target: string) => statSync(target).mode & 0o777;

describe("private files", () => {
  let root: string;
  let tree: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "walden-private-"));
    tree = path.join(root, "backup");
    mkdirSync(path.join(tree, "dump", "deep"), { recursive: true, mode: 0o755 });
    writeFileSync(path.join(tree, "globals.sql"), "create role x;", { mode: 0o644 });
    writeFileSync(path.join(tree, "dump", "deep", "3001.dat"), "rows", { mode: 0o666 });
    // Outside the tree: a symlink in it must not make privatiseTree touch its target.
    writeFileSync(path.join(root, "outside"), "not ours", { mode: 0o644 });
    symlinkSync(path.join(root, "outside"), path.join(tree, "link"));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("lists every folder and file group or others can use, with its mode", async () => {
    expect((await listNotPrivate(tree)).sort()).toEqual(
      [
        `${tree} (755)`,
        `${path.join(tree, "dump")} (755)`,
        `${path.join(tree, "dump", "deep")} (755)`,
        `${path.join(tree, "dump", "deep", "3001.dat")} (644)`,
        `${path.join(tree, "globals.sql")} (644)`,
      ].sort(),
    );
  });

  it("privatises folders to 0700 and files to 0600, leaving symlink targets alone", async () => {
    await privatiseTree(tree);
    expect(await listNotPrivate(tree)).toEqual([]);
    expect(modeOf(path.join(tree, "dump", "deep"))).toBe(0o700);
    expect(modeOf(path.join(tree, "dump", "deep", "3001.dat"))).toBe(0o600);
    expect(modeOf(path.join(root, "outside"))).toBe(0o644);
  });

  it("seals a tree (private and fsynced) and makes private folders whatever the umask", async () => {
    await sealTree(tree);
    expect(await listNotPrivate(tree)).toEqual([]);
    await mkdirPrivate(path.join(root, "a", "b"));
    expect(modeOf(path.join(root, "a", "b"))).toBe(0o700);
  });
});
