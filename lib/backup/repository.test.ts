import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertUnderRoot, backupPaths, folderSize, removeUnderRoot } from "@/lib/backup/repository";

let root: string;
let outside: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "walden-repo-"));
  outside = await fs.mkdtemp(path.join(os.tmpdir(), "walden-outside-"));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await fs.rm(outside, { recursive: true, force: true });
});

describe("backupPaths", () => {
  it("builds partial and final folders from the cluster name and backup id only", () => {
    const paths = backupPaths("/r", "prod", "5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e");
    expect(paths.partialDir).toBe("/r/prod/.partial-5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e");
    expect(paths.finalDir).toBe("/r/prod/5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e");
    expect(() => backupPaths("/r", "../etc", "5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e")).toThrow();
    expect(() => backupPaths("/r", "prod", "../../x")).toThrow();
  });
});

describe("assertUnderRoot / removeUnderRoot", () => {
  it("allows paths inside the root, even ones not created yet", async () => {
    await expect(assertUnderRoot(root, path.join(root, "prod", "new"))).resolves.toBeUndefined();
  });

  it("refuses the root itself, parents, and symlinks that lead outside", async () => {
    await expect(assertUnderRoot(root, root)).rejects.toThrow(/not inside/);
    await expect(assertUnderRoot(root, path.join(root, ".."))).rejects.toThrow(/not inside/);
    await fs.writeFile(path.join(outside, "precious"), "keep me");
    await fs.symlink(outside, path.join(root, "escape"));
    await expect(removeUnderRoot(root, path.join(root, "escape", "precious"))).rejects.toThrow(/not inside/);
    expect(await fs.readFile(path.join(outside, "precious"), "utf8")).toBe("keep me");
  });

  it("removes a folder inside and measures sizes", async () => {
    const dir = path.join(root, "prod", "b1");
    await fs.mkdir(path.join(dir, "sub"), { recursive: true });
    await fs.writeFile(path.join(dir, "a"), "12345");
    await fs.writeFile(path.join(dir, "sub", "b"), "123");
    expect(await folderSize(dir)).toBe(8);
    await removeUnderRoot(root, dir);
    await expect(fs.stat(dir)).rejects.toThrow();
  });
});
