import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startS3Server, type S3TestServer } from "@/test/s3-server";
import { MIN_PART_BYTES } from "./put-file";
import { S3Repository } from "./s3-repository";
import { memoryUploadLedger, partChecksum, type UploadLedger } from "./upload-ledger";

// A continued upload reuses a recorded part only when the bytes read for it again have the
// checksum recorded when it was sent (s3rver on 127.0.0.1:25859): a part whose record does not
// match is sent again, and the object is still whole.

const PORT = 25859;
const BUCKET = "walden-ledger";
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

let dir: string;
let server: S3TestServer;
const partsPut: number[] = [];

async function start() {
  server = await startS3Server({
    port: PORT,
    directory: path.join(dir, "s3"),
    buckets: [BUCKET],
    onRequest: (request) => {
      const part = /[?&]partNumber=(\d+)/.exec(request.url ?? "");
      if (request.method === "PUT" && part) partsPut.push(Number(part[1]));
    },
  });
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-ledger-"));
  await start();
});
afterAll(async () => {
  await server?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

it("partChecksum is CRC-32 in hex", () => {
  expect(partChecksum(Buffer.from("123456789"))).toBe("crc32:cbf43926");
});

it("sends a recorded part again when the bytes read for it no longer have its recorded checksum", async () => {
  const data = randomBytes(4 * MIN_PART_BYTES + 99);
  const source = path.join(dir, "base.tar");
  await fs.writeFile(source, data);
  const key = "cluster-a/backup-1/base.tar";
  const ledger = memoryUploadLedger();
  const repository = new S3Repository(server.settings(BUCKET, "walden"), {
    maxAttempts: 1,
    connectionTimeoutMs: 2_000,
  });
  try {
    let stopped: Promise<void> | null = null;
    await expect(
      repository.putFile(source, key, {
        sha256: sha256(data),
        uploads: ledger,
        onProgress: (sent) => {
          if (sent >= 2 * MIN_PART_BYTES && !stopped) stopped = server.stop({ abrupt: true });
        },
      }),
    ).rejects.toMatchObject({ retryable: true });
    await stopped;
    await start();
    const slot = { endpoint: server.endpoint, bucket: BUCKET, key: `walden/${key}` };
    const recorded = (await ledger.find(slot))!.parts.map((part) => part.partNumber).sort();
    expect(recorded.length).toBeGreaterThanOrEqual(2);
    // The record of the first part says other bytes were sent for it.
    const [changed] = recorded;
    const misremembering: UploadLedger = {
      ...ledger,
      find: async (where) => {
        const found = await ledger.find(where);
        return (
          found && {
            ...found,
            parts: found.parts.map((part) =>
              part.partNumber === changed ? { ...part, checksum: "crc32:00000000" } : part,
            ),
          }
        );
      },
    };
    partsPut.length = 0;
    const result = await repository.putFile(source, key, { sha256: sha256(data), uploads: misremembering });
    expect(result.partsReused).toBe(recorded.length - 1);
    expect(partsPut).toContain(changed);
    expect(partsPut.filter((number) => number !== changed && recorded.includes(number))).toEqual([]);
    const downloaded = await repository.getFile(key, path.join(dir, "downloaded.tar"));
    expect(downloaded.sha256).toBe(sha256(data));
    expect(await ledger.find(slot)).toBeNull();
  } finally {
    repository.close();
  }
}, 60_000);
