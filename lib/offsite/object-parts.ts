import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { AgeSealer } from "./age";
import { ChecksumMismatchError } from "./checksum";

// A local file as an object's parts, for putFile (put-file.ts): read once into buffers of the
// part size, hashed on the way and, when asked, sealed with age as it is read, so memory stays at
// one part being filled whatever the file's size.

/** Parts at least this big: S3's minimum is 5 MiB; fewer, larger parts mean fewer requests. */
export const MIN_PART_BYTES = 8 * 1024 * 1024;
/** S3 allows 10,000 parts; this leaves room for encryption's overhead and a growing file. */
const MAX_PARTS_PLANNED = 9_000;

export function partSizeFor(fileBytes: number): number {
  return Math.max(MIN_PART_BYTES, Math.ceil(fileBytes / MAX_PARTS_PLANNED / 1024 / 1024) * 1024 * 1024);
}

/** Plaintext read per call when encrypting: a whole number of age chunks. */
const READ_BYTES = 16 * AgeSealer.CHUNK_BYTES;

/** What was read and sent, known once the parts have all been taken. */
export interface ObjectTally {
  plaintextBytes: number;
  plaintextSha256: string | null;
  objectBytes: number;
  objectSha256: string | null;
}

/**
 * The object's bytes in parts of exactly `partSize` (the last one shorter), read from the file
 * straight into each part (plain) or sealed 64 KiB at a time and copied in (encrypted): one
 * copy at most, no stream stages. The plaintext's SHA-256 is checked at the end of the file,
 * before the last part is handed out, so a mismatching upload is never completed.
 */
export async function* objectParts(
  localPath: string,
  partSize: number,
  expected: { sha256: string; what: string },
  encryptTo: string | undefined,
  tally: ObjectTally,
): AsyncGenerator<Buffer> {
  const plainHash = createHash("sha256");
  // Plain, the object is the file: one hash serves both.
  const objectHash = encryptTo ? createHash("sha256") : null;
  const handle = await fs.open(localPath, "r");
  let part = Buffer.allocUnsafe(partSize);
  let filled = 0;
  const finishPart = () => {
    const full = filled === part.length ? part : part.subarray(0, filled);
    objectHash?.update(full);
    tally.objectBytes += full.length;
    part = Buffer.allocUnsafe(partSize);
    filled = 0;
    return full;
  };
  const checkPlaintext = () => {
    tally.plaintextSha256 = plainHash.digest("hex");
    if (tally.plaintextSha256 !== expected.sha256)
      throw new ChecksumMismatchError(expected.what, expected.sha256, tally.plaintextSha256);
  };
  try {
    if (!encryptTo) {
      for (;;) {
        const { bytesRead } = await handle.read(part, filled, partSize - filled, null);
        plainHash.update(part.subarray(filled, filled + bytesRead));
        filled += bytesRead;
        tally.plaintextBytes += bytesRead;
        if (bytesRead === 0) break;
        if (filled === partSize) yield finishPart();
      }
      checkPlaintext();
      tally.objectSha256 = tally.plaintextSha256;
      if (filled > 0) yield finishPart();
      return;
    }
    const sealer = new AgeSealer([encryptTo]);
    const CHUNK = AgeSealer.CHUNK_BYTES;
    // Sealed bytes into the current part, handing out each part as it fills.
    const pending: Buffer[] = [];
    const append = function* (data: Buffer): Generator<Buffer> {
      let at = 0;
      while (at < data.length) {
        const n = Math.min(data.length - at, partSize - filled);
        data.copy(part, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === partSize) yield finishPart();
      }
    };
    pending.push(sealer.prefix);
    // One chunk more than a read: a full chunk is sealed only once a byte after it is known.
    const plain = Buffer.allocUnsafe(READ_BYTES + CHUNK);
    let have = 0;
    for (;;) {
      const { bytesRead } = await handle.read(plain, have, READ_BYTES, null);
      plainHash.update(plain.subarray(have, have + bytesRead));
      tally.plaintextBytes += bytesRead;
      have += bytesRead;
      let at = 0;
      while (have - at > CHUNK) {
        pending.push(...sealer.seal(plain.subarray(at, at + CHUNK), false));
        at += CHUNK;
      }
      if (bytesRead === 0) {
        checkPlaintext();
        pending.push(...sealer.seal(plain.subarray(at, have), true));
      } else {
        plain.copy(plain, 0, at, have);
        have -= at;
      }
      for (const data of pending) yield* append(data);
      pending.length = 0;
      if (bytesRead === 0) break;
    }
    if (filled > 0) yield finishPart();
  } finally {
    await handle.close();
    if (objectHash && tally.plaintextSha256 !== null) tally.objectSha256 = objectHash.digest("hex");
  }
}
