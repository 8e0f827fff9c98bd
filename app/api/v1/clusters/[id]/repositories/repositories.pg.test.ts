import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as offsiteRoute from "@/app/api/v1/clusters/[id]/repositories/offsite/route";
import * as testRoute from "@/app/api/v1/clusters/[id]/repositories/offsite/test/route";
import * as repositoriesRoute from "@/app/api/v1/clusters/[id]/repositories/route";
import { db } from "@/lib/db";
import { ensureQueue } from "@/lib/queue/boss";
import { queueOptions } from "@/lib/queue/queues";
import { jobSender } from "@/lib/queue/sender";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { startS3Server, type S3TestServer } from "@/test/s3-server";

// The offsite repository's settings through the API, against a real S3 server (s3rver): the
// secret stored encrypted and never returned, bad fields named, "Test" passing with the right
// secret and naming the secret when it is wrong.

const S3_PORT = 25840;
let s3: S3TestServer;
let s3Dir: string;
let admin: TestUser;
let viewer: TestUser;
let clusterId: string;
const url = (suffix = "") => `/api/v1/clusters/${clusterId}/repositories${suffix}`;

beforeAll(async () => {
  s3Dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-s3-settings-"));
  s3 = await startS3Server({ port: S3_PORT, directory: s3Dir, buckets: ["settings-test"] });
  admin = await makeUser("admin");
  viewer = await makeUser("viewer");
  const cluster = await db().cluster.create({
    data: { name: `offsite-settings-${Date.now().toString(36)}`, archiveMode: "archive_command" },
  });
  clusterId = cluster.id;
});

afterAll(async () => {
  await db().cluster.delete({ where: { id: clusterId } });
  await s3.stop();
  await fs.rm(s3Dir, { recursive: true, force: true });
});

describe("offsite repository settings", () => {
  it("names each bad field with a 422 and stores nothing", async () => {
    const bad = await call(offsiteRoute.PUT, "PUT", url("/offsite"), {
      token: admin.token,
      params: { id: clusterId },
      body: { ...s3.settings("settings-test"), bucket: "Bad_Bucket", endpoint: "ftp://x" },
    });
    expect(bad.status).toBe(422);
    const paths = bad.json.error.details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(["bucket", "endpoint"]));
    expect(await db().offsiteRepository.count({ where: { clusterId } })).toBe(0);

    const noSecret = await call(offsiteRoute.PUT, "PUT", url("/offsite"), {
      token: admin.token,
      params: { id: clusterId },
      body: { ...s3.settings("settings-test"), secretAccessKey: undefined },
    });
    expect(noSecret.status).toBe(422);
    expect(noSecret.json.error.details.issues[0].path).toBe("secretAccessKey");
  });

  it("stores the secret encrypted, never returns it, and audits the change", async () => {
    // A backup taken before the repository existed is queued for its offsite copy.
    const earlier = await db().backup.create({
      data: {
        clusterId,
        kind: "logical",
        status: "succeeded",
        options: {},
        requestedBy: "test",
        path: "/nonexistent",
        finishedAt: new Date(),
      },
    });
    await ensureQueue(await jobSender(), "offsite.copy", queueOptions["offsite.copy"]);
    const put = await call(offsiteRoute.PUT, "PUT", url("/offsite"), {
      token: admin.token,
      params: { id: clusterId },
      body: { ...s3.settings("settings-test", "walden/prod"), retention: { days: 90, minBackups: 2 } },
    });
    expect(put.status).toBe(200);
    expect(put.json.offsite).toMatchObject({
      kind: "s3",
      bucket: "settings-test",
      prefix: "walden/prod",
      forcePathStyle: true,
      retention: { days: 90, minBackups: 2 },
      secretSet: true,
    });
    const row = await db().offsiteRepository.findUniqueOrThrow({ where: { clusterId } });
    expect(row.secretAccessKeyEncrypted).not.toContain("S3RVER");

    const got = await call(repositoriesRoute.GET, "GET", url(), {
      token: viewer.token,
      params: { id: clusterId },
    });
    expect(got.status).toBe(200);
    expect(got.json.local.kind).toBe("folder");
    expect(got.json.offsite.endpoint).toBe(s3.endpoint);
    // s3rver's access key and secret are the same word: only the field's absence can be checked.
    expect(got.text).not.toContain("secretAccessKey");
    expect(got.json.offsite.accessKeyId).toBe("S3RVER");

    const event = await db().auditEvent.findFirstOrThrow({
      where: { action: "offsite_repository.create", targetId: clusterId },
    });
    expect(JSON.stringify(event.details)).not.toContain('"secretAccessKey"');
    expect(event.details).toMatchObject({ copiesQueued: 1 });
    const jobs = await db().$queryRaw<{ data: { backupId: string } }[]>`
      select data from pgboss.job where name = 'offsite.copy' and data->>'backupId' = ${earlier.id}`;
    expect(jobs).toHaveLength(1);

    // The same storage and key: the secret may be left out, the stored one stays.
    const again = await call(offsiteRoute.PUT, "PUT", url("/offsite"), {
      token: admin.token,
      params: { id: clusterId },
      body: { ...s3.settings("settings-test", "walden/prod"), secretAccessKey: undefined },
    });
    expect(again.status).toBe(200);
    const denied = await call(offsiteRoute.PUT, "PUT", url("/offsite"), {
      token: viewer.token,
      params: { id: clusterId },
      body: s3.settings("settings-test"),
    });
    expect(denied.status).toBe(403);
  });

  it("tests the stored repository: write, read, list and delete", async () => {
    const tested = await call(testRoute.POST, "POST", url("/offsite/test"), {
      token: admin.token,
      params: { id: clusterId },
    });
    expect(tested.status).toBe(200);
    expect(tested.json.ok).toBe(true);
    expect(
      tested.json.checks.map((check: { name: string; ok: boolean }) => `${check.name}:${check.ok}`),
    ).toEqual(["write:true", "read:true", "list:true", "delete:true"]);
  });

  it("a wrong secret or a missing bucket is a 422 naming the field and the cause", async () => {
    const wrongSecret = await call(testRoute.POST, "POST", url("/offsite/test"), {
      token: admin.token,
      params: { id: clusterId },
      body: { ...s3.settings("settings-test"), secretAccessKey: "not-the-secret" },
    });
    expect(wrongSecret.status).toBe(422);
    expect(wrongSecret.json.error.message).toMatch(/write: the storage refused the access key or secret/);
    expect(wrongSecret.json.error.details.issues[0].path).toBe("secretAccessKey");
    expect(wrongSecret.json.error.details.checks.every((check: { ok: boolean }) => !check.ok)).toBe(true);

    const noBucket = await call(testRoute.POST, "POST", url("/offsite/test"), {
      token: admin.token,
      params: { id: clusterId },
      body: s3.settings("no-such-bucket"),
    });
    expect(noBucket.status).toBe(422);
    expect(noBucket.json.error.message).toMatch(/bucket no-such-bucket does not exist/);
    expect(noBucket.json.error.details.issues[0]).toMatchObject({ path: "bucket" });
  });

  it("DELETE forgets the repository, audited; a second DELETE is a 404", async () => {
    const removed = await call(offsiteRoute.DELETE, "DELETE", url("/offsite"), {
      token: admin.token,
      params: { id: clusterId },
    });
    expect(removed.status).toBe(200);
    expect(removed.json.offsite).toBeNull();
    expect(
      await db().auditEvent.count({ where: { action: "offsite_repository.delete", targetId: clusterId } }),
    ).toBe(1);
    const again = await call(offsiteRoute.DELETE, "DELETE", url("/offsite"), {
      token: admin.token,
      params: { id: clusterId },
    });
    expect(again.status).toBe(404);
  });
});
