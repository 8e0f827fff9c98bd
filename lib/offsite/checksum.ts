import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Transform, Writable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";

// SHA-256 of what flows through a stream, counted on the way (one pass over a 10 GB file,
// not two). With an expected digest, the stream fails at its very end when the bytes differ,
// before its consumer sees the end: an upload fed by it is never completed, a download never
// renamed into place.

export class ChecksumMismatchError extends Error {
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${what} does not match its checksum: expected sha256 ${expected}, got ${actual}`);
    this.name = "ChecksumMismatchError";
  }
}

export class HashingStream extends Transform {
  private readonly hash: Hash = createHash("sha256");
  private digest: string | null = null;
  bytes = 0;

  constructor(private readonly expected?: { sha256: string; what: string }) {
    super();
  }

  /** The hex SHA-256 of everything that went through; only once the stream has ended. */
  get sha256(): string {
    if (this.digest === null) throw new Error("the checksum is known only once the stream has ended");
    return this.digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digest = this.hash.digest("hex");
    const { expected } = this;
    if (expected && expected.sha256.toLowerCase() !== this.digest) {
      callback(new ChecksumMismatchError(expected.what, expected.sha256.toLowerCase(), this.digest));
      return;
    }
    callback();
  }
}

/** Hex SHA-256 and size of a file, read once. */
export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const hashing = new HashingStream();
  await pipeline(
    createReadStream(path, { highWaterMark: 1024 * 1024 }),
    hashing,
    new Writable({
      // Only the digest is wanted: the bytes are dropped.
      write: (_chunk, _encoding, callback) => callback(),
    }),
  );
  return { sha256: hashing.sha256, bytes: hashing.bytes };
}

export const SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;
