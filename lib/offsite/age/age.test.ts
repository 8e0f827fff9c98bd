import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTool } from "@/lib/tools/run";
import { ageDecryptArgs, ageEncryptArgs, ageKeygenArgs, ageRecipientArgs } from "@/lib/tools/age";
import { bech32Decode, bech32Encode } from "./bech32";
import {
  AgeFormatError,
  decrypt,
  encrypt,
  generateAgeKey,
  identityFileText,
  identityOpens,
  keyFingerprint,
  parseRecipient,
  recipientOf,
  recipientsOf,
} from "./index";

// Interoperability with Debian's `age` 1.x in both directions (the break-glass runbook depends
// on it), and the failures a damaged or foreign file must give. Needs `age` on PATH
// (apt-get install age).

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const CHUNK = 64 * 1024;

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-age-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function run(program: string, args: string[]): Promise<string[]> {
  const stdout: string[] = [];
  const result = await runTool({
    program,
    args,
    onStdoutLine: (line) => stdout.push(line),
    stallTimeoutMs: 0,
  });
  if (result.code !== 0)
    throw new Error(`${program} ${args.join(" ")} failed: ${result.stderrTail.join("\n")}`);
  return stdout;
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Feeds `data` in pieces of `piece` bytes, so chunk boundaries fall everywhere. */
function pieces(data: Buffer, piece = 10_007): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < data.length; at += piece) yield data.subarray(at, at + piece);
    })(),
  );
}

describe("bech32", () => {
  it("round-trips and refuses a changed character or mixed case", () => {
    const data = randomBytes(32);
    const text = bech32Encode("age", data);
    expect(Buffer.from(bech32Decode(text)!.data)).toEqual(data);
    expect(bech32Decode(text.toUpperCase())?.prefix).toBe("age");
    const changed = text.slice(0, 10) + (text[10] === "q" ? "p" : "q") + text.slice(11);
    expect(bech32Decode(changed)).toBeNull();
    expect(bech32Decode(text.slice(0, 5) + text.slice(5).toUpperCase())).toBeNull();
  });
});

describe("keys", () => {
  it("reads age-keygen's key file and derives the recipient it prints", async () => {
    const keyFile = path.join(dir, "cli-key.txt");
    await run("age-keygen", ageKeygenArgs({ output: keyFile }));
    const text = await fs.readFile(keyFile, "utf8");
    const [cliRecipient] = await run("age-keygen", ageRecipientArgs({ identityFile: keyFile }));
    expect(recipientOf(text)).toBe(cliRecipient);
    expect(text).toContain(`# public key: ${cliRecipient}`);
  });

  it("writes a key file that age-keygen reads back to the same recipient", async () => {
    const key = generateAgeKey();
    expect(key.recipient).toMatch(/^age1[02-9ac-hj-np-z]{58}$/);
    expect(key.identity).toMatch(/^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/);
    const keyFile = path.join(dir, "walden-key.txt");
    await fs.writeFile(keyFile, identityFileText(key), { mode: 0o600 });
    const [cliRecipient] = await run("age-keygen", ageRecipientArgs({ identityFile: keyFile }));
    expect(cliRecipient).toBe(key.recipient);
    // The escrow fingerprint, as the runbook recomputes it: age-keygen -y | tr -d '\n' | sha256sum | cut -c1-16.
    const expected = sha256(Buffer.from(cliRecipient!)).slice(0, 16).match(/.{4}/g)!.join("-");
    expect(keyFingerprint(key.identity)).toBe(expected);
    expect(keyFingerprint(key.recipient)).toBe(expected);
  });

  it("names what is wrong with a bad recipient or identity", () => {
    expect(() => parseRecipient("age1notakey")).toThrow(/not an age X25519 recipient/);
    expect(() => recipientOf("# only a comment\n")).toThrow(/holds no key/);
    expect(() => recipientOf("AGE-SECRET-KEY-1QQQQ")).toThrow(/not an age identity/);
  });
});

describe("Walden encrypts, age decrypts", () => {
  // Empty, short, exactly one chunk, exactly two, and ragged: every way the last chunk can fall.
  const sizes = [0, 1, CHUNK - 1, CHUNK, 2 * CHUNK, 3 * CHUNK + 12_345];
  it.each(sizes)("%i bytes", async (size) => {
    const key = generateAgeKey();
    const keyFile = path.join(dir, `key-${size}.txt`);
    await fs.writeFile(keyFile, identityFileText(key), { mode: 0o600 });
    const plaintext = randomBytes(size);
    const encrypted = path.join(dir, `walden-${size}.age`);
    await pipeline(encrypt(pieces(plaintext), key.recipient), createWriteStream(encrypted));
    const decrypted = path.join(dir, `walden-${size}.out`);
    await run("age", ageDecryptArgs({ identityFile: keyFile, input: encrypted, output: decrypted }));
    // age opens its output lazily: for an empty plaintext it writes no file at all.
    const output = await fs.readFile(decrypted).catch(() => (size === 0 ? Buffer.alloc(0) : null));
    expect(output && sha256(output)).toBe(sha256(plaintext));
    // The ciphertext is the plaintext plus one tag per 64 KiB chunk, a header and a nonce.
    const chunks = Math.max(1, Math.ceil(size / CHUNK));
    const { size: encryptedSize } = await fs.stat(encrypted);
    expect(encryptedSize - size - 16 * chunks - 16).toBeGreaterThan(100);
    expect(encryptedSize - size - 16 * chunks - 16).toBeLessThan(250);
  });
});

describe("age encrypts, Walden decrypts", () => {
  it.each([0, CHUNK, 5 * CHUNK + 7])("%i bytes, with the key file as age-keygen wrote it", async (size) => {
    const keyFile = path.join(dir, `cli-${size}.txt`);
    await run("age-keygen", ageKeygenArgs({ output: keyFile }));
    const [recipient] = await run("age-keygen", ageRecipientArgs({ identityFile: keyFile }));
    const plain = path.join(dir, `plain-${size}`);
    const plaintext = randomBytes(size);
    await fs.writeFile(plain, plaintext);
    const encrypted = path.join(dir, `cli-${size}.age`);
    await run("age", ageEncryptArgs({ recipients: [recipient!], input: plain, output: encrypted }));
    const identity = await fs.readFile(keyFile, "utf8");
    const decrypted = await collect(decrypt(createReadStream(encrypted, { highWaterMark: 4096 }), identity));
    expect(sha256(decrypted)).toBe(sha256(plaintext));
  });

  it("a file for two recipients opens with either key", async () => {
    const [first, second] = [generateAgeKey(), generateAgeKey()];
    const plaintext = randomBytes(1000);
    const encrypted = await collect(encrypt(pieces(plaintext), [first.recipient, second.recipient]));
    for (const key of [first, second]) {
      expect(await collect(decrypt(pieces(encrypted, 333), key.identity))).toEqual(plaintext);
    }
  });
});

describe("an identity file of several keys", () => {
  // A backup encrypted at rest to one key and WAL the offsite repository encrypts to another:
  // one identity file with both AGE-SECRET-KEY-1 lines opens either, as `age -d -i` does.
  const [atRest, repository, other] = [generateAgeKey(), generateAgeKey(), generateAgeKey()];
  const bothKeys = `${identityFileText(repository)}${identityFileText(atRest)}`;

  it("lists every key's recipient and says which recipients it opens", () => {
    expect(recipientsOf(bothKeys)).toEqual([repository.recipient, atRest.recipient]);
    expect(recipientOf(bothKeys)).toBe(repository.recipient);
    expect(identityOpens(bothKeys, atRest.recipient)).toBe(true);
    expect(identityOpens(bothKeys, repository.recipient)).toBe(true);
    expect(identityOpens(bothKeys, other.recipient)).toBe(false);
    expect(identityOpens("not a key", atRest.recipient)).toBe(false);
  });

  it("opens files encrypted to either key, with Debian's age and with Walden", async () => {
    const keyFile = path.join(dir, "two-keys.txt");
    await fs.writeFile(keyFile, bothKeys, { mode: 0o600 });
    for (const [name, key] of [
      ["at-rest", atRest],
      ["repository", repository],
    ] as const) {
      const plaintext = randomBytes(CHUNK + 99);
      const encrypted = path.join(dir, `two-keys-${name}.age`);
      await pipeline(encrypt(pieces(plaintext), key.recipient), createWriteStream(encrypted));
      const decrypted = path.join(dir, `two-keys-${name}.out`);
      await run("age", ageDecryptArgs({ identityFile: keyFile, input: encrypted, output: decrypted }));
      expect(sha256(await fs.readFile(decrypted))).toBe(sha256(plaintext));
      expect(sha256(await collect(decrypt(createReadStream(encrypted), bothKeys)))).toBe(sha256(plaintext));
    }
    // A file for a key the identity lacks: age refuses it, and so does Walden.
    const foreign = path.join(dir, "two-keys-foreign.age");
    await pipeline(encrypt(pieces(randomBytes(10)), other.recipient), createWriteStream(foreign));
    await expect(
      run("age", ageDecryptArgs({ identityFile: keyFile, input: foreign, output: `${foreign}.out` })),
    ).rejects.toThrow(/no identity matched/);
    await expect(collect(decrypt(createReadStream(foreign), bothKeys))).rejects.toThrow(
      /encrypted to another key/,
    );
  });
});

describe("a damaged or foreign file fails, naming why", () => {
  const key = generateAgeKey();
  const plaintext = randomBytes(3 * CHUNK);
  let encrypted: Buffer;
  beforeAll(async () => {
    encrypted = await collect(encrypt(pieces(plaintext), key.recipient));
  });

  const decryptBytes = (data: Buffer, identity = key.identity) => collect(decrypt(pieces(data), identity));

  it("another key", async () => {
    await expect(decryptBytes(encrypted, generateAgeKey().identity)).rejects.toThrow(
      /encrypted to another key/,
    );
  });

  it("a flipped bit in the payload", async () => {
    const damaged = Buffer.from(encrypted);
    damaged.writeUInt8(damaged.readUInt8(damaged.length - CHUNK) ^ 1, damaged.length - CHUNK);
    await expect(decryptBytes(damaged)).rejects.toThrow(/damaged or cut off \(chunk 3/);
  });

  it("a cut-off end, even at a chunk boundary", async () => {
    await expect(decryptBytes(encrypted.subarray(0, encrypted.length - 100))).rejects.toThrow(AgeFormatError);
    const headerAndTwoChunks = encrypted.length - (CHUNK + 16);
    await expect(decryptBytes(encrypted.subarray(0, headerAndTwoChunks))).rejects.toThrow(/chunk 2 failed/);
  });

  it("a changed header", async () => {
    const text = encrypted.toString("latin1");
    const footer = text.indexOf("\n--- ");
    const changed = Buffer.from(text.slice(0, footer) + "\n-> extra\n\n" + text.slice(footer + 1), "latin1");
    await expect(decryptBytes(changed)).rejects.toThrow(/MAC does not match/);
  });

  it("not an age file at all, or an armored one", async () => {
    await expect(decryptBytes(Buffer.from("PGDMP\n binary dump"))).rejects.toThrow(
      /not an age-encrypted file/,
    );
    await expect(decryptBytes(Buffer.from("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n"))).rejects.toThrow(
      /armored/,
    );
  });
});
