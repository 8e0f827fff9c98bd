import crypto from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import {
  AgeFormatError,
  chachaOpen,
  encodeHeader,
  hkdf,
  MAX_HEADER_BYTES,
  parseHeader,
  unwrapFileKey,
} from "./header";
import { parseIdentities } from "./keys";

// The age v1 payload: a 16-byte nonce, then the plaintext in 64 KiB chunks, each sealed with
// ChaCha20-Poly1305 under a key derived from the file key and that nonce (the STREAM
// construction: an 11-byte big-endian chunk counter and a last-chunk flag as the nonce), so a
// chunk cannot be dropped, reordered or cut off unnoticed. Both directions hold at most a
// chunk or two in memory, whatever the size of the file.

const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;
const NONCE_BYTES = 16;

function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  // 11 bytes of counter; 2^53 chunks of 64 KiB is far beyond any file.
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Bytes queued until a whole chunk can be taken. */
class ByteQueue {
  private parts: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.parts.push(chunk);
    this.length += chunk.length;
  }

  /** The first `count` bytes, removed from the queue. */
  take(count: number): Buffer {
    // Copies only when the bytes span several parts (input chunks of 64 KiB rarely do).
    const first = this.parts[0];
    if (first && first.length >= count) {
      if (first.length === count) this.parts.shift();
      else this.parts[0] = first.subarray(count);
      this.length -= count;
      return first.subarray(0, count);
    }
    const taken: Buffer[] = [];
    let needed = count;
    while (needed > 0 && this.parts.length) {
      const part = this.parts[0]!;
      if (part.length <= needed) {
        taken.push(part);
        this.parts.shift();
        needed -= part.length;
      } else {
        taken.push(part.subarray(0, needed));
        this.parts[0] = part.subarray(needed);
        needed = 0;
      }
    }
    this.length -= count - needed;
    return Buffer.concat(taken, count - needed);
  }

  takeAll(): Buffer {
    return this.take(this.length);
  }
}

/**
 * The age payload sealed chunk by chunk, for callers that cut the plaintext themselves (putFile
 * reads a file straight into 64 KiB chunks and copies each sealed one into the part it sends):
 * no stream stage, no queue. `prefix` (the header and the payload nonce) comes first; then
 * `seal` each full chunk of exactly 64 KiB in order, and the last one (short, full or empty)
 * with `last` set — a chunk may be sealed as the last only when nothing follows it.
 */
export class AgeSealer {
  static readonly CHUNK_BYTES = CHUNK_BYTES;
  /** The header and the payload nonce: the ciphertext's first bytes. */
  readonly prefix: Buffer;
  private readonly payloadKey: Buffer;
  private readonly nonce = Buffer.alloc(12);
  private counter = 0;
  private done = false;

  constructor(recipients: string[]) {
    const fileKey = crypto.randomBytes(16);
    const payloadNonce = crypto.randomBytes(NONCE_BYTES);
    this.prefix = Buffer.concat([encodeHeader(fileKey, recipients), payloadNonce]);
    this.payloadKey = hkdf(fileKey, payloadNonce, "payload");
  }

  /** The sealed chunk: its ciphertext, then its 16-byte tag (write both, in that order). */
  seal(plaintext: Uint8Array, last: boolean): [Buffer, Buffer] {
    if (this.done) throw new Error("age: a chunk was sealed after the last one");
    if (!last && plaintext.length !== CHUNK_BYTES)
      throw new Error(`age: only the last chunk may be shorter than ${CHUNK_BYTES} bytes`);
    this.done = last;
    // 11 bytes of counter (2^48 chunks of 64 KiB is far beyond any file), then the last-chunk flag.
    this.nonce.writeUIntBE(this.counter++, 5, 6);
    this.nonce[11] = last ? 1 : 0;
    const cipher = crypto.createCipheriv("chacha20-poly1305", this.payloadKey, this.nonce, {
      authTagLength: TAG_BYTES,
    });
    const ciphertext = cipher.update(plaintext);
    cipher.final();
    return [ciphertext, cipher.getAuthTag()];
  }
}

/** Encrypts to `recipients` ("age1…") in the binary age format that `age -d` reads. */
export class AgeEncryptStream extends Transform {
  private readonly sealer: AgeSealer;
  private readonly pending = new ByteQueue();
  private started = false;

  constructor(recipients: string[]) {
    super();
    this.sealer = new AgeSealer(recipients);
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.push(this.sealer.prefix);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.start();
    this.pending.push(chunk);
    // Strictly more than a chunk: only then is the chunk surely not the last one. The chunks
    // sealed from one input go out as one buffer: fewer, larger pieces downstream.
    const sealed: Buffer[] = [];
    while (this.pending.length > CHUNK_BYTES)
      sealed.push(...this.sealer.seal(this.pending.take(CHUNK_BYTES), false));
    if (sealed.length) this.push(Buffer.concat(sealed));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.start();
    // The last chunk: short, full, or empty when the whole plaintext is.
    this.push(Buffer.concat(this.sealer.seal(this.pending.takeAll(), true)));
    callback();
  }
}

/**
 * Decrypts a binary age file with one of the identities in `identityText` (a key file as
 * `age-keygen` writes it, or one "AGE-SECRET-KEY-1…" line). Fails on a wrong key, a changed
 * header, a damaged chunk and a cut-off end, never yielding the plaintext of a damaged chunk.
 */
export class AgeDecryptStream extends Transform {
  private readonly secrets: Buffer[];
  private readonly pending = new ByteQueue();
  private payloadKey: Buffer | null = null;
  private counter = 0;

  constructor(identityText: string) {
    super();
    this.secrets = parseIdentities(identityText);
  }

  /** Reads the header and the payload nonce once they are all there; false until then. */
  private readHeader(): boolean {
    if (this.payloadKey) return true;
    const data = this.pending.takeAll();
    this.pending.push(data);
    const header = parseHeader(data);
    if (!header && data.length > MAX_HEADER_BYTES)
      throw new AgeFormatError("no age header end found in the first 64 KiB");
    if (!header || data.length < header.length + NONCE_BYTES) return false;
    const fileKey = unwrapFileKey(header, this.secrets);
    this.pending.take(header.length);
    this.payloadKey = hkdf(fileKey, this.pending.take(NONCE_BYTES), "payload");
    return true;
  }

  private open(sealed: Buffer, last: boolean): void {
    const plaintext = chachaOpen(this.payloadKey!, chunkNonce(this.counter, last), sealed);
    if (!plaintext) {
      throw new AgeFormatError(
        `the encrypted data is damaged or cut off (chunk ${this.counter + 1} failed authentication)`,
      );
    }
    if (last && plaintext.length === 0 && this.counter > 0) {
      throw new AgeFormatError("the encrypted data ends with an empty chunk, which age never writes");
    }
    this.counter++;
    this.push(plaintext);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.pending.push(chunk);
      if (this.readHeader()) {
        while (this.pending.length > SEALED_CHUNK_BYTES)
          this.open(this.pending.take(SEALED_CHUNK_BYTES), false);
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (!this.readHeader()) throw new AgeFormatError("the file ends inside its age header (cut off?)");
      if (this.pending.length < TAG_BYTES) {
        throw new AgeFormatError("the encrypted data is cut off (no final chunk)");
      }
      this.open(this.pending.takeAll(), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}
