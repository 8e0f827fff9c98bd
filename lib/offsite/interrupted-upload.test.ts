import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startS3Server, type S3TestServer } from "@/test/s3-server";
import { MIN_PART_BYTES } from "./put-file";
import { retryWithBackoff } from "./retry";
import { S3Repository } from "./s3-repository";
import { StorageError } from "./storage-errors";

// The storage goes away in the middle of a multipart upload (s3rver on 127.0.0.1:25830 stopped,
// every connection cut): the copy fails with a retryable error, no object is visible under the
// key, and the caller's retry loop finishes the copy once the storage is back, continuing the
// same upload so that the parts already stored are not sent again.

const PORT = 25830;
const BUCKET = "walden-interrupted";
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

let dir: string;
let server: S3TestServer;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-offsite-cut-"));
  server = await startS3Server({ port: PORT, directory: path.join(dir, "s3"), buckets: [BUCKET] });
});
afterAll(async () => {
  await server?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

it("server stopped mid-upload, then started: the retried copy completes, nothing partial was ever visible", async () => {
  const data = randomBytes(4 * MIN_PART_BYTES + 4321);
  const source = path.join(dir, "base.tar");
  await fs.writeFile(source, data);
  const key = "cluster-a/backup-1/base.tar";
  // Two tries per request inside the SDK, so the first copy gives up quickly while the storage is away.
  const repository = new S3Repository(server.settings(BUCKET, "walden"), {
    maxAttempts: 2,
    connectionTimeoutMs: 2_000,
  });

  let stopped: Promise<void> | null = null;
  const failures: unknown[] = [];
  let letRetryStart!: () => void;
  const storageIsBack = new Promise<void>((resolve) => {
    letRetryStart = resolve;
  });
  const copy = retryWithBackoff(
    async (attempt) => {
      if (attempt > 1) await storageIsBack;
      return repository.putFile(source, key, {
        sha256: sha256(data),
        onProgress: (sent) => {
          // Cut everything once a part or two are in: the upload is surely mid-way.
          if (attempt === 1 && sent >= MIN_PART_BYTES && !stopped) stopped = server.stop({ abrupt: true });
        },
      });
    },
    { attempts: 5, initialDelayMs: 50, maxDelayMs: 200, onRetry: ({ error }) => failures.push(error) },
  );

  await expect.poll(() => failures.length, { timeout: 30_000, interval: 50 }).toBeGreaterThan(0);
  await stopped;
  const [failure] = failures;
  expect(failure).toBeInstanceOf(StorageError);
  expect((failure as StorageError).retryable).toBe(true);
  expect((failure as StorageError).message).toMatch(
    /closed the connection mid-request|connection refused at 127\.0\.0\.1:25830/,
  );

  // Back on the same folder: the failed upload left no object, under the key or anywhere.
  server = await startS3Server({ port: PORT, directory: server.directory, buckets: [BUCKET] });
  expect(await repository.head(key)).toBeNull();
  expect(await repository.list()).toEqual([]);

  letRetryStart();
  const result = await copy;
  expect(result).toMatchObject({ key, sizeBytes: data.length, sha256: sha256(data) });
  // The retry continued the same upload: the parts the storage held (listed, each one's size and
  // MD5 checked against the file) were not sent again.
  expect(result.partsReused).toBeGreaterThanOrEqual(1);
  expect(result.bytesSent).toBe(data.length - result.partsReused * MIN_PART_BYTES);
  expect(result.bytesSent).toBeLessThan(data.length);
  const target = path.join(dir, "downloaded.tar");
  const downloaded = await repository.getFile(key, target);
  expect(downloaded.sha256).toBe(sha256(data));
  expect((await repository.list()).map((object) => [object.key, object.sizeBytes])).toEqual([
    [key, data.length],
  ]);
  repository.close();
}, 60_000);
