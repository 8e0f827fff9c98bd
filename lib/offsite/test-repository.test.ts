import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3TestServer } from "@/test/s3-server";
import { S3Repository } from "./s3-repository";
import { testRepository } from "./test-repository";

// "Test" on the offsite repository form, against s3rver on 127.0.0.1:25810 (25811: nothing listens).

const PORT = 25810;
const NOTHING_LISTENS = 25811;
const BUCKET = "walden-test-checks";

let dir: string;
let server: S3TestServer;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-offsite-test-"));
  server = await startS3Server({ port: PORT, directory: dir, buckets: [BUCKET] });
});
afterAll(async () => {
  await server?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

const messages = (result: Awaited<ReturnType<typeof testRepository>>) =>
  Object.fromEntries(result.checks.map((check) => [check.name, check.ok ? "ok" : check.message]));

describe("testRepository", () => {
  it("writes, reads, lists and deletes, and leaves nothing behind", async () => {
    const result = await testRepository(server.settings(BUCKET, "walden/prod"));
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => [check.name, check.ok])).toEqual([
      ["write", true],
      ["read", true],
      ["list", true],
      ["delete", true],
    ]);
    const repository = new S3Repository(server.settings(BUCKET));
    try {
      expect(await repository.list()).toEqual([]);
    } finally {
      repository.close();
    }
  });

  it("a wrong secret: refused, named as such", async () => {
    const result = await testRepository({ ...server.settings(BUCKET), secretAccessKey: "not-the-secret" });
    expect(result.ok).toBe(false);
    expect(messages(result)).toEqual({
      write: "the storage refused the access key or secret (SignatureDoesNotMatch)",
      read: "not tried: nothing could be written to read back",
      list: "the storage refused the access key or secret (SignatureDoesNotMatch)",
      delete: "not tried: nothing was written to delete",
    });
  });

  it("an unknown access key", async () => {
    const result = await testRepository({ ...server.settings(BUCKET), accessKeyId: "AKIAUNKNOWN" });
    expect(messages(result).write).toBe("the storage does not know this access key ID (InvalidAccessKeyId)");
  });

  it("a bucket that does not exist", async () => {
    const result = await testRepository(server.settings("no-such-bucket"));
    expect(messages(result).write).toBe(`bucket no-such-bucket does not exist at ${server.endpoint}`);
    expect(messages(result).list).toBe(`bucket no-such-bucket does not exist at ${server.endpoint}`);
  });

  it("an endpoint where nothing listens", async () => {
    const settings = { ...server.settings(BUCKET), endpoint: `http://127.0.0.1:${NOTHING_LISTENS}` };
    const result = await testRepository(settings);
    expect(messages(result).write).toBe(
      `connection refused at 127.0.0.1:${NOTHING_LISTENS}: is the endpoint right and the storage running?`,
    );
  });
});
