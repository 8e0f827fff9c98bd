import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppendFollower, parseChecksums, sha256File, writeChecksums } from "@/lib/backup/checksum";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-checksum-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends `chunks` random chunks to `file`, pausing between them so the follower reads mid-way. */
async function appendSlowly(file: string, chunks: number, chunkBytes: number) {
  const handle = await fs.open(file, "a");
  for (let index = 0; index < chunks; index++) {
    await handle.write(randomBytes(chunkBytes));
    await pause(15);
  }
  await handle.close();
}

describe("AppendFollower", () => {
  it("hashes a file while it is appended to, with the digest of the finished file", async () => {
    const follower = new AppendFollower(dir, (name) => name === "base.tar", 5).start();
    await appendSlowly(path.join(dir, "base.tar"), 20, 300_000);
    await fs.writeFile(path.join(dir, "pg_wal.tar"), "not followed");
    const digests = await follower.finish();

    expect([...digests.keys()]).toEqual(["base.tar"]);
    expect(digests.get("base.tar")).toEqual({
      sha256: await sha256File(path.join(dir, "base.tar")),
      bytes: 6_000_000,
    });
  });

  it("starts again from the first byte when the file is replaced by another", async () => {
    const follower = new AppendFollower(dir, () => true, 5).start();
    const file = path.join(dir, "base.tar");
    await appendSlowly(file, 5, 100_000);
    await pause(30);
    await fs.writeFile(`${file}.new`, randomBytes(50_000));
    await fs.rename(`${file}.new`, file);
    const digests = await follower.finish();

    expect(digests.get("base.tar")).toEqual({ sha256: await sha256File(file), bytes: 50_000 });
  });
});

describe("writeChecksums", () => {
  it("uses a digest from the follower only while the file still has the size it was hashed at", async () => {
    await fs.writeFile(path.join(dir, "a.tar"), "aaaa");
    await fs.writeFile(path.join(dir, "b.tar"), "bbbb");
    const stale = { sha256: "0".repeat(64), bytes: 4 };
    const grown = { sha256: "1".repeat(64), bytes: 3 };
    await writeChecksums(
      dir,
      new Map([
        ["a.tar", stale],
        ["b.tar", grown],
      ]),
    );

    const sums = await fs.readFile(path.join(dir, "SHA256SUMS"), "utf8");
    // a.tar's size matches, so its digest is trusted as given; b.tar grew and is read again.
    expect(sums).toBe(`${"0".repeat(64)}  a.tar\n${await sha256File(path.join(dir, "b.tar"))}  b.tar\n`);
  });
});

describe("parseChecksums", () => {
  it("reads sha256sum's lines", () => {
    expect(parseChecksums("abc  base.tar\ndef  pg_wal.tar\n")).toEqual([
      { sha256: "abc", file: "base.tar" },
      { sha256: "def", file: "pg_wal.tar" },
    ]);
  });
});
