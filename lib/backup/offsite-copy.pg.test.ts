import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as backupRoute from "@/app/api/v1/backups/[id]/route";
import { writeChecksums } from "@/lib/backup/checksum";
import { copyBackupOffsite } from "@/lib/backup/offsite-copy";
import { backupPaths, repositoryRoot } from "@/lib/backup/repository";
import { db } from "@/lib/db";
import { generateAgeKey, keyFingerprint } from "@/lib/offsite/age/keys";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { encryptOffsiteSecret, toOffsiteRow } from "@/lib/offsite/stored-settings";
import { parseBackupDescriptor, parseRepositoryDescriptor } from "@/lib/repository/descriptor";
import { readLocalBackupDescriptor } from "@/lib/repository/local-descriptor";
import type { OffsiteRepositorySettings } from "@/lib/schemas/offsite";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { startS3Server, type S3TestServer } from "@/test/s3-server";

// Every succeeded backup copied to the offsite repository against a real S3 server (s3rver):
// the objects' checksums are the backup's SHA256SUMS, the copy is listed on the backup; the
// storage cut off mid-upload and started again, the copy completes; a wrong secret fails the
// copy with the reason; an encrypted repository gets age objects. Each copy ends with the
// descriptors a fresh Walden reads (walden.json, walden-repository.json).

const S3_PORT = 25841;
const BUCKET = "copies";
let s3: S3TestServer;
let s3Dir: string;
let viewer: TestUser;
let clusterId: string;
let clusterName: string;
const quickRetry = { initialDelayMs: 300, maxDelayMs: 2_000, attempts: 12 };

/** A succeeded physical backup laid out as Walden writes one: files, SHA256SUMS, its checksum. */
async function fakeBackup(baseBytes: number) {
  const backup = await db().backup.create({
    data: { clusterId, kind: "physical", status: "succeeded", options: {}, requestedBy: "test" },
  });
  const dir = backupPaths(repositoryRoot(), clusterName, backup.id).finalDir;
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, "base.tar"), randomBytes(baseBytes));
  await fs.writeFile(path.join(dir, "pg_wal.tar"), randomBytes(4096));
  await fs.writeFile(path.join(dir, "backup_manifest"), '{"PostgreSQL-Backup-Manifest-Version": 1}\n');
  const checksum = await writeChecksums(dir);
  await db().backup.update({
    where: { id: backup.id },
    data: { path: dir, checksum, sizeBytes: BigInt(baseBytes + 4096), finishedAt: new Date() },
  });
  return { id: backup.id, dir };
}

async function setRepository(settings: OffsiteRepositorySettings) {
  const row = toOffsiteRow(settings);
  await db().offsiteRepository.upsert({ where: { clusterId }, create: { clusterId, ...row }, update: row });
}

async function sums(dir: string): Promise<Map<string, string>> {
  const text = await fs.readFile(path.join(dir, "SHA256SUMS"), "utf8");
  return new Map(
    text
      .trim()
      .split("\n")
      .map((line) => line.split("  ").reverse() as [string, string]),
  );
}

beforeAll(async () => {
  s3Dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-s3-copies-"));
  s3 = await startS3Server({ port: S3_PORT, directory: s3Dir, buckets: [BUCKET] });
  viewer = await makeUser("viewer");
  clusterName = `offsite-copy-${Date.now().toString(36)}`;
  const cluster = await db().cluster.create({ data: { name: clusterName, archiveMode: "archive_command" } });
  clusterId = cluster.id;
  await setRepository(s3.settings(BUCKET, "walden"));
});

afterAll(async () => {
  await db().cluster.delete({ where: { id: clusterId } });
  await fs.rm(path.join(repositoryRoot(), clusterName), { recursive: true, force: true });
  await s3.stop();
  await fs.rm(s3Dir, { recursive: true, force: true });
});

describe("offsite copy of a backup", () => {
  it("copies every file with the SHA-256 of SHA256SUMS and lists the copy on the backup", async () => {
    const backup = await fakeBackup(1024 * 1024);
    const result = await copyBackupOffsite(backup.id, "test", { retry: quickRetry });
    expect(result.ok).toBe(true);

    const repository = new S3Repository(s3.settings(BUCKET, "walden"));
    try {
      const expected = await sums(backup.dir);
      for (const [file, sha256] of expected) {
        const head = await repository.head(`${clusterName}/${backup.id}/${file}`);
        expect(head?.plaintextSha256, file).toBe(sha256);
        expect(head?.sha256, file).toBe(sha256);
      }
      const list = await repository.getBytes(`${clusterName}/${backup.id}/SHA256SUMS`);
      expect(list?.toString()).toBe(await fs.readFile(path.join(backup.dir, "SHA256SUMS"), "utf8"));
      // The copy describes itself: the backup (taken before descriptors, so written now from the
      // catalog, locally too) and the repository, readable without the catalog.
      const checksum = (await db().backup.findUniqueOrThrow({ where: { id: backup.id } })).checksum;
      const described = parseBackupDescriptor(
        (await repository.getBytes(`${clusterName}/${backup.id}/walden.json`))!.toString(),
      );
      expect(described).toMatchObject({
        ok: true,
        descriptor: {
          backupId: backup.id,
          cluster: clusterName,
          kind: "physical",
          checksums: { file: "SHA256SUMS", sha256: checksum },
          encryption: null,
        },
      });
      expect(await readLocalBackupDescriptor(backup.dir)).toMatchObject({
        ok: true,
        descriptor: { backupId: backup.id, checksums: { sha256: checksum } },
      });
      const repositoryDescribed = parseRepositoryDescriptor(
        (await repository.getBytes(`${clusterName}/walden-repository.json`))!.toString(),
      );
      expect(repositoryDescribed).toMatchObject({
        ok: true,
        descriptor: { cluster: clusterName, wal: { location: `${clusterName}/wal` } },
      });
    } finally {
      repository.close();
    }

    const shown = await call(backupRoute.GET, "GET", `/api/v1/backups/${backup.id}`, {
      token: viewer.token,
      params: { id: backup.id },
    });
    expect(shown.status).toBe(200);
    const offsite = shown.json.copies.find((copy: { repository: string }) => copy.repository === "offsite");
    expect(shown.json.copies[0]).toMatchObject({
      repository: "local",
      status: "succeeded",
      location: backup.dir,
    });
    expect(offsite).toMatchObject({
      status: "succeeded",
      location: `s3://${BUCKET}/walden/${clusterName}/${backup.id} at ${s3.endpoint}`,
      error: null,
    });
    expect(offsite.sizeBytes).toBeGreaterThan(1024 * 1024);
    expect(offsite.verifiedAt).not.toBeNull();
    const row = await db().backupCopy.findUniqueOrThrow({ where: { id: result.copyId! } });
    expect(row.checksum).toBe((await db().backup.findUniqueOrThrow({ where: { id: backup.id } })).checksum);

    // Delivered again once done: nothing is copied twice.
    expect(await copyBackupOffsite(backup.id, "test", { retry: quickRetry })).toEqual({
      ok: true,
      copyId: result.copyId,
    });
    expect(await db().backupCopy.count({ where: { backupId: backup.id } })).toBe(1);
  });

  it("finishes once the storage, stopped mid-upload, is back", async () => {
    const backup = await fakeBackup(24 * 1024 * 1024);
    let stopped: Promise<void> | null = null;
    const lines: string[] = [];
    const result = await copyBackupOffsite(backup.id, "test", {
      retry: quickRetry,
      log: (line) => lines.push(line),
      onProgress: (file, bytes) => {
        if (stopped || file !== "base.tar" || bytes === 0) return;
        // Cut every connection in the middle of base.tar, start again on the same folder 2 s later.
        stopped = s3.stop({ abrupt: true }).then(async () => {
          await new Promise((resolve) => setTimeout(resolve, 2_000));
          s3 = await startS3Server({ port: S3_PORT, directory: s3Dir, buckets: [BUCKET] });
        });
      },
    });
    await stopped;
    expect(stopped).not.toBeNull();
    expect(result.ok).toBe(true);
    expect(lines.some((line) => /offsite copy of base\.tar: try 1 failed/.test(line))).toBe(true);
    const row = await db().backupCopy.findUniqueOrThrow({ where: { id: result.copyId! } });
    expect(row.status).toBe("succeeded");
    const repository = new S3Repository(s3.settings(BUCKET, "walden"));
    try {
      const head = await repository.head(`${clusterName}/${backup.id}/base.tar`);
      expect(head?.sizeBytes).toBe(24 * 1024 * 1024);
      expect(head?.plaintextSha256).toBe((await sums(backup.dir)).get("base.tar"));
    } finally {
      repository.close();
    }
  });

  it("a storage away longer than the tries fails the copy as worth retrying", async () => {
    const backup = await fakeBackup(4096);
    await s3.stop();
    try {
      const result = await copyBackupOffsite(backup.id, "test", {
        retry: { initialDelayMs: 100, maxDelayMs: 200, attempts: 2 },
      });
      expect(result).toMatchObject({ ok: false, retryable: true });
      const row = await db().backupCopy.findUniqueOrThrow({ where: { id: result.copyId! } });
      expect(row.error).toMatch(
        /connection refused at 127\.0\.0\.1:25841: is the endpoint right and the storage running\?/,
      );
    } finally {
      s3 = await startS3Server({ port: S3_PORT, directory: s3Dir, buckets: [BUCKET] });
    }
    // The next try, the storage back, copies it.
    expect((await copyBackupOffsite(backup.id, "test", { retry: quickRetry })).ok).toBe(true);
  });

  it("a wrong secret fails the copy at once, with the reason", async () => {
    const backup = await fakeBackup(4096);
    await db().offsiteRepository.update({
      where: { clusterId },
      data: { secretAccessKeyEncrypted: encryptOffsiteSecret("not-the-secret") },
    });
    try {
      const started = Date.now();
      const result = await copyBackupOffsite(backup.id, "test", { retry: quickRetry });
      expect(result).toMatchObject({ ok: false, retryable: false });
      expect(Date.now() - started).toBeLessThan(20_000);
      const row = await db().backupCopy.findUniqueOrThrow({ where: { id: result.copyId! } });
      expect(row.status).toBe("failed");
      expect(row.error).toMatch(/the storage refused the access key or secret \(SignatureDoesNotMatch\)/);
      const shown = await call(backupRoute.GET, "GET", `/api/v1/backups/${backup.id}`, {
        token: viewer.token,
        params: { id: backup.id },
      });
      expect(shown.json.copies[1]).toMatchObject({ repository: "offsite", status: "failed" });
      expect(shown.json.copies[1].error).toMatch(/SignatureDoesNotMatch/);
    } finally {
      await setRepository(s3.settings(BUCKET, "walden"));
    }
  });

  it("describes a copy made before copies described themselves at the cluster's next copy", async () => {
    const earlier = await fakeBackup(4096);
    expect((await copyBackupOffsite(earlier.id, "test", { retry: quickRetry })).ok).toBe(true);
    // As an older Walden left it: no descriptor offsite, none beside the backup.
    const repository = new S3Repository(s3.settings(BUCKET, "walden"));
    try {
      const key = `${clusterName}/${earlier.id}/walden.json`;
      expect((await repository.remove([key])).removed).toEqual([key]);
      await fs.rm(path.join(earlier.dir, "walden.json"));
      const lines: string[] = [];
      const next = await fakeBackup(4096);
      expect(
        (await copyBackupOffsite(next.id, "test", { retry: quickRetry, log: (l) => lines.push(l) })).ok,
      ).toBe(true);
      expect(lines).toContain(`described 1 earlier offsite copies: ${earlier.id}`);
      const checksum = (await db().backup.findUniqueOrThrow({ where: { id: earlier.id } })).checksum;
      expect(parseBackupDescriptor((await repository.getBytes(key))!.toString())).toMatchObject({
        ok: true,
        descriptor: { backupId: earlier.id, checksums: { sha256: checksum }, encryption: null },
      });
      expect((await readLocalBackupDescriptor(earlier.dir))?.ok).toBe(true);
    } finally {
      repository.close();
    }
  });

  it("encrypts to the repository's age recipient when it says so", async () => {
    const key = generateAgeKey();
    await setRepository({
      ...s3.settings(BUCKET, "sealed"),
      encryption: { enabled: true, recipient: key.recipient },
    });
    try {
      const backup = await fakeBackup(64 * 1024);
      const result = await copyBackupOffsite(backup.id, "test", { retry: quickRetry });
      expect(result.ok).toBe(true);
      const repository = new S3Repository(s3.settings(BUCKET, "sealed"));
      try {
        const head = await repository.head(`${clusterName}/${backup.id}/base.tar`);
        expect(head).toMatchObject({ encryption: "age", ageRecipient: key.recipient });
        // The descriptor stays readable without the key, and names the key by its fingerprint only.
        const descriptor = (await repository.getBytes(`${clusterName}/${backup.id}/walden.json`))!.toString();
        expect(parseBackupDescriptor(descriptor)).toMatchObject({
          ok: true,
          descriptor: { encryption: { method: "age", recipientFingerprint: keyFingerprint(key.recipient) } },
        });
        expect(descriptor).not.toContain(key.recipient);
        expect(head?.plaintextSha256).toBe((await sums(backup.dir)).get("base.tar"));
        const restored = path.join(s3Dir, "..", `${path.basename(s3Dir)}-base.tar`);
        await repository.getFile(`${clusterName}/${backup.id}/base.tar`, restored, {
          identity: key.identity,
        });
        expect(
          (await fs.readFile(restored)).equals(await fs.readFile(path.join(backup.dir, "base.tar"))),
        ).toBe(true);
        await fs.rm(restored, { force: true });
      } finally {
        repository.close();
      }
    } finally {
      await setRepository(s3.settings(BUCKET, "walden"));
    }
  });
});
