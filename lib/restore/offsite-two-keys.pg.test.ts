import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as restoresRoute from "@/app/api/v1/restores/route";
import { db } from "@/lib/db";
import { generateAgeKey, identityFileText, keyFingerprint } from "@/lib/offsite/age";
import { sealIdentity } from "@/lib/restore/identity";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { loseLocalCopy, offsiteCluster, type OffsiteCluster } from "@/lib/restore/offsite-fixture.pg-helper";
import { servePlanRequests, stopServingPlanRequests } from "@/lib/restore/plan-requests.pg-helper";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { runPitrRestore } from "@/test/pitr-restore";
import { sandboxPrimary } from "@/test/sandbox-cluster";
import { startS3Server, type S3TestServer } from "@/test/s3-server";

// Issue 14: two keys for one restore. A backup encrypted at rest to key A (copied offsite as its
// ciphertext) whose offsite repository encrypts the shipped WAL to key B: with the local copy
// and archive deleted, a restore needs both. One identity file holding both AGE-SECRET-KEY-1
// lines (in either order: age -d -i tries each) restores it; one missing either key is a 422
// naming identity and the fingerprint of the key it lacks.

const run = Date.now().toString(36);
const S3_PORT = 25864;
const BUCKET = "offsite";
const atRestKey = generateAgeKey();
const repositoryKey = generateAgeKey();
const otherKey = generateAgeKey();
let s3: S3TestServer;
let root: string;
let fixture: OffsiteCluster;
let operator: TestUser;

const keys = (...pairs: (typeof atRestKey)[]) => pairs.map((pair) => identityFileText(pair)).join("");

function requestWith(identity: string) {
  return call(restoresRoute.POST, "POST", "/api/v1/restores", {
    token: operator.token,
    body: {
      clusterId: fixture.clusterId,
      kind: "pitr",
      target: { type: "time", value: fixture.afterUpdate },
      backupId: fixture.backupId,
      identity,
    },
  });
}

beforeAll(async () => {
  root = path.join(inject("waldenHome"), "offsite-two-keys", run);
  await fs.mkdir(path.join(root, "s3"), { recursive: true });
  s3 = await startS3Server({ port: S3_PORT, directory: path.join(root, "s3"), buckets: [BUCKET] });
  operator = await makeUser("operator");
  fixture = await offsiteCluster({
    root,
    run,
    s3,
    bucket: BUCKET,
    label: "twokeys",
    key: repositoryKey,
    atRest: { key: atRestKey },
  });
  await loseLocalCopy(fixture);
  await servePlanRequests();
}, 300_000);

afterAll(async () => {
  await stopServingPlanRequests();
  if (fixture) {
    const restores = await db().restore.findMany({ where: { clusterId: fixture.clusterId } });
    for (const { id } of restores) await removeInstance(instancePaths(id)).catch(() => {});
    await db().cluster.delete({ where: { id: fixture.clusterId } });
  }
  await s3?.stop();
  await fs.rm(root, { recursive: true, force: true });
});

describe("a restore that needs two keys (backup at rest, WAL by the offsite repository)", () => {
  it("refuses an identity missing either key, naming identity and the key it lacks", async () => {
    const cases = [
      { identity: keys(atRestKey), lacks: repositoryKey },
      { identity: keys(otherKey, atRestKey), lacks: repositoryKey },
      { identity: keys(repositoryKey), lacks: atRestKey },
    ];
    for (const { identity, lacks } of cases) {
      const answer = await requestWith(identity);
      expect(answer.status, answer.text).toBe(422);
      expect(answer.json.error.details.issues[0].path).toBe("identity");
      expect(answer.json.error.message).toContain(`encrypted to ${keyFingerprint(lacks.recipient)}`);
    }
    // Several keys, none the repository's: each one's fingerprint, and what to do.
    const answer = await requestWith(keys(otherKey, atRestKey));
    expect(answer.json.error.message).toMatch(/none of its 2 keys opens the offsite repository's copies/);
    expect(answer.json.error.message).toContain(keyFingerprint(otherKey.recipient));
    expect(answer.json.error.message).toMatch(/add that key's AGE-SECRET-KEY-1… line to the identity/);
  }, 120_000);

  it("accepts one identity file holding both keys, whichever comes first", async () => {
    for (const identity of [keys(atRestKey, repositoryKey), keys(repositoryKey, otherKey, atRestKey)]) {
      const answer = await requestWith(identity);
      expect(answer.status, answer.text).toBeLessThan(300);
    }
  }, 120_000);

  it("restores md5-identical rows with both keys in one identity, the repository's first", async () => {
    const restore = await runPitrRestore(
      fixture.clusterId,
      { type: "time", value: fixture.afterUpdate },
      { backupId: fixture.backupId, identity: sealIdentity(keys(repositoryKey, atRestKey)) },
    );
    const steps = restore.steps as { name: string; log: string[] }[];
    const log = (name: string) => steps.find((step) => step.name === name)?.log.join("\n") ?? "";
    expect(log("extract")).toMatch(
      /checked against SHA256SUMS\.ciphertext, decrypted with the identity given/,
    );
    expect(log("configure")).toMatch(/fetched \d+ of \d+ offsite WAL files/);
    const client = new pg.Client({ ...sandboxPrimary(), port: restore.port! });
    await client.connect();
    try {
      expect((await client.query<{ md5: string }>(fixture.md5Sql)).rows[0]!.md5).toBe(fixture.md5Updated);
    } finally {
      await client.end();
    }
  }, 300_000);
});
