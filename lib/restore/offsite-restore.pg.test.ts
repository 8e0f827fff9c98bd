import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { copyBackupOffsite } from "@/lib/backup/offsite-copy";
import { db } from "@/lib/db";
import { toOffsiteRow } from "@/lib/offsite/stored-settings";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { chooseRestoreSource } from "@/lib/restore/offsite-source";
import { planPitrRestore } from "@/lib/restore/plan-service";
import { runRestore } from "@/lib/restore/run";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";
import { shipWalOffsite } from "@/lib/wal/offsite-ship";
import { parseWalFileName, walFileName } from "@/lib/wal/segments";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import {
  registerSandboxCluster,
  sandboxPrimary,
  takePhysicalBackup,
  withSandboxPrimary,
} from "@/test/sandbox-cluster";
import { startS3Server, type S3TestServer } from "@/test/s3-server";

// A point-in-time restore from the offsite copy alone (issue 14): a physical backup copied to
// a real S3 server and its WAL shipped, then the local backup folder and the archive folder
// deleted; the restore downloads the backup, fetches only the WAL its plan needs and replays
// to a time between two damaging changes. The cluster's archive folder is a link to the
// sandbox's archive, so deleting it removes Walden's way in without touching the sandbox.

const sandbox = inject("sandbox");
const run = Date.now().toString(36);
const table = `offsite_orders_${run}`;
const S3_PORT = 25861;
const BUCKET = "offsite";
const md5Sql = `select md5(coalesce(string_agg(t::text, ',' order by id), '')) as md5 from ${table} t`;
let s3: S3TestServer;
let root: string;
let archiveLink: string;
let clusterId: string;
let backupId: string;
let afterUpdate: string;
let md5Updated: string;
const created: string[] = [];

beforeAll(async () => {
  root = path.join(inject("waldenHome"), "offsite-restore", run);
  await fs.mkdir(path.join(root, "s3"), { recursive: true });
  s3 = await startS3Server({ port: S3_PORT, directory: path.join(root, "s3"), buckets: [BUCKET] });
  archiveLink = path.join(root, "archive");
  await fs.symlink(sandbox.cluster.archiveDir, archiveLink);
  clusterId = await registerSandboxCluster(`offsite-restore-${run}`, {
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
    await client.query("create temporary table offsite_tick (x int); drop table offsite_tick");
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
  const shipped = await shipWalOffsite(clusterId);
  expect(shipped.segments).toContain(backup.startWal);
}, 240_000);

afterAll(async () => {
  for (const id of created) await removeInstance(instancePaths(id)).catch(() => {});
  await db().cluster.delete({ where: { id: clusterId } });
  await s3?.stop();
  await fs.rm(root, { recursive: true, force: true });
});

describe("restore from the offsite copy alone", () => {
  it("restores to a time between two damaging changes with the local backup and archive deleted", async () => {
    const request = pitrRestoreRequestSchema.parse({
      clusterId,
      kind: "pitr",
      target: { type: "time", value: afterUpdate },
      backupId,
    });
    // Planned at request time from the local window, as POST /api/v1/restores does.
    const planned = await planPitrRestore(request);
    if (!planned.ok) throw new Error(planned.message);
    const backup = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
    await fs.rm(backup.path!, { recursive: true, force: true });
    await fs.rm(archiveLink);

    await expect(chooseRestoreSource(backup, archiveLink, "local")).rejects.toThrow(/source: the local copy/);
    expect((await chooseRestoreSource(backup, archiveLink, undefined)).source).toBe("offsite");

    const row = await db().restore.create({
      data: {
        clusterId,
        kind: "pitr",
        request,
        plan: planned.plan as never,
        backupId,
        requestedBy: "test",
      },
    });
    created.push(row.id);
    expect(await runRestore(row.id, "test-worker")).toBeTruthy();
    const done = await db().restore.findUniqueOrThrow({ where: { id: row.id } });
    const steps = done.steps as { name: string; status: string; log: string[] }[];
    const log = (name: string) => steps.find((step) => step.name === name)!.log.join("\n");
    expect(done.error, steps.map((s) => `${s.name}: ${s.log.slice(-5).join(" | ")}`).join("\n")).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(log("plan")).toMatch(/from the offsite copy: the local copy is gone/);
    expect(log("extract")).toMatch(/downloaded \d+ files .* checked against SHA256SUMS/);
    expect(log("configure")).toMatch(/fetched \d+ of \d+ offsite WAL files/);
    expect(log("configure")).toContain(path.join(instancePaths(row.id).root, "offsite-wal"));

    const client = new pg.Client({ ...sandboxPrimary(), port: done.port! });
    await client.connect();
    try {
      expect((await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5).toBe(md5Updated);
    } finally {
      await client.end();
    }
  }, 240_000);
});
