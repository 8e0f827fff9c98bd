import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CIPHERTEXT_SUMS } from "@/lib/backup/at-rest";
import { parseChecksums } from "@/lib/backup/checksum";
import { verifyBackup } from "@/lib/backup/verify";
import { db } from "@/lib/db";
import { decrypt, encrypt, generateAgeKey } from "@/lib/offsite/age";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { offsiteBackupPrefix, offsiteWalPrefix } from "@/lib/offsite/stored-settings";
import { sealIdentity } from "@/lib/restore/identity";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { loseLocalCopy, offsiteCluster, type OffsiteCluster } from "@/lib/restore/offsite-fixture.pg-helper";
import { planPitrRestore } from "@/lib/restore/plan-service";
import { runRestore } from "@/lib/restore/run";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";
import { runPitrRestore } from "@/test/pitr-restore";
import { sandboxPrimary } from "@/test/sandbox-cluster";
import { startS3Server, type S3TestServer } from "@/test/s3-server";

// Issue 14: a copy the offsite repository encrypts (settings encryption:{enabled,recipient},
// plaintext locally) keeps the SHA-256 of each object's ciphertext, hashed as it went up: in the
// copy's SHA256SUMS.ciphertext (whose own SHA-256 the catalog keeps), and a shipped WAL segment's
// in its object's metadata. With the local copy and archive deleted, a verification
// without a key checks that ciphertext and says so; with the key it checks everything; a restore
// passes. One ciphertext object changed in the storage's own folder (s3rver keeps each object as
// a file) fails the verification, with or without the key, and a restore, naming the object.

const run = Date.now().toString(36);
const S3_PORT = 25863;
const BUCKET = "offsite";
const REPOSITORY_PREFIX = "walden-sealed";
const key = generateAgeKey();
let s3: S3TestServer;
let root: string;
let fixture: OffsiteCluster;
let repository: S3Repository;
let backupPrefix: string;

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Where s3rver keeps an object's bytes. */
const storedFile = (objectKey: string) =>
  path.join(s3.directory, BUCKET, `${REPOSITORY_PREFIX}/${objectKey}._S3rver_object`);

/** `work` with the object's stored bytes changed by `change` in the storage's folder; the original put back after. */
async function withChanged(
  objectKey: string,
  change: (original: Buffer) => Promise<Buffer>,
  work: () => Promise<void>,
): Promise<void> {
  const file = storedFile(objectKey);
  const original = await fs.readFile(file);
  await fs.writeFile(file, await change(original));
  try {
    await work();
  } finally {
    await fs.writeFile(file, original);
  }
}

/** One byte flipped halfway. */
async function flipped(original: Buffer): Promise<Buffer> {
  const damaged = Buffer.from(original);
  const at = Math.floor(damaged.length / 2);
  damaged.writeUInt8(damaged.readUInt8(at) ^ 0x5a, at);
  return damaged;
}

/** The same plaintext encrypted again to the same key: it opens and decrypts right, only its ciphertext differs. */
async function reencrypted(original: Buffer): Promise<Buffer> {
  const collect = async (stream: Readable) => {
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    return Buffer.concat(parts);
  };
  const plaintext = await collect(decrypt(Readable.from([original]), key.identity));
  return collect(encrypt(Readable.from([plaintext]), key.recipient));
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

const restoreWithKey = () =>
  runPitrRestore(
    fixture.clusterId,
    { type: "time", value: fixture.afterUpdate },
    { backupId: fixture.backupId, identity: sealIdentity(key.identity) },
  );

async function verification(identity?: string) {
  const passed = await verifyBackup(
    fixture.backupId,
    "test-worker",
    identity ? { identity: sealIdentity(identity) } : {},
  );
  const backup = await db().backup.findUniqueOrThrow({ where: { id: fixture.backupId } });
  return { passed, scope: backup.verifyScope, log: backup.verifyLog ?? "" };
}

beforeAll(async () => {
  root = path.join(inject("waldenHome"), "offsite-sealed", run);
  await fs.mkdir(path.join(root, "s3"), { recursive: true });
  s3 = await startS3Server({ port: S3_PORT, directory: path.join(root, "s3"), buckets: [BUCKET] });
  fixture = await offsiteCluster({ root, run, s3, bucket: BUCKET, label: "sealed", key });
  await loseLocalCopy(fixture);
  repository = new S3Repository(s3.settings(BUCKET, REPOSITORY_PREFIX));
  const cluster = await db().cluster.findUniqueOrThrow({ where: { id: fixture.clusterId } });
  backupPrefix = offsiteBackupPrefix(cluster.name, fixture.backupId);
}, 300_000);

afterAll(async () => {
  if (fixture) {
    const restores = await db().restore.findMany({ where: { clusterId: fixture.clusterId } });
    for (const { id } of restores) await removeInstance(instancePaths(id)).catch(() => {});
    await db().cluster.delete({ where: { id: fixture.clusterId } });
  }
  repository?.close();
  await s3?.stop();
  await fs.rm(root, { recursive: true, force: true });
});

describe("a copy the offsite repository encrypts: ciphertext checksums", () => {
  it("keeps SHA256SUMS.ciphertext beside the objects and its SHA-256 on the copy, a shipped segment's in its metadata", async () => {
    const list = (await repository.getBytes(`${backupPrefix}/${CIPHERTEXT_SUMS}`))!;
    expect(list).not.toBeNull();
    const copy = await db().backupCopy.findFirstOrThrow({
      where: { backupId: fixture.backupId, repository: "s3", status: "succeeded" },
    });
    expect(copy.ciphertextChecksum).toBe(sha256(list));
    const listed = parseChecksums(list.toString("utf8"));
    expect(listed.map((entry) => entry.file)).toContain("SHA256SUMS");
    expect(listed.some((entry) => entry.file.startsWith("base.tar"))).toBe(true);
    for (const { sha256: expected, file } of listed) {
      const head = await repository.head(`${backupPrefix}/${file}`);
      // The list holds it (a copy of each object onto itself to record it would cost a server-side copy).
      expect(head).toMatchObject({ encryption: "age", ageRecipient: key.recipient, sha256: undefined });
      // The list is of the bytes the storage holds (the ciphertext), not of the plaintext.
      expect(sha256(await fs.readFile(storedFile(`${backupPrefix}/${file}`)))).toBe(expected);
      expect(head!.plaintextSha256).not.toBe(expected);
    }
    // Shipped WAL: each segment's ciphertext SHA-256 in its metadata.
    const backup = await db().backup.findUniqueOrThrow({ where: { id: fixture.backupId } });
    const segmentKey = `${offsiteWalPrefix(`offsite-sealed-${run}`)}/${backup.startWal}`;
    const segment = await repository.head(segmentKey);
    expect(segment?.encryption).toBe("age");
    expect(segment?.sha256).toBe(sha256(await fs.readFile(storedFile(segmentKey))));
  });

  it("verifies the ciphertext only without a key, saying so, and in full with the identity given", async () => {
    const withoutKey = await verification();
    expect(withoutKey.passed, withoutKey.log).toBe(true);
    expect(withoutKey.scope).toBe("ciphertext");
    expect(withoutKey.log).toMatch(/each checked against SHA256SUMS\.ciphertext \(ciphertext only/);
    expect(withoutKey.log).toMatch(/archive holds/);
    expect(withoutKey.log).toMatch(/verified \(ciphertext only\)/);

    const withKey = await verification(key.identity);
    expect(withKey.passed, withKey.log).toBe(true);
    expect(withKey.scope).toBe("full");
    expect(withKey.log).toMatch(
      /each checked against SHA256SUMS\.ciphertext, decrypted with the identity given, each checked against SHA256SUMS/,
    );
    expect(withKey.log).toMatch(/verified from the offsite copy/);
  }, 180_000);

  it("restores (PITR) with the identity given, every object checked against its ciphertext checksum", async () => {
    const restore = await restoreWithKey();
    const steps = restore.steps as { name: string; log: string[] }[];
    expect(steps.find((step) => step.name === "extract")?.log.join("\n")).toMatch(
      /checked against SHA256SUMS\.ciphertext, decrypted with the identity given/,
    );
    expect(await restoredMd5(restore.port!)).toBe(fixture.md5Updated);
    await removeInstance(instancePaths(restore.id));
    await db().restore.update({ where: { id: restore.id }, data: { instanceState: "removed" } });
  }, 300_000);

  it("fails a restore and the verification (without and with the key) when one ciphertext object changed, naming it", async () => {
    const list = parseChecksums(
      (await repository.getBytes(`${backupPrefix}/${CIPHERTEXT_SUMS}`))!.toString(),
    );
    const base = list.find((entry) => entry.file.startsWith("base.tar"))!.file;
    const named = new RegExp(escape(`${backupPrefix}/${base}`));
    await withChanged(`${backupPrefix}/${base}`, flipped, async () => {
      // The restore first: a failed verification takes the backup out of the restorable ones.
      await expect(restoreWithKey()).rejects.toThrow(named);
      const withoutKey = await verification();
      expect(withoutKey.passed).toBe(false);
      expect(withoutKey.log).toMatch(named);
      expect(withoutKey.log).toMatch(/does not match its checksum/);
      const withKey = await verification(key.identity);
      expect(withKey.passed).toBe(false);
      expect(withKey.log).toMatch(named);
    });
    // The original bytes back: it passes again.
    expect((await verification()).passed).toBe(true);
  }, 300_000);

  it("fails a restore when a shipped WAL segment was replaced after it was planned, naming it", async () => {
    const backup = await db().backup.findUniqueOrThrow({ where: { id: fixture.backupId } });
    const segmentKey = `${offsiteWalPrefix(`offsite-sealed-${run}`)}/${backup.startWal}`;
    const request = pitrRestoreRequestSchema.parse({
      clusterId: fixture.clusterId,
      kind: "pitr",
      target: { type: "time", value: fixture.afterUpdate },
      backupId: fixture.backupId,
      identity: sealIdentity(key.identity),
    });
    const planned = await planPitrRestore(request);
    if (!planned.ok) throw new Error(planned.message);
    const row = await db().restore.create({
      data: {
        clusterId: fixture.clusterId,
        kind: "pitr",
        request,
        plan: planned.plan as never,
        backupId: fixture.backupId,
        requestedBy: "test",
      },
    });
    // Re-encrypted, the segment opens and its plaintext is right: only its ciphertext checksum can tell.
    await withChanged(segmentKey, reencrypted, async () => {
      await runRestore(row.id, "test-worker");
    });
    const done = await db().restore.findUniqueOrThrow({ where: { id: row.id } });
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(new RegExp(`${escape(segmentKey)}.*does not match its checksum`));
  }, 300_000);
});
