import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3TestServer } from "@/test/s3-server";
import { ageDecryptArgs } from "@/lib/tools/age";
import { runTool } from "@/lib/tools/run";
import { generateAgeKey, identityFileText } from "./age";
import { ChecksumMismatchError } from "./checksum";
import { LocalDiskFullError } from "./get-file";
import { MIN_PART_BYTES } from "./put-file";
import { S3Repository } from "./s3-repository";

// Against a real S3 protocol server (s3rver on 127.0.0.1:25820, test/s3-server.ts), no SDK mocks.

const PORT = 25820;
const BUCKET = "walden-offsite";
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

let dir: string;
let server: S3TestServer;
let repository: S3Repository;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-offsite-"));
  server = await startS3Server({ port: PORT, directory: path.join(dir, "s3"), buckets: [BUCKET] });
  repository = new S3Repository(server.settings(BUCKET, "walden/test"));
});
afterAll(async () => {
  repository?.close();
  await server?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

async function localFile(name: string, size: number): Promise<{ path: string; data: Buffer }> {
  const data = randomBytes(size);
  const file = path.join(dir, name);
  await fs.writeFile(file, data);
  return { path: file, data };
}

describe("putFile and getFile", () => {
  it.each([
    ["a small file (one PUT)", 100_000],
    ["a file of several parts (multipart)", 2 * MIN_PART_BYTES + 12_345],
  ])("%s round-trips with its SHA-256 stored and checked", async (_label, size) => {
    const { path: source, data } = await localFile(`source-${size}`, size);
    const key = `cluster-a/backup-${size}/base.tar`;
    const progress: number[] = [];
    const put = await repository.putFile(source, key, { onProgress: (bytes) => progress.push(bytes) });
    expect(put).toMatchObject({ key, sizeBytes: size, sha256: sha256(data), plaintextSha256: sha256(data) });
    expect(progress.at(-1)).toBe(size);
    const head = await repository.head(key);
    expect(head).toMatchObject({ key, sizeBytes: size, sha256: sha256(data) });

    const target = path.join(dir, `downloaded-${size}`);
    const got = await repository.getFile(key, target);
    expect(got).toEqual({
      bytes: size,
      sha256: sha256(data),
      decrypted: false,
      checkedAgainst: ["metadata"],
    });
    expect(sha256(await fs.readFile(target))).toBe(sha256(data));
    await expect(fs.stat(`${target}.partial`)).rejects.toThrow(/ENOENT/);
  });

  it("a caller's SHA-256 that the file does not match: refused, and no object appears", async () => {
    const { path: source, data } = await localFile("mismatch", MIN_PART_BYTES + 1000);
    const wrong = sha256(Buffer.from("something else"));
    const failure = await repository
      .putFile(source, "cluster-a/mismatch", { sha256: wrong })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(ChecksumMismatchError);
    expect(failure.message).toContain(`expected sha256 ${wrong}, got ${sha256(data)}`);
    expect(await repository.head("cluster-a/mismatch")).toBeNull();
    // The right one goes through, checked on the way instead of read twice.
    const put = await repository.putFile(source, "cluster-a/mismatch", {
      sha256: sha256(data).toUpperCase(),
    });
    expect(put.sha256).toBe(sha256(data));
  });

  it("a damaged object on the storage is refused on download, and nothing is left locally", async () => {
    const { path: source } = await localFile("to-damage", 50_000);
    await repository.putFile(source, "cluster-a/damaged");
    // s3rver keeps each object as a file: change one byte of it behind the storage's back.
    const stored = path.join(server.directory, BUCKET, "walden/test/cluster-a/damaged._S3rver_object");
    const bytes = await fs.readFile(stored);
    bytes.writeUInt8(bytes.readUInt8(100) ^ 0xff, 100);
    await fs.writeFile(stored, bytes);
    const target = path.join(dir, "damaged-download");
    await expect(repository.getFile("cluster-a/damaged", target)).rejects.toThrow(ChecksumMismatchError);
    await expect(fs.stat(target)).rejects.toThrow(/ENOENT/);
    await expect(fs.stat(`${target}.partial`)).rejects.toThrow(/ENOENT/);
  });

  it("a full local disk is named as such (ENOSPC), and the partial file is removed", async () => {
    const { path: source } = await localFile("for-full-disk", 300_000);
    await repository.putFile(source, "cluster-a/full-disk");
    const target = path.join(dir, "full-disk-download");
    // /dev/full answers every write with ENOSPC: the partial file points there.
    await fs.symlink("/dev/full", `${target}.partial`);
    const failure = await repository.getFile("cluster-a/full-disk", target).catch((error) => error);
    expect(failure).toBeInstanceOf(LocalDiskFullError);
    expect(failure.message).toMatch(
      /^the local disk is full while downloading walden\/test\/cluster-a\/full-disk to /,
    );
    await expect(fs.lstat(`${target}.partial`)).rejects.toThrow(/ENOENT/);
    await expect(fs.stat(target)).rejects.toThrow(/ENOENT/);
  });

  it("an encrypted copy: plaintext and ciphertext checksums, decrypted by Walden and by age", async () => {
    const key = generateAgeKey();
    const { path: source, data } = await localFile("secret", MIN_PART_BYTES + 70_000);
    const put = await repository.putFile(source, "cluster-a/secret.age", {
      encryptTo: key.recipient,
    });
    expect(put.encrypted).toBe(true);
    expect(put.plaintextSha256).toBe(sha256(data));
    expect(put.plaintextBytes).toBe(data.length);
    expect(put.sizeBytes).toBeGreaterThan(data.length);
    expect(await repository.head("cluster-a/secret.age")).toMatchObject({
      encryption: "age",
      ageRecipient: key.recipient,
      plaintextSha256: sha256(data),
      // The ciphertext's, hashed on the way up and recorded once known.
      sha256: put.sha256,
    });

    // Not asked to record it (a backup copy's list holds it): the object's metadata has none.
    const listed = await repository.putFile(source, "cluster-a/secret-listed.age", {
      encryptTo: key.recipient,
      recordCiphertextSha256: false,
    });
    expect((await repository.head("cluster-a/secret-listed.age"))?.sha256).toBeUndefined();
    expect(listed.sha256).toMatch(/^[0-9a-f]{64}$/);

    const decrypted = path.join(dir, "secret-decrypted");
    const got = await repository.getFile("cluster-a/secret.age", decrypted, { identity: key.identity });
    expect(got).toMatchObject({ sha256: sha256(data), decrypted: true, checkedAgainst: ["metadata"] });
    // The caller's ciphertext checksum must agree with the stored one before anything is decrypted.
    await expect(
      repository.getFile("cluster-a/secret.age", decrypted, {
        identity: key.identity,
        storedSha256: "0".repeat(64),
      }),
    ).rejects.toThrow(/secret\.age \(its stored checksum\) does not match/);

    // Without the key: the ciphertext as stored, checked against the checksum the caller recorded…
    const ciphertext = path.join(dir, "secret.age");
    const raw = await repository.getFile("cluster-a/secret.age", ciphertext, { expectedSha256: put.sha256! });
    expect(raw).toMatchObject({
      sha256: put.sha256,
      bytes: put.sizeBytes,
      decrypted: false,
      checkedAgainst: ["metadata", "caller"],
    });
    // …which Debian's age decrypts with the key file alone (the break-glass runbook).
    const keyFile = path.join(dir, "key.txt");
    await fs.writeFile(keyFile, identityFileText(key), { mode: 0o600 });
    const byAge = path.join(dir, "secret-by-age");
    const result = await runTool({
      program: "age",
      args: ageDecryptArgs({ identityFile: keyFile, input: ciphertext, output: byAge }),
      stallTimeoutMs: 0,
    });
    expect(result.code).toBe(0);
    expect(sha256(await fs.readFile(byAge))).toBe(sha256(data));
  });
});

describe("encrypted at the edges of age's chunks, putFile's reads and parts", () => {
  // putFile seals 64 KiB chunks as it reads (16 of them a read) into parts of MIN_PART_BYTES:
  // an empty file, exact multiples of each, and one byte either side, each decrypted by age.
  const CHUNK = 64 * 1024;
  const sizes = [
    0,
    1,
    CHUNK - 1,
    CHUNK,
    CHUNK + 1,
    16 * CHUNK,
    16 * CHUNK + 1,
    MIN_PART_BYTES,
    MIN_PART_BYTES + 1,
  ];
  it.each(sizes)(
    "%i bytes: the object age decrypts is the file, its checksums and size as putFile says",
    async (size) => {
      const key = generateAgeKey();
      const { path: source, data } = await localFile(`edge-${size}`, size);
      const put = await repository.putFile(source, `cluster-a/edge-${size}.age`, {
        encryptTo: key.recipient,
      });
      expect(put).toMatchObject({ plaintextBytes: size, plaintextSha256: sha256(data), encrypted: true });
      const ciphertext = path.join(dir, `edge-${size}.age`);
      // The ciphertext's SHA-256, hashed on the way up, checks the raw download.
      const raw = await repository.getFile(`cluster-a/edge-${size}.age`, ciphertext, {
        expectedSha256: put.sha256,
      });
      expect(raw.sha256).toBe(put.sha256);
      expect(sha256(await fs.readFile(ciphertext))).toBe(put.sha256);
      expect(raw.bytes).toBe(put.sizeBytes);
      // age's own size: header, nonce, and a 16-byte tag per chunk (an empty file has one, empty).
      const chunks = Math.max(1, Math.ceil(size / CHUNK));
      const headerBytes = put.sizeBytes - size - 16 * chunks - 16;
      expect(headerBytes).toBeGreaterThan(100);
      expect(headerBytes).toBeLessThan(400);
      const keyFile = path.join(dir, `edge-${size}.key`);
      await fs.writeFile(keyFile, identityFileText(key), { mode: 0o600 });
      const byAge = path.join(dir, `edge-${size}.out`);
      const result = await runTool({
        program: "age",
        args: ageDecryptArgs({ identityFile: keyFile, input: ciphertext, output: byAge }),
        stallTimeoutMs: 0,
      });
      expect(result.code, result.stderrTail.join("\n")).toBe(0);
      // age creates its output at the first byte it writes: for an empty plaintext, none.
      const decrypted = await fs.readFile(byAge).catch(() => Buffer.alloc(0));
      expect(sha256(decrypted)).toBe(sha256(data));
    },
  );
});

describe("head, list, remove, small objects", () => {
  it("head of a missing key is null", async () => {
    expect(await repository.head("no/such/key")).toBeNull();
    expect(await repository.getBytes("no/such/key")).toBeNull();
  });

  it("lists every page, keys relative to the prefix", async () => {
    const keys = [
      "wal/000000010000000000000001",
      "wal/000000010000000000000002",
      "wal/000000010000000000000003",
    ];
    keys.push("wal/000000010000000000000004", "wal/000000010000000000000005");
    await Promise.all(keys.map((key) => repository.putBytes(key, Buffer.from(key))));
    const listed = await repository.list("wal/", { pageSize: 2 });
    expect(listed.map((object) => object.key)).toEqual(keys);
    expect(
      listed.every((object) => object.sizeBytes === keys[0]!.length && object.modifiedAt instanceof Date),
    ).toBe(true);
    expect(await repository.getBytes(keys[2]!)).toEqual(Buffer.from(keys[2]!));
  });

  it("removes in one batch; a key already gone counts as removed", async () => {
    await repository.putBytes("trash/a", Buffer.from("a"));
    await repository.putBytes("trash/b", Buffer.from("b"));
    const result = await repository.remove(["trash/a", "trash/b", "trash/never-there"]);
    expect(result).toEqual({ removed: ["trash/a", "trash/b", "trash/never-there"], failed: [] });
    expect(await repository.list("trash/")).toEqual([]);
  });

  it("refuses keys that could escape the prefix", async () => {
    await expect(repository.head("../other-prefix/x")).rejects.toThrow(/not a repository key/);
    await expect(repository.head("/abs")).rejects.toThrow(/not a repository key/);
  });
});
