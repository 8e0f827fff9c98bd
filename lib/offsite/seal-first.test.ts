import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3TestServer } from "@/test/s3-server";
import { generateAgeKey, identityFileText } from "./age";
import { S3Repository } from "./s3-repository";

// An encrypted WAL segment goes up in one upload whose metadata already names its ciphertext's
// SHA-256: no CopyObject onto itself afterwards (which leaves two versions of every segment in a
// versioned bucket). Real s3rver on 127.0.0.1:25884, real age to decrypt.

const PORT = 25884;
const BUCKET = "seal-first";
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

let dir: string;
let server: S3TestServer;
let repository: S3Repository;
const commands: string[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-seal-first-test-"));
  server = await startS3Server({ port: PORT, directory: path.join(dir, "s3"), buckets: [BUCKET] });
  repository = new S3Repository(server.settings(BUCKET, "walden"));
  repository.client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(context.commandName ?? "?");
      return next(args);
    },
    { step: "initialize" },
  );
});
afterAll(async () => {
  repository?.close();
  await server?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("an encrypted object with its ciphertext SHA-256 in its metadata", () => {
  it.each([
    ["a 16 MiB segment, sealed in memory: one PutObject", 16 * 1024 * 1024, ["PutObjectCommand"]],
    [
      "a 64 MiB segment, sealed into a temporary file: one multipart upload",
      64 * 1024 * 1024,
      ["CreateMultipartUploadCommand", "UploadPartCommand", "CompleteMultipartUploadCommand"],
    ],
  ])(
    "%s, no self-copy",
    async (_label, size, writes) => {
      const key = generateAgeKey();
      const data = randomBytes(size);
      const source = path.join(dir, `segment-${size}`);
      await fs.writeFile(source, data);
      commands.length = 0;
      const put = await repository.putFile(source, `wal/segment-${size}`, {
        encryptTo: key.recipient,
        metadata: { walCommits: { count: 2, first: null, last: null, unreadableTimes: 0 } },
      });
      const sent = commands.filter((name) => name !== "HeadObjectCommand");
      expect(sent).not.toContain("CopyObjectCommand");
      expect([...new Set(sent)]).toEqual(writes);
      expect(put).toMatchObject({ encrypted: true, plaintextBytes: size, plaintextSha256: sha256(data) });

      const object = await repository.client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: `walden/wal/segment-${size}` }),
      );
      const ciphertext = Buffer.from(await object.Body!.transformToByteArray());
      expect(sha256(ciphertext)).toBe(put.sha256);
      expect(await repository.head(`wal/segment-${size}`)).toMatchObject({
        sha256: put.sha256,
        plaintextSha256: sha256(data),
        encryption: "age",
        ageRecipient: key.recipient,
        walCommits: { count: 2 },
      });
      const keyFile = path.join(dir, "key.txt");
      const sealedFile = path.join(dir, "object.age");
      const opened = path.join(dir, "opened");
      await fs.writeFile(keyFile, identityFileText(key), { mode: 0o600 });
      await fs.writeFile(sealedFile, ciphertext);
      execFileSync("age", ["--decrypt", "-i", keyFile, "-o", opened, sealedFile]);
      expect(sha256(await fs.readFile(opened))).toBe(sha256(data));
      await Promise.all([opened, sealedFile, source].map((file) => fs.rm(file)));
    },
    120_000,
  );
});
