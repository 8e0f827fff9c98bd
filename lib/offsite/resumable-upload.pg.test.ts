import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import type http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { db } from "@/lib/db";
import { catalogUploads } from "@/lib/offsite/catalog-uploads";
import { MIN_PART_BYTES } from "@/lib/offsite/put-file";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { startS3Server, type S3TestServer } from "@/test/s3-server";

// Issue 14: a multipart upload resumable per part across a worker restart. A worker process
// uploading a backup file with the catalog's upload ledger (lib/offsite/catalog-uploads.ts)
// dies with SIGKILL after a few parts; a fresh uploader (no memory of it) finds the upload in
// the catalog, confirms its parts with ListParts and sends only the others: counted on the S3
// server's side, no recorded part is PUT again and no new upload is begun.

const run = Date.now().toString(36);
const PORT = 25858;
const BUCKET = "walden-resume";
const PARTS = 7;
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

let root: string;
let server: S3TestServer;
const requests: { method: string; url: string }[] = [];

/** The part numbers of the UploadPart requests seen (PUT …?partNumber=N&uploadId=…). */
function partsPut(): number[] {
  return requests
    .filter((request) => request.method === "PUT" && /[?&]partNumber=\d+/.test(request.url))
    .map((request) => Number(/[?&]partNumber=(\d+)/.exec(request.url)![1]))
    .sort((a, b) => a - b);
}

beforeAll(async () => {
  root = path.join(inject("waldenHome"), "resumable-upload", run);
  await fs.mkdir(root, { recursive: true });
  server = await startS3Server({
    port: PORT,
    directory: path.join(root, "s3"),
    buckets: [BUCKET],
    onRequest: (request: http.IncomingMessage) =>
      requests.push({ method: request.method ?? "", url: request.url ?? "" }),
  });
});

afterAll(async () => {
  await server?.stop();
  await fs.rm(root, { recursive: true, force: true });
});

it("a worker killed mid-upload: the next one continues from the catalog, sending only the parts not recorded", async () => {
  const data = randomBytes((PARTS - 1) * MIN_PART_BYTES + 12_345);
  const source = path.join(root, "base.tar");
  await fs.writeFile(source, data);
  const key = `cluster-${run}/backup-1/base.tar`;
  const settings = server.settings(BUCKET, "walden");
  // An upload of another key that no try continued for a week: forgotten when one begins.
  const stale = await db().offsiteUpload.create({
    data: {
      endpoint: server.endpoint,
      bucket: BUCKET,
      objectKey: `walden/cluster-${run}/gone/base.tar`,
      uploadId: "abandoned",
      partSize: BigInt(MIN_PART_BYTES),
      plaintextSha256: "0".repeat(64),
      createdAt: new Date(Date.now() - 8 * 24 * 3600 * 1000),
    },
  });

  const worker = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "test/run-upload-child.ts",
      JSON.stringify(settings),
      source,
      key,
      sha256(data),
      String(2 * MIN_PART_BYTES),
    ],
    { env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  worker.stdout.on("data", (chunk) => (output += chunk));
  worker.stderr.on("data", (chunk) => (output += chunk));
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    worker.once("exit", (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  expect(signal, `exit ${code}: ${output.slice(-2000)}`).toBe("SIGKILL");

  // What the dead worker left: an upload in the catalog with the parts the storage answered for.
  const upload = await db().offsiteUpload.findUniqueOrThrow({
    where: {
      endpoint_bucket_objectKey: { endpoint: server.endpoint, bucket: BUCKET, objectKey: `walden/${key}` },
    },
    include: { parts: true },
  });
  const recorded = upload.parts.map((part) => part.partNumber).sort((a, b) => a - b);
  expect(recorded.length).toBeGreaterThanOrEqual(2);
  expect(recorded.length).toBeLessThan(PARTS);
  for (const part of upload.parts) expect(part.checksum).toMatch(/^crc32:[0-9a-f]{8}$/);
  expect(await db().offsiteUpload.count({ where: { id: stale.id } })).toBe(0);
  // Every recorded part was sent by the dead worker.
  expect(partsPut()).toEqual(expect.arrayContaining(recorded));

  const repository = new S3Repository(settings);
  try {
    // Nothing partial is ever an object.
    expect(await repository.head(key)).toBeNull();
    requests.length = 0;
    const result = await repository.putFile(source, key, { sha256: sha256(data), uploads: catalogUploads });
    expect(result).toMatchObject({
      sizeBytes: data.length,
      sha256: sha256(data),
      partsReused: recorded.length,
    });
    const sentAgain = partsPut();
    expect(sentAgain.filter((number) => recorded.includes(number))).toEqual([]);
    expect([...sentAgain, ...recorded].sort((a, b) => a - b)).toEqual(
      Array.from({ length: PARTS }, (_, index) => index + 1),
    );
    expect(result.bytesSent).toBe(data.length - recorded.length * MIN_PART_BYTES);
    // The upload was continued (ListParts on it), not begun again (POST …?uploads).
    expect(requests.some((request) => request.method === "GET" && request.url.includes(`uploadId=`))).toBe(
      true,
    );
    expect(
      requests.filter((request) => request.method === "POST" && /[?&]uploads(=|&|$)/.test(request.url)),
    ).toEqual([]);

    const downloaded = await repository.getFile(key, path.join(root, "downloaded.tar"));
    expect(downloaded.sha256).toBe(sha256(data));
    // Completed: nothing left to continue.
    expect(await db().offsiteUpload.count({ where: { id: upload.id } })).toBe(0);
  } finally {
    repository.close();
  }
}, 120_000);
