import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGE_SUFFIX, CIPHERTEXT_SUMS } from "@/lib/backup/at-rest";
import { SealedFile, SealingFollower, sealFolder } from "@/lib/backup/at-rest-seal";
import { parseChecksums, sha256File } from "@/lib/backup/checksum";
import { generateAgeKey, identityFileText } from "@/lib/offsite/age";
import { ageDecryptArgs } from "@/lib/tools/age";
import { runTool } from "@/lib/tools/run";

// The sealing of a backup's files at rest: whatever sizes the plaintext arrives in, Debian's
// `age --decrypt` gives back the same bytes, and both checksum lists name what is on disk.
// Needs `age` on PATH (apt-get install age).

const CHUNK = 64 * 1024;
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const key = generateAgeKey();

let dir: string;
let keyFile: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-seal-"));
  keyFile = path.join(dir, "..", `${path.basename(dir)}-key.txt`);
  await fs.writeFile(keyFile, identityFileText(key), { mode: 0o600 });
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rm(keyFile, { force: true });
});

/** The SHA-256 of what Debian's age decrypts `sealed` to (compared as digests: toEqual on MBs is slow). */
async function ageDecrypt(sealed: string): Promise<string> {
  const output = `${sealed}.out`;
  const result = await runTool({
    program: "age",
    args: ageDecryptArgs({ identityFile: keyFile, input: sealed, output }),
    stallTimeoutMs: 0,
  });
  if (result.code !== 0) throw new Error(`age --decrypt failed: ${result.stderrTail.join("\n")}`);
  // age creates its output only once it has a byte to write.
  const data = await fs.readFile(output).catch(() => Buffer.alloc(0));
  await fs.rm(output, { force: true });
  return sha256(data);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SealedFile", () => {
  // Every way the last chunk can fall (empty, short, exactly one or two chunks, ragged), fed in
  // pieces that cross chunk boundaries, match them, or are one byte.
  const cases: [number, number][] = [
    [0, 1000],
    [1, 1],
    [CHUNK - 1, 10_007],
    [CHUNK, CHUNK],
    [2 * CHUNK, CHUNK],
    [2 * CHUNK, 1 << 20],
    [3 * CHUNK + 12_345, 10_007],
    [5 * CHUNK + 1, CHUNK + 1],
  ];
  it.each(cases)(
    "%i bytes fed %i at a time: age decrypts them, digests of both sides",
    async (size, piece) => {
      const plaintext = randomBytes(size);
      const target = path.join(dir, "file.age");
      const sealed = await SealedFile.create(target, key.recipient);
      const reused = Buffer.alloc(piece);
      for (let at = 0; at < size; at += piece) {
        // The same buffer every time, as the follower reads: the sealer must not keep a view of it.
        const length = plaintext.copy(reused, 0, at, at + piece);
        await sealed.update(reused.subarray(0, length));
        reused.fill(0xee);
      }
      const digests = await sealed.finish();

      expect(await ageDecrypt(target)).toBe(sha256(plaintext));
      expect(digests.plain).toEqual({ sha256: sha256(plaintext), bytes: size });
      expect(digests.sealedSha256).toBe(await sha256File(target));
    },
  );
});

describe("sealing a backup folder", () => {
  it("seals a file while it is appended to and the rest after, leaving only .age files and both lists", async () => {
    const base = randomBytes(20 * 300_000 + 17);
    const wal = randomBytes(3 * CHUNK);
    const manifest = Buffer.from('{"PostgreSQL-Backup-Manifest-Version": 1}\n');
    const follower = new SealingFollower(dir, key.recipient, (name) => name === "base.tar.lz4").start();
    const handle = await fs.open(path.join(dir, "base.tar.lz4"), "a");
    for (let at = 0; at < base.length; at += 300_000) {
      await handle.write(base.subarray(at, at + 300_000));
      await pause(15);
    }
    await handle.close();
    await fs.writeFile(path.join(dir, "pg_wal.tar"), wal);
    await fs.writeFile(path.join(dir, "backup_manifest"), manifest);
    const { checksum, files } = await follower.finish();

    expect(files).toBe(3);
    const names = ["backup_manifest", "base.tar.lz4", "pg_wal.tar"];
    expect((await fs.readdir(dir)).sort()).toEqual(
      [...names.map((name) => `${name}${AGE_SUFFIX}`), "SHA256SUMS", CIPHERTEXT_SUMS].sort(),
    );
    const plain = { "base.tar.lz4": base, "pg_wal.tar": wal, backup_manifest: manifest };
    for (const [name, data] of Object.entries(plain))
      expect(await ageDecrypt(path.join(dir, `${name}${AGE_SUFFIX}`))).toBe(sha256(data));
    const sums = await fs.readFile(path.join(dir, "SHA256SUMS"), "utf8");
    expect(parseChecksums(sums)).toEqual(
      names.map((file) => ({ file, sha256: sha256(plain[file as keyof typeof plain]) })),
    );
    expect(checksum).toBe(sha256(Buffer.from(sums)));
    const cipherSums = parseChecksums(await fs.readFile(path.join(dir, CIPHERTEXT_SUMS), "utf8"));
    for (const { file, sha256: digest } of cipherSums)
      expect(await sha256File(path.join(dir, file))).toBe(digest);
    expect(cipherSums.map(({ file }) => file)).toEqual(names.map((name) => `${name}${AGE_SUFFIX}`));
  });

  it("removes what it sealed when the program fails (stop)", async () => {
    const follower = new SealingFollower(dir, key.recipient, () => true).start();
    await fs.writeFile(path.join(dir, "base.tar"), randomBytes(200_000));
    await pause(150);
    await follower.stop();
    expect(await fs.readdir(dir)).toEqual(["base.tar"]);
  });

  it("seals files in subfolders (a directory-format dump), each read once", async () => {
    await fs.mkdir(path.join(dir, "dump"));
    const toc = randomBytes(5000);
    await fs.writeFile(path.join(dir, "dump", "toc.dat"), toc);
    await fs.writeFile(path.join(dir, "globals.sql"), "-- roles\n");
    const { files } = await sealFolder(dir, key.recipient);
    expect(files).toBe(2);
    expect(await ageDecrypt(path.join(dir, "dump", `toc.dat${AGE_SUFFIX}`))).toBe(sha256(toc));
    expect(
      parseChecksums(await fs.readFile(path.join(dir, "SHA256SUMS"), "utf8")).map(({ file }) => file),
    ).toEqual(["dump/toc.dat", "globals.sql"]);
  });
});
