import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "@/lib/db";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { loseLocalCopy, offsiteCluster, type OffsiteCluster } from "@/lib/restore/offsite-fixture.pg-helper";
import { chooseRestoreSource } from "@/lib/restore/offsite-source";
import { planPitrRestore } from "@/lib/restore/plan-service";
import { runRestore } from "@/lib/restore/run";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";
import { sandboxPrimary } from "@/test/sandbox-cluster";
import { startS3Server, type S3TestServer } from "@/test/s3-server";

// A point-in-time restore from the offsite copy alone (issue 14), planned while the local copy
// was there: a physical backup copied to a real S3 server and its WAL shipped, then the local
// backup folder and the archive folder deleted; the restore's plan step keeps the plan made at
// request time, downloads the backup, fetches only the WAL its plan needs and replays to a time
// between two damaging changes. (A restore planned after the deletion: offsite-plan.pg.test.ts.)

const run = Date.now().toString(36);
const S3_PORT = 25861;
const BUCKET = "offsite";
let s3: S3TestServer;
let root: string;
let fixture: OffsiteCluster;
const created: string[] = [];

beforeAll(async () => {
  root = path.join(inject("waldenHome"), "offsite-restore", run);
  await fs.mkdir(path.join(root, "s3"), { recursive: true });
  s3 = await startS3Server({ port: S3_PORT, directory: path.join(root, "s3"), buckets: [BUCKET] });
  fixture = await offsiteCluster({ root, run, s3, bucket: BUCKET, label: "orders" });
}, 240_000);

afterAll(async () => {
  for (const id of created) await removeInstance(instancePaths(id)).catch(() => {});
  if (fixture) await db().cluster.delete({ where: { id: fixture.clusterId } });
  await s3?.stop();
  await fs.rm(root, { recursive: true, force: true });
});

describe("restore from the offsite copy alone", () => {
  it("restores to a time between two damaging changes with the local backup and archive deleted", async () => {
    const { clusterId, backupId, archiveLink } = fixture;
    const request = pitrRestoreRequestSchema.parse({
      clusterId,
      kind: "pitr",
      target: { type: "time", value: fixture.afterUpdate },
      backupId,
    });
    // Planned at request time from the local window, as POST /api/v1/restores does.
    const planned = await planPitrRestore(request);
    if (!planned.ok) throw new Error(planned.message);
    expect(planned.plan.source).toBe("local");
    await loseLocalCopy(fixture);
    const backup = await db().backup.findUniqueOrThrow({ where: { id: backupId } });

    await expect(chooseRestoreSource(backup, archiveLink, "local")).rejects.toThrow(/source: the local copy/);
    expect((await chooseRestoreSource(backup, archiveLink, undefined)).source).toBe("offsite");

    const row = await db().restore.create({
      data: {
        clusterId,
        kind: "pitr",
        request,
        plan: planned.plan,
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
      expect((await client.query<{ md5: string }>(fixture.md5Sql)).rows[0]!.md5).toBe(fixture.md5Updated);
    } finally {
      await client.end();
    }
  }, 240_000);
});
