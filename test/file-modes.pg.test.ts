import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runBackup } from "@/lib/backup/run";
import { verifyBackup } from "@/lib/backup/verify";
import { db } from "@/lib/db";
import { listNotPrivate } from "@/lib/fs-private";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { logicalBackupRequestSchema } from "@/lib/schemas/backup";
import { runPitrRestore } from "@/test/pitr-restore";
import { registerSandboxCluster, takePhysicalBackup } from "@/test/sandbox-cluster";

// Files Walden writes are readable by its own OS user only: after a physical backup, a logical
// backup (dump and globals.sql), a verification and a PITR restore, nothing under the backup
// folders, the restore's folder or the WAL archive lets group or others read, write or enter.
// The test process keeps a permissive umask (022) on purpose: the worker sets 077, but the
// modes must hold without it (pg_dump and pg_basebackup inherit whatever umask they get).

const sandbox = inject("sandbox");
const run = Date.now().toString(36);
let clusterId: string;
let savedUmask: number;
let physical: { id: string; path: string };
let logical: { id: string; path: string };
let restoreId: string | null = null;

/** Fails listing every entry below `dir` that group or others can use, with its mode. */
async function expectPrivate(dir: string) {
  expect(existsSync(dir), dir).toBe(true);
  const offenders = await listNotPrivate(dir);
  expect(offenders, `not private under ${dir}:\n${offenders.join("\n")}`).toEqual([]);
}

const modeOf = async (file: string) => (await fs.stat(file)).mode & 0o777;

beforeAll(async () => {
  savedUmask = process.umask(0o022);
  clusterId = await registerSandboxCluster(`modes-${run}`);
  const physicalId = await takePhysicalBackup(clusterId);
  const options = logicalBackupRequestSchema.parse({
    clusterId,
    kind: "logical",
    database: "app",
    format: "custom",
  });
  const row = await db().backup.create({
    data: { clusterId, kind: "logical", options, requestedBy: "test" },
  });
  await runBackup(row.id, "test-worker");
  const done = await db().backup.findMany({ where: { id: { in: [physicalId, row.id] } } });
  for (const backup of done) expect(backup.status, backup.error ?? "").toBe("succeeded");
  physical = { id: physicalId, path: done.find((b) => b.id === physicalId)!.path! };
  logical = { id: row.id, path: done.find((b) => b.id === row.id)!.path! };
}, 180_000);

afterAll(async () => {
  process.umask(savedUmask);
  if (restoreId) await removeInstance(instancePaths(restoreId)).catch(() => {});
  await db().restore.deleteMany({ where: { clusterId } });
  await db().cluster.delete({ where: { id: clusterId } });
});

describe("files on disk are readable by Walden's user only", () => {
  it("a physical backup: folders 0700, files 0600, the cluster's folder too", async () => {
    expect(process.umask()).toBe(0o022);
    const files = (await fs.readdir(physical.path)).sort();
    expect(files).toEqual(
      expect.arrayContaining(["SHA256SUMS", "backup_manifest", "pg_wal.tar", "walden.json"]),
    );
    expect(files.some((file) => file.startsWith("base.tar"))).toBe(true);
    expect(await modeOf(path.join(physical.path, "backup_manifest"))).toBe(0o600);
    await expectPrivate(path.dirname(physical.path));
  });

  it("a logical backup: the dump and globals.sql", async () => {
    expect((await fs.readdir(logical.path)).sort()).toEqual(
      expect.arrayContaining(["SHA256SUMS", "dump.pgdump", "globals.sql", "walden.json"]),
    );
    expect(await modeOf(path.join(logical.path, "globals.sql"))).toBe(0o600);
    expect(await modeOf(path.join(logical.path, "dump.pgdump"))).toBe(0o600);
    await expectPrivate(logical.path);
  });

  it("verification leaves nothing readable behind", async () => {
    expect(await verifyBackup(physical.id)).toBe(true);
    expect(await verifyBackup(logical.id)).toBe(true);
    const clusterDir = path.dirname(physical.path);
    expect((await fs.readdir(clusterDir)).filter((name) => name.startsWith("."))).toEqual([]);
    await expectPrivate(clusterDir);
  });

  it("the WAL archive: segments 0600 in a 0700 folder", async () => {
    const archive = sandbox.cluster.archiveDir;
    const segments = (await fs.readdir(archive)).filter((name) => /^[0-9A-F]{24}$/.test(name));
    expect(segments.length).toBeGreaterThan(0);
    await expectPrivate(archive);
  });

  it("a PITR restore's folder, with its server running", async () => {
    const row = await runPitrRestore(clusterId, { type: "immediate" });
    restoreId = row.id;
    const paths = instancePaths(row.id);
    // What Walden itself wrote into the copy, and what the server wrote since.
    expect(await modeOf(path.join(paths.dataDir, "postgresql.auto.conf"))).toBe(0o600);
    expect(await modeOf(path.join(paths.dataDir, "pg_hba.conf"))).toBe(0o600);
    expect(existsSync(path.join(paths.dataDir, "postmaster.pid"))).toBe(true);
    await expectPrivate(paths.root);
  }, 180_000);
});
