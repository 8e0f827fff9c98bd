import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as restoresRoute from "@/app/api/v1/restores/route";
import { systemActor } from "@/lib/auth/system-actor";
import { CIPHERTEXT_SUMS, sealLocalIdentity } from "@/lib/backup/at-rest";
import { verifyBackup } from "@/lib/backup/verify";
import { db } from "@/lib/db";
import { generateAgeKey } from "@/lib/offsite/age";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { offsiteBackupPrefix } from "@/lib/offsite/stored-settings";
import { startDrill } from "@/lib/restore/drills";
import { sealIdentity } from "@/lib/restore/identity";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { servePlanRequests, stopServingPlanRequests } from "@/lib/restore/plan-requests.pg-helper";
import { loseLocalCopy, offsiteCluster, type OffsiteCluster } from "@/lib/restore/offsite-fixture.pg-helper";
import { runRestore } from "@/lib/restore/run";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { runPitrRestore } from "@/test/pitr-restore";
import { sandboxPrimary } from "@/test/sandbox-cluster";
import { startS3Server, type S3TestServer } from "@/test/s3-server";

// Issue 14: a backup encrypted at rest locally (lib/backup/at-rest.ts) is copied offsite as its
// ciphertext (<file>.age objects); with the local repository and archive deleted, a PITR, a
// drill and a verification run from that copy alone: the .age objects fetched and checked
// against SHA256SUMS.ciphertext, decrypted with the request's identity or the one Walden holds,
// checked against the plaintext SHA256SUMS, restored md5-identically. Without a key a restore is
// a 422 naming identity and a verification checks the offsite ciphertext only, saying so.

const run = Date.now().toString(36);
const S3_PORT = 25857;
const BUCKET = "offsite";
const key = generateAgeKey();
let s3: S3TestServer;
let root: string;
let fixture: OffsiteCluster;
let operator: TestUser;
const restores: string[] = [];

function stepLog(restore: { steps: unknown }, name: string): string {
  const steps = restore.steps as { name: string; log: string[] }[];
  return steps.find((step) => step.name === name)?.log.join("\n") ?? "";
}

async function restoredMd5(port: number): Promise<string> {
  const client = new pg.Client({ ...sandboxPrimary(), port });
  await client.connect();
  try {
    return (await client.query<{ md5: string }>(fixture.md5Sql)).rows[0]!.md5;
  } finally {
    await client.end();
  }
}

/** A restored instance removed, and marked so (it no longer counts against the instance limit). */
async function tearDown(restoreId: string): Promise<void> {
  await removeInstance(instancePaths(restoreId));
  await db().restore.update({ where: { id: restoreId }, data: { instanceState: "removed" } });
}

beforeAll(async () => {
  root = path.join(inject("waldenHome"), "offsite-at-rest", run);
  await fs.mkdir(path.join(root, "s3"), { recursive: true });
  s3 = await startS3Server({ port: S3_PORT, directory: path.join(root, "s3"), buckets: [BUCKET] });
  operator = await makeUser("operator");
  fixture = await offsiteCluster({ root, run, s3, bucket: BUCKET, label: "atrest", atRest: { key } });
  await loseLocalCopy(fixture);
  // The worker's restore.plan handler, served in this process, answers the API's questions.
  await servePlanRequests();
}, 300_000);

afterAll(async () => {
  await stopServingPlanRequests();
  for (const id of restores) await removeInstance(instancePaths(id)).catch(() => {});
  if (fixture) await db().cluster.delete({ where: { id: fixture.clusterId } });
  await s3?.stop();
  await fs.rm(root, { recursive: true, force: true });
});

describe("a backup encrypted at rest, restored from its offsite copy alone", () => {
  it("is stored offsite as its ciphertext: <file>.age objects and both checksum lists", async () => {
    const backup = await db().backup.findUniqueOrThrow({
      where: { id: fixture.backupId },
      include: { cluster: true },
    });
    expect(backup.encryptionRecipient).toBe(key.recipient);
    await expect(fs.stat(backup.path!)).rejects.toThrow();
    const repository = new S3Repository(s3.settings(BUCKET, "walden-atrest"));
    try {
      const prefix = `${offsiteBackupPrefix(backup.cluster.name, backup.id)}/`;
      const keys = (await repository.list(prefix)).map((object) => object.key.slice(prefix.length));
      const data = keys.filter((name) => !["SHA256SUMS", CIPHERTEXT_SUMS, "walden.json"].includes(name));
      expect(data.length).toBeGreaterThan(0);
      for (const name of data) expect(name).toMatch(/\.age$/);
      expect(keys).toEqual(expect.arrayContaining(["SHA256SUMS", CIPHERTEXT_SUMS]));
    } finally {
      repository.close();
    }
  });

  it("refuses a restore without a key (none given, none held), naming identity", async () => {
    const answer = await call(restoresRoute.POST, "POST", "/api/v1/restores", {
      token: operator.token,
      body: {
        clusterId: fixture.clusterId,
        kind: "pitr",
        target: { type: "time", value: fixture.afterUpdate },
        backupId: fixture.backupId,
      },
    });
    expect(answer.status, answer.text).toBe(422);
    expect(answer.json.error.details.issues[0].path).toBe("identity");
    expect(answer.json.error.message).toMatch(/encrypted at rest/);
  }, 120_000);

  it("restores (PITR) with the identity given: md5-identical rows at a time between two damaging changes", async () => {
    const restore = await runPitrRestore(
      fixture.clusterId,
      { type: "time", value: fixture.afterUpdate },
      { backupId: fixture.backupId, identity: sealIdentity(key.identity) },
    );
    restores.push(restore.id);
    expect(stepLog(restore, "plan")).toMatch(/from the offsite copy/);
    expect(stepLog(restore, "extract")).toMatch(
      /downloaded \d+ files .*checked against SHA256SUMS\.ciphertext, decrypted .*checked against SHA256SUMS/,
    );
    expect(await restoredMd5(restore.port!)).toBe(fixture.md5Updated);
    await tearDown(restore.id);
  }, 300_000);

  it("restores a copy the catalog does not know is encrypted (imported: its descriptor names only the key's fingerprint) with the identity given", async () => {
    await db().backup.update({ where: { id: fixture.backupId }, data: { encryptionRecipient: null } });
    try {
      const restore = await runPitrRestore(
        fixture.clusterId,
        { type: "time", value: fixture.afterUpdate },
        { backupId: fixture.backupId, identity: sealIdentity(key.identity) },
      );
      restores.push(restore.id);
      expect(stepLog(restore, "extract")).toMatch(/decrypted with the identity given/);
      expect(await restoredMd5(restore.port!)).toBe(fixture.md5Updated);
      await tearDown(restore.id);
      // Without a key it says what is missing instead of failing on files it cannot read.
      await expect(
        runPitrRestore(
          fixture.clusterId,
          { type: "time", value: fixture.afterUpdate },
          { backupId: fixture.backupId },
        ),
      ).rejects.toThrow(/encrypted at rest \(it holds SHA256SUMS\.ciphertext\): give the age identity/);
    } finally {
      await db().backup.update({
        where: { id: fixture.backupId },
        data: { encryptionRecipient: key.recipient },
      });
    }
  }, 300_000);

  it("verifies the offsite ciphertext only without a key, and says so", async () => {
    expect(await verifyBackup(fixture.backupId, "test-worker")).toBe(true);
    const backup = await db().backup.findUniqueOrThrow({ where: { id: fixture.backupId } });
    expect(backup.verifyScope).toBe("ciphertext");
    expect(backup.verifyLog).toMatch(/SHA256SUMS\.ciphertext match/);
    expect(backup.verifyLog).toMatch(/verified \(ciphertext only\)/);
    expect(backup.verifyLog).toMatch(/verified from the offsite copy/);
  }, 120_000);

  it("verifies in full and runs a drill from offsite with the key Walden holds", async () => {
    await db().cluster.update({
      where: { id: fixture.clusterId },
      data: { localEncryptionIdentityEncrypted: sealLocalIdentity(key.identity) },
    });
    expect(await verifyBackup(fixture.backupId, "test-worker")).toBe(true);
    const backup = await db().backup.findUniqueOrThrow({ where: { id: fixture.backupId } });
    expect(backup.verifyScope).toBe("full");
    expect(backup.verifyLog).toMatch(/decrypted/);
    expect(backup.verifyLog).toMatch(/archive holds/);
    expect(backup.verifyLog).toMatch(/verified from the offsite copy/);

    const drill = await startDrill(fixture.clusterId, systemActor("test"));
    expect(drill.plan?.source).toBe("offsite");
    restores.push(drill.id);
    expect(await runRestore(drill.id, "test-worker")).toBe(true);
    const done = await db().restore.findUniqueOrThrow({ where: { id: drill.id } });
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(done.rtoMs).toBeGreaterThan(0);
    expect(stepLog(done, "extract")).toMatch(/decrypted .*with the key Walden holds/);
  }, 300_000);

  it("keeps the ciphertext list's SHA-256 on the copy and refuses a list that differs from it", async () => {
    const backup = await db().backup.findUniqueOrThrow({
      where: { id: fixture.backupId },
      include: { cluster: true },
    });
    const copy = await db().backupCopy.findFirstOrThrow({
      where: { backupId: backup.id, repository: "s3", status: "succeeded" },
    });
    const repository = new S3Repository(s3.settings(BUCKET, "walden-atrest"));
    const listKey = `${offsiteBackupPrefix(backup.cluster.name, backup.id)}/${CIPHERTEXT_SUMS}`;
    const original = (await repository.getBytes(listKey))!;
    try {
      expect(copy.ciphertextChecksum).toBe(createHash("sha256").update(original).digest("hex"));
      // A list rewritten offsite (its object metadata too, as putBytes writes it): the catalog's
      // checksum is what catches it, before any object is trusted.
      const [first, ...rest] = original.toString("utf8").trimEnd().split("\n");
      const forged = `${"0".repeat(64)}${first!.slice(64)}\n${rest.join("\n")}\n`;
      await repository.putBytes(listKey, Buffer.from(forged));
      expect(await verifyBackup(fixture.backupId, "test-worker")).toBe(false);
      const failed = await db().backup.findUniqueOrThrow({ where: { id: fixture.backupId } });
      expect(failed.verifyLog).toMatch(/SHA256SUMS\.ciphertext .*does not match its checksum/);
    } finally {
      await repository.putBytes(listKey, original);
      repository.close();
    }
    expect(await verifyBackup(fixture.backupId, "test-worker")).toBe(true);
  }, 120_000);
});
