import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "@/lib/db";
import { registerSandboxCluster } from "@/test/sandbox-cluster";
import { sealClusterArchive } from "./sealed-wal";

// An archive folder two registered clusters read (a symlink, a re-registration, a test's shared
// sandbox archive) is sealed only when every one of them is encrypted to the same key: otherwise
// the plain one would find segments it holds no key for (its window, restores, event finder).

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
let dir: string;
let folder: string;
let segment: string;
let sealing: string;
let plain: string;
let recipient: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-sealed-shared-"));
  folder = path.join(dir, "archive");
  await fs.mkdir(folder, { mode: 0o700 });
  const sandboxArchive = inject("sandbox").cluster.archiveDir;
  segment = (await fs.readdir(sandboxArchive)).filter((name) => /^[0-9A-F]{24}$/.test(name)).sort()[0]!;
  await fs.copyFile(path.join(sandboxArchive, segment), path.join(folder, segment));
  await fs.symlink(folder, path.join(dir, "link"));
  recipient = execFileSync("age-keygen", { encoding: "utf8" })
    .split("\n")
    .find((line) => line.startsWith("# public key: "))!
    .slice("# public key: ".length);
  sealing = await registerSandboxCluster(`sealed-shared-a-${run}`, { archivePath: folder });
  // The same folder by another path: the real paths are compared.
  plain = await registerSandboxCluster(`sealed-shared-b-${run}`, { archivePath: path.join(dir, "link") });
  await db().cluster.update({
    where: { id: sealing },
    data: { localEncryptionEnabled: true, localEncryptionRecipient: recipient },
  });
});

afterAll(async () => {
  await db().cluster.deleteMany({ where: { id: { in: [sealing, plain] } } });
  await fs.rm(dir, { recursive: true, force: true });
});

describe("an archive folder shared by two clusters", () => {
  it("is left plain while the other cluster is not encrypted to the same key, saying which", async () => {
    const lines: string[] = [];
    const result = await sealClusterArchive(sealing, (line) => lines.push(line));
    expect(result.sealed).toEqual([]);
    expect(result.problems.join("\n")).toContain(`sealed-shared-b-${run}`);
    expect(lines.join("\n")).toContain("give each cluster its own archive folder");
    expect(await fs.readdir(folder)).toEqual([segment]);
  });

  it("is sealed once both are encrypted to that key", async () => {
    await db().cluster.update({
      where: { id: plain },
      data: { localEncryptionEnabled: true, localEncryptionRecipient: recipient },
    });
    const result = await sealClusterArchive(sealing, () => {});
    expect(result.problems).toEqual([]);
    expect(result.sealed).toEqual([segment]);
    expect((await fs.readdir(folder)).sort()).toEqual([`${segment}.age`, `${segment}.age.json`]);
  });
});
