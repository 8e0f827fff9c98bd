import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as applyRoute from "@/app/api/v1/clusters/[id]/retention/apply/route";
import * as previewRoute from "@/app/api/v1/clusters/[id]/retention/preview/route";
import {
  addPhysicalBackup,
  makeRetentionCluster,
  walName as wal,
} from "@/app/api/v1/clusters/[id]/retention/retention-fixture";
import * as retentionRoute from "@/app/api/v1/clusters/[id]/retention/route";
import { db } from "@/lib/db";
import { offsiteCopyLocation } from "@/lib/offsite/retention";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { toOffsiteRow } from "@/lib/offsite/stored-settings";
import type { OffsiteRepositorySettings } from "@/lib/schemas/offsite";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { startS3Server, type S3TestServer } from "@/test/s3-server";

// The offsite repository's own retention against a real S3 server (s3rver on 127.0.0.1:25356):
// 1 day and 1 backup offsite with 3 monthly tiers, while the local policy keeps everything.
// The dry run names each offsite copy kept (and the tiers it stands for) or expired (with its
// objects), never counts a copy whose upload is not complete, and keeps the offsite WAL from
// the oldest kept copy's start; applying deletes exactly those objects, marks the copies
// expired and audits each one, and a second dry run has nothing left to delete.

const S3_PORT = 25356;
const BUCKET = "retention";
const home = inject("waldenHome");
const clusterName = `offsite-ret-${Date.now().toString(36)}`;
let s3: S3TestServer;
let s3Dir: string;
let settings: OffsiteRepositorySettings;
let repository: S3Repository;
let removeCluster: () => Promise<void>;
let admin: TestUser;
let viewer: TestUser;
let clusterId: string;

// Oldest first; start segments 10, 12, 14…
const backups = [
  { key: "2025-05-01-pinned", finishedAt: "2025-05-01T02:00:00Z", pinned: true },
  { key: "2025-06-10", finishedAt: "2025-06-10T02:00:00Z" },
  { key: "2025-07-05", finishedAt: "2025-07-05T02:00:00Z" },
  { key: "2025-07-20", finishedAt: "2025-07-20T02:00:00Z" },
  { key: "2025-08-15", finishedAt: "2025-08-15T02:00:00Z" },
  { key: "2025-09-01", finishedAt: "2025-09-01T02:00:00Z" },
  { key: "2025-09-20", finishedAt: "2025-09-20T02:00:00Z", verified: true },
  // Its upload is still running: were it counted, it would be the newest and October's tier.
  { key: "2025-10-01-uploading", finishedAt: "2025-10-01T02:00:00Z", copyStatus: "running" },
];
const logicalBackups = [
  { key: "logical-2025-06-01", finishedAt: "2025-06-01T03:00:00Z" },
  { key: "logical-2025-08-01", finishedAt: "2025-08-01T03:00:00Z" },
];
const idOf: Record<string, string> = {};
const keyOf: Record<string, string> = {};
const objectsOf = (key: string) => (key.endsWith("uploading") ? ["base.tar"] : ["base.tar", "SHA256SUMS"]);

const expectedKeep: Record<string, string[]> = {
  "2025-09-20": ["monthly 2025-09"],
  "2025-08-15": ["monthly 2025-08"],
  "2025-07-20": ["monthly 2025-07"],
  "2025-05-01-pinned": [],
  "logical-2025-08-01": [],
};
const expectedExpired = ["2025-09-01", "2025-07-05", "2025-06-10", "logical-2025-06-01"];

async function addCopy(key: string, id: string, status = "succeeded") {
  for (const file of objectsOf(key))
    await repository.putBytes(`${clusterName}/${id}/${file}`, Buffer.from(`${key} ${file}`));
  await db().backupCopy.create({
    data: {
      backupId: id,
      path: offsiteCopyLocation(settings, clusterName, id),
      offsite: true,
      repository: "s3",
      status,
      sizeBytes: 100n,
      ...(status === "succeeded" ? { finishedAt: new Date(), verifiedAt: new Date() } : {}),
    },
  });
}

beforeAll(async () => {
  admin = await makeUser("admin");
  viewer = await makeUser("viewer");
  s3Dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-s3-retention-"));
  s3 = await startS3Server({ port: S3_PORT, directory: s3Dir, buckets: [BUCKET] });
  settings = { ...s3.settings(BUCKET, "offsite"), retention: { days: 1, minBackups: 1 } };
  repository = new S3Repository(settings);
  const cluster = await makeRetentionCluster(home, clusterName, 40);
  ({ clusterId, remove: removeCluster } = cluster);
  await db().offsiteRepository.create({ data: { clusterId, ...toOffsiteRow(settings) } });
  for (const [index, backup] of backups.entries()) {
    const id = await addPhysicalBackup(
      { clusterId, name: clusterName },
      { finishedAt: new Date(backup.finishedAt), startSegment: 10 + index * 2 },
    );
    await db().backup.update({
      where: { id },
      data: {
        pinned: backup.pinned ?? false,
        ...(backup.verified ? { verified: true, verifiedAt: new Date(backup.finishedAt) } : {}),
      },
    });
    idOf[backup.key] = id;
    keyOf[id] = backup.key;
    await addCopy(backup.key, id, backup.copyStatus);
  }
  for (const backup of logicalBackups) {
    const row = await db().backup.create({
      data: {
        clusterId,
        kind: "logical",
        status: "succeeded",
        options: {},
        requestedBy: "test",
        finishedAt: new Date(backup.finishedAt),
      },
    });
    idOf[backup.key] = row.id;
    keyOf[row.id] = backup.key;
    await addCopy(backup.key, row.id);
  }
  // Offsite WAL: segments 1 to 40 and a timeline history file.
  for (let segno = 1; segno <= 40; segno += 1)
    await repository.putBytes(`${clusterName}/wal/${wal(segno)}`, Buffer.from(wal(segno)));
  await repository.putBytes(`${clusterName}/wal/00000002.history`, Buffer.from("1\t0/9000000\tno target\n"));
});

afterAll(async () => {
  repository?.close();
  await removeCluster?.();
  await s3?.stop();
  if (s3Dir) await fs.rm(s3Dir, { recursive: true, force: true });
});

const keys = (decisions: { id: string }[]) => decisions.map((decision) => keyOf[decision.id]).sort();
const allObjects = async () => (await repository.list(`${clusterName}/`)).map((object) => object.key).sort();

describe("offsite retention", () => {
  it("sets the offsite tiers beside the local policy, which keeps everything here", async () => {
    const offsiteTiers = { keepDaily: 0, keepWeekly: 0, keepMonthly: 3, keepYearly: 0 };
    const policy = { recoveryWindowDays: 3650, minRedundancy: 10, logicalKeep: 10 };
    const refused = await call(retentionRoute.PUT, "PUT", "/x", {
      token: admin.token,
      params: { id: clusterId },
      body: { ...policy, offsiteTiers: { ...offsiteTiers, keepMonthly: -1 } },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error.details.issues.map((issue: { path: string }) => issue.path)).toEqual([
      "offsiteTiers.keepMonthly",
    ]);
    const saved = await call(retentionRoute.PUT, "PUT", "/x", {
      token: admin.token,
      params: { id: clusterId },
      body: { ...policy, offsiteTiers },
    });
    expect(saved.status).toBe(200);
    // A client that leaves the offsite tiers out keeps them.
    const again = await call(retentionRoute.PUT, "PUT", "/x", {
      token: admin.token,
      params: { id: clusterId },
      body: policy,
    });
    expect(again.json.offsiteTiers).toEqual(offsiteTiers);
  });

  it("previews the offsite plan beside the local one, then applying deletes exactly what it listed", async () => {
    const response = await call(previewRoute.GET, "GET", "/x", {
      token: viewer.token,
      params: { id: clusterId },
    });
    expect(response.status).toBe(200);
    const preview = response.json;
    expect(preview.expire).toEqual([]);
    const offsite = preview.offsite;
    expect(offsite).toMatchObject({
      repository: `s3://${BUCKET}/offsite at ${s3.endpoint}`,
      policy: { days: 1, minBackups: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 3, keepYearly: 0 },
      skipped: null,
      incompleteCopies: 1,
    });
    expect(keys(offsite.keep)).toEqual(Object.keys(expectedKeep).sort());
    for (const decision of offsite.keep)
      expect(decision.tiers, keyOf[decision.id]).toEqual(expectedKeep[keyOf[decision.id]!]);
    expect(
      offsite.keep.find((decision: { id: string }) => decision.id === idOf["2025-05-01-pinned"]).reason,
    ).toBe("pinned");
    expect(keys(offsite.expire)).toEqual([...expectedExpired].sort());
    for (const decision of offsite.expire)
      expect(decision).toMatchObject({ objects: 2, sizeBytes: expect.any(Number) });
    // WAL from the oldest kept copy's start (the pinned backup's, segment 10) is kept; the history file too.
    expect(offsite.wal).toEqual({
      skipped: null,
      count: 9,
      bytes: expect.any(Number),
      fromWal: wal(1),
      toWal: wal(9),
      keepFrom: wal(10),
    });

    const before = await allObjects();
    const applied = await call(applyRoute.POST, "POST", `/x?confirm=${clusterName}`, {
      token: admin.token,
      params: { id: clusterId },
    });
    expect(applied.status).toBe(200);
    expect(applied.json.offsite.expire).toEqual(offsite.expire);

    const deleted = new Set([
      ...expectedExpired.flatMap((key) =>
        objectsOf(key).map((file) => `${clusterName}/${idOf[key]}/${file}`),
      ),
      ...Array.from({ length: 9 }, (_, index) => `${clusterName}/wal/${wal(index + 1)}`),
    ]);
    expect(await allObjects()).toEqual(before.filter((key) => !deleted.has(key)));
    // The running upload's object is still there, and so is every kept copy's.
    expect(await allObjects()).toContain(`${clusterName}/${idOf["2025-10-01-uploading"]}/base.tar`);

    const copies = await db().backupCopy.findMany({
      where: { backup: { clusterId }, repository: "s3" },
      select: { backupId: true, status: true },
    });
    expect(
      copies
        .filter((copy) => copy.status === "expired")
        .map((copy) => keyOf[copy.backupId])
        .sort(),
    ).toEqual([...expectedExpired].sort());
    // Local retention kept every backup here.
    expect(await db().backup.count({ where: { clusterId, status: "succeeded" } })).toBe(
      backups.length + logicalBackups.length,
    );

    const events = await db().auditEvent.findMany({
      where: { action: { in: ["backup.offsite_expire", "wal.offsite_prune"] }, actorId: admin.id },
      orderBy: { id: "asc" },
    });
    expect(
      events
        .filter((event) => event.action === "backup.offsite_expire")
        .map((event) => keyOf[event.targetId!])
        .sort(),
    ).toEqual([...expectedExpired].sort());
    const prune = events.find((event) => event.action === "wal.offsite_prune");
    expect(prune?.details).toMatchObject({ count: 9, from: wal(1), to: wal(9) });

    const after = await call(previewRoute.GET, "GET", "/x", {
      token: viewer.token,
      params: { id: clusterId },
    });
    expect(after.json.offsite.expire).toEqual([]);
    expect(keys(after.json.offsite.keep)).toEqual(Object.keys(expectedKeep).sort());
    expect(after.json.offsite.wal.count).toBe(0);
  });
});
