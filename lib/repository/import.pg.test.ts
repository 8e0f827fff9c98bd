import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as importRoute from "@/app/api/v1/clusters/[id]/repositories/import/route";
import { copyBackupOffsite } from "@/lib/backup/offsite-copy";
import { migrateCatalog } from "@/lib/db/migrate";
import { db } from "@/lib/db";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { toOffsiteRow } from "@/lib/offsite/stored-settings";
import { shipWalOffsite } from "@/lib/wal/offsite-ship";
import { parseWalFileName, walFileName } from "@/lib/wal/segments";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { call, makeUser, type TestUser } from "@/test/api-client";
import {
  registerSandboxCluster,
  sandboxPrimary,
  takePhysicalBackup,
  withSandboxPrimary,
} from "@/test/sandbox-cluster";
import { startS3Server, type S3TestServer } from "@/test/s3-server";
import { parseBackupDescriptor } from "./descriptor";
import type { FreshCatalogInput } from "./fresh-catalog.child";
import { readLocalBackupDescriptor } from "./local-descriptor";

// A repository that describes itself (issue 14): a backup taken and copied offsite with its WAL
// shipped by this catalog, then a SECOND, EMPTY catalog (a database of its own, migrated with
// lib/db/migrate.ts, used by a child process whose DATABASE_URL names it: every catalog access
// there is the new Walden's) registers the cluster, imports the offsite repository through the
// route, and restores from the imported backup to a time between two damaging changes:
// md5-identical, its own WAL archive folder new and empty (the old one went with the old host),
// so the restore is planned and replayed from the offsite copy alone. A repository of another database cluster is a 422 naming the reason.

const sandbox = inject("sandbox");
const run = Date.now().toString(36);
const table = `import_orders_${run}`;
const S3_PORT = 25281;
const BUCKET = "imports";
const md5Sql = `select md5(coalesce(string_agg(t::text, ',' order by id), '')) as md5 from ${table} t`;
const freshDatabase = `walden_fresh_${run}`;
let s3: S3TestServer;
let root: string;
/** The fresh Walden's home: short, as a restored instance's socket path must be. */
let freshHome: string;
let clusterId: string;
let clusterName: string;
let backupId: string;
let afterUpdate: string;
let md5Updated: string;
let admin: TestUser;
let viewer: TestUser;

function databaseUrl(database: string): string {
  const url = new URL(inject("databaseUrl"));
  url.pathname = `/${database}`;
  return url.toString();
}

async function onCatalogServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject("databaseUrl") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The fresh Walden's run (fresh-catalog.child.ts), with its own catalog and home. */
async function runFreshWalden(input: FreshCatalogInput) {
  const child = spawn(process.execPath, ["--import", "tsx", "lib/repository/fresh-catalog.child.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl(freshDatabase),
      WALDEN_HOME: freshHome,
      WALDEN_FRESH_CATALOG_INPUT: JSON.stringify(input),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const line = stdout.split("\n").find((text) => text.startsWith("RESULT "));
  if (code !== 0 || !line) throw new Error(`the fresh Walden failed (exit ${code}): ${stderr.slice(-3000)}`);
  return JSON.parse(line.slice("RESULT ".length));
}

beforeAll(async () => {
  root = path.join(inject("waldenHome"), "repository-import", run);
  await fs.mkdir(path.join(root, "s3"), { recursive: true });
  freshHome = await fs.mkdtemp(path.join(os.tmpdir(), "wf-"));
  // Run as root, restored servers run as the postgres user, who must reach the home (as lib/sandbox/home.ts allows).
  await fs.chmod(freshHome, 0o755);
  s3 = await startS3Server({ port: S3_PORT, directory: path.join(root, "s3"), buckets: [BUCKET] });
  admin = await makeUser("admin");
  viewer = await makeUser("viewer");
  const archiveLink = path.join(root, "archive");
  await fs.symlink(sandbox.cluster.archiveDir, archiveLink);
  clusterName = `import-${run}`;
  clusterId = await registerSandboxCluster(clusterName, {
    archivePath: archiveLink,
    repositoryPath: path.join(root, "repository"),
  });
  await db().offsiteRepository.create({
    data: { clusterId, ...toOffsiteRow(s3.settings(BUCKET, "walden")) },
  });
  await withSandboxPrimary(async (client) => {
    await client.query(`create table ${table} (id int primary key, amount int not null)`);
    await client.query(`insert into ${table} select g, g * 10 from generate_series(1, 1000) g`);
  });
  backupId = await takePhysicalBackup(clusterId);
  expect(await copyBackupOffsite(backupId)).toMatchObject({ ok: true });
  await withSandboxPrimary(async (client) => {
    await client.query(`update ${table} set amount = amount * 2 where id <= 300`);
    md5Updated = (await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5;
    afterUpdate = (await client.query<{ t: Date }>("select clock_timestamp() as t")).rows[0]!.t.toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await client.query(`delete from ${table} where id > 900`);
    await client.query("create temporary table import_tick (x int); drop table import_tick");
    await waitForArchived(sandbox.cluster.archiveDir, await switchWal(client));
  });
  // Shipping starts at the backup's first segment: the sandbox's older WAL is not this test's.
  const backup = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
  const start = parseWalFileName(backup.startWal!);
  if (start.kind !== "segment") throw new Error(`not a segment: ${backup.startWal}`);
  await db().offsiteWalPosition.create({
    data: {
      clusterId,
      timeline: start.timeline,
      lastSegment: walFileName(start.timeline, start.segno - 1),
      lastSegmentArchivedAt: new Date(),
      historyShipped: true,
    },
  });
  expect((await shipWalOffsite(clusterId)).segments).toContain(backup.startWal);
  await onCatalogServer(`create database ${freshDatabase}`);
  await migrateCatalog(databaseUrl(freshDatabase));
}, 300_000);

afterAll(async () => {
  await db().cluster.deleteMany({ where: { name: { startsWith: `import-${run}` } } });
  await onCatalogServer(`drop database if exists ${freshDatabase} with (force)`).catch(() => {});
  await s3?.stop();
  await fs.rm(root, { recursive: true, force: true });
  if (freshHome) await fs.rm(freshHome, { recursive: true, force: true });
});

describe("a repository that describes itself", () => {
  it("has the backup's descriptor beside it locally and offsite, from the catalog", async () => {
    const backup = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
    const local = await readLocalBackupDescriptor(backup.path!);
    expect(local).toMatchObject({
      ok: true,
      descriptor: {
        backupId,
        cluster: clusterName,
        systemIdentifier: backup.systemIdentifier,
        serverVersionNum: backup.serverVersionNum,
        startLsn: backup.startLsn,
        stopWal: backup.stopWal,
        walSegmentSize: 16 * 1024 * 1024,
        checksums: { sha256: backup.checksum },
      },
    });
    const repository = new S3Repository(s3.settings(BUCKET, "walden"));
    try {
      const offsite = await repository.getBytes(`${clusterName}/${backupId}/walden.json`);
      expect(parseBackupDescriptor(offsite!.toString())).toMatchObject({
        ok: true,
        descriptor: { backupId, startLsn: backup.startLsn, encryption: null },
      });
    } finally {
      repository.close();
    }
  });

  it("a second, empty catalog imports the offsite repository and restores from it, md5-identical", async () => {
    const primary = sandboxPrimary();
    // A new host: the WAL archive folder is new and empty, the old one is gone with the old host.
    const emptyArchive = path.join(freshHome, "archive");
    await fs.mkdir(emptyArchive);
    const result = await runFreshWalden({
      clusterName,
      node: { ...primary, host: "127.0.0.1" },
      archivePath: emptyArchive,
      repositoryPath: path.join(root, "repository"),
      offsite: s3.settings(BUCKET, "walden"),
      targetTime: afterUpdate,
      md5Sql,
    });
    const original = await db().backup.findUniqueOrThrow({ where: { id: backupId } });

    // The dry run lists the backup and changes nothing.
    expect(result.dryRun.status, JSON.stringify(result.dryRun.json)).toBe(200);
    expect(result.dryRun.json).toMatchObject({
      repository: "offsite",
      dryRun: true,
      systemIdentifier: original.systemIdentifier,
      checkedAgainst: "server",
      added: 0,
    });
    const entry = result.dryRun.json.entries.find((e: { backupId: string }) => e.backupId === backupId);
    expect(entry).toMatchObject({
      action: "add",
      kind: "physical",
      startLsn: original.startLsn,
      stopLsn: original.stopLsn,
      timeline: original.timeline,
      finishedAt: original.finishedAt!.toISOString(),
      encrypted: false,
    });
    expect(result.dryRun.json.wal.segments).toBeGreaterThan(0);
    expect(result.backupsAfterDryRun).toBe(0);

    // The import inserts it as succeeded, unverified, with its offsite copy; a second import adds nothing.
    expect(result.imported.status).toBe(200);
    expect(result.imported.json).toMatchObject({ dryRun: false, added: 1, copiesRecorded: 1 });
    expect(result.importedAgain.json).toMatchObject({ added: 0, copiesRecorded: 0 });
    expect(result.importedAgain.json.entries[0]).toMatchObject({ backupId, action: "known" });
    expect(result.backups).toHaveLength(1);
    const imported = result.backups[0];
    expect(imported).toMatchObject({
      id: backupId,
      status: "succeeded",
      verified: false,
      path: null,
      checksum: original.checksum,
      startLsn: original.startLsn,
      stopLsn: original.stopLsn,
      startWal: original.startWal,
      stopWal: original.stopWal,
      timeline: original.timeline,
      systemIdentifier: original.systemIdentifier,
      sizeBytes: Number(original.sizeBytes),
    });
    expect(imported.copies).toEqual([
      expect.objectContaining({
        repository: "s3",
        status: "succeeded",
        path: `s3://${BUCKET}/walden/${clusterName}/${backupId} at ${s3.endpoint}`,
        checksum: original.checksum,
      }),
    ]);
    expect(result.audits.map((a: { outcome: string }) => a.outcome)).toEqual([
      "success",
      "success",
      "success",
    ]);
    expect(result.audits[1].details).toMatchObject({ repository: "offsite", dryRun: false, added: 1 });

    // The restore, planned and run by the new Walden from the imported backup's offsite copy.
    expect(result.planned.ok, JSON.stringify(result.planned)).toBe(true);
    expect(result.planned.plan.backupId).toBe(backupId);
    // The new host's archive is empty: the window and the plan come from the offsite copy.
    expect(result.planned.plan.source).toBe("offsite");
    const steps = result.restore.steps as { name: string; log: string[] }[];
    const log = (name: string) => steps.find((step) => step.name === name)?.log.join("\n") ?? "";
    expect(
      result.restore.error,
      steps.map((s) => `${s.name}: ${s.log.slice(-5).join(" | ")}`).join("\n"),
    ).toBeNull();
    expect(result.restore.status).toBe("succeeded");
    expect(log("extract")).toMatch(/downloaded \d+ files .* checked against SHA256SUMS/);
    expect(result.md5).toBe(md5Updated);

    // The old local repository, imported after: the known backup gains its folder, nothing is added.
    expect(result.importedLocal.status, JSON.stringify(result.importedLocal.json)).toBe(200);
    expect(result.importedLocal.json).toMatchObject({
      repository: "local",
      added: 0,
      checkedAgainst: "catalog",
    });
    expect(result.importedLocal.json.entries).toEqual([
      expect.objectContaining({
        backupId,
        action: "add-copy",
        reason: `the catalog learns its folder ${original.path}`,
      }),
    ]);
    expect(result.localPath).toBe(original.path);
  }, 300_000);

  it("refuses a repository of another database cluster with a 422 naming the reason; viewers may not import", async () => {
    // A cluster this catalog knows to be another server (its backup says so), whose offsite
    // prefix holds the first cluster's descriptors.
    const otherName = `import-${run}-other`;
    const otherId = await registerSandboxCluster(otherName, {
      archivePath: path.join(root, "other-archive"),
      repositoryPath: path.join(root, "other-repository"),
    });
    await db().backup.create({
      data: {
        clusterId: otherId,
        kind: "physical",
        status: "succeeded",
        options: {},
        requestedBy: "test",
        finishedAt: new Date(),
        systemIdentifier: "1000000000000000001",
      },
    });
    await db().offsiteRepository.create({
      data: { clusterId: otherId, ...toOffsiteRow(s3.settings(BUCKET, "walden")) },
    });
    const repository = new S3Repository(s3.settings(BUCKET, "walden"));
    try {
      const descriptor = await repository.getBytes(`${clusterName}/walden-repository.json`);
      await repository.putBytes(`${otherName}/walden-repository.json`, descriptor!);
    } finally {
      repository.close();
    }
    const url = `/api/v1/clusters/${otherId}/repositories/import`;
    const body = { repository: "offsite", dryRun: true };
    const refused = await call(importRoute.POST, "POST", url, {
      token: admin.token,
      params: { id: otherId },
      body,
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toMatch(
      /holds the backups of another database cluster \(system identifier \d+; this cluster's, from its catalog, is 1000000000000000001\)/,
    );
    expect(refused.json.error.details.issues[0].path).toBe("repository");
    const audited = await db().auditEvent.findFirst({
      where: { action: "repository.import", targetId: otherId },
      orderBy: { id: "desc" },
    });
    expect(audited?.outcome).toBe("failed");

    const denied = await call(importRoute.POST, "POST", url, {
      token: viewer.token,
      params: { id: otherId },
      body,
    });
    expect(denied.status).toBe(403);
    const badBody = await call(importRoute.POST, "POST", url, {
      token: admin.token,
      params: { id: otherId },
      body: { repository: "tape" },
    });
    expect(badBody.status).toBe(422);
    expect(JSON.stringify(badBody.json.error.details)).toMatch(/repository/);
  });
});
