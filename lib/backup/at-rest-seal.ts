import { createHash } from "node:crypto";
import fs, { type FileHandle } from "node:fs/promises";
import path from "node:path";
import { FileFollower, writeChecksumList, type FollowSink, type KnownDigest } from "@/lib/backup/checksum";
import { fsyncPath, PRIVATE_FILE_MODE } from "@/lib/fs-private";
import { AgeSealer } from "@/lib/offsite/age";
import { AGE_SUFFIX, CIPHERTEXT_SUMS } from "./at-rest";

// How a backup's files become `<file>.age` (lib/backup/at-rest.ts says what and why): each
// plaintext byte is read once, hashed into SHA256SUMS, sealed in age's 64 KiB chunks and
// written; the ciphertext is hashed as it is written into SHA256SUMS.ciphertext. A physical
// backup's tars are sealed while pg_basebackup writes them (SealingFollower), the rest once the
// program has exited. The plaintext is removed as soon as its .age is whole; it is never fsynced
// (pg_basebackup runs with --no-sync then), so it usually leaves the page cache unwritten.

const CHUNK = AgeSealer.CHUNK_BYTES;
/** Plaintext read per call when sealing a whole file: 16 age chunks. */
const READ_BYTES = 16 * CHUNK;

/** Files that stay plain beside the ciphertext: the lists and the descriptor. */
const PLAIN_FILES = new Set(["SHA256SUMS", CIPHERTEXT_SUMS, "walden.json"]);

export interface SealedDigests {
  plain: KnownDigest;
  sealedSha256: string;
}

/** One `<file>.age` being written: plaintext in (any sizes, in order), age v1 out. */
export class SealedFile implements FollowSink {
  private readonly plainHash = createHash("sha256");
  private readonly sealedHash = createHash("sha256");
  private readonly sealer: AgeSealer;
  /** Plaintext not sealed yet: a chunk is sealed only once it is known not to be the last. */
  private readonly held = Buffer.allocUnsafe(CHUNK);
  private heldBytes = 0;
  private plainBytes = 0;
  private closed = false;

  private constructor(
    private readonly target: string,
    private readonly handle: FileHandle,
    recipient: string,
  ) {
    this.sealer = new AgeSealer([recipient]);
  }

  /** Creates `target` (private; it must not exist) and writes the age header. */
  static async create(target: string, recipient: string): Promise<SealedFile> {
    const handle = await fs.open(target, "wx", PRIVATE_FILE_MODE);
    const file = new SealedFile(target, handle, recipient);
    await file.write([file.sealer.prefix]);
    return file;
  }

  async update(chunk: Buffer): Promise<void> {
    this.plainHash.update(chunk);
    this.plainBytes += chunk.length;
    const sealed: Buffer[] = [];
    let at = 0;
    if (this.heldBytes > 0) {
      at = Math.min(CHUNK - this.heldBytes, chunk.length);
      chunk.copy(this.held, this.heldBytes, 0, at);
      this.heldBytes += at;
      if (at === chunk.length) return;
      // More follows the held chunk, which is full now: it is not the last.
      sealed.push(...this.sealer.seal(this.held, false));
      this.heldBytes = 0;
    }
    for (; chunk.length - at > CHUNK; at += CHUNK)
      sealed.push(...this.sealer.seal(chunk.subarray(at, at + CHUNK), false));
    // Up to one chunk is held (copied: the caller reuses its buffer).
    this.heldBytes = chunk.copy(this.held, 0, at);
    await this.write(sealed);
  }

  /** Seals the last chunk and closes the file (fsynced later with the whole folder). */
  async finish(): Promise<SealedDigests> {
    await this.write(this.sealer.seal(this.held.subarray(0, this.heldBytes), true));
    this.closed = true;
    await this.handle.close();
    return {
      plain: { sha256: this.plainHash.digest("hex"), bytes: this.plainBytes },
      sealedSha256: this.sealedHash.digest("hex"),
    };
  }

  async discard(): Promise<void> {
    if (!this.closed) await this.handle.close();
    this.closed = true;
    await fs.rm(this.target, { force: true });
  }

  private async write(buffers: Buffer[]): Promise<void> {
    if (!buffers.length) return;
    let total = 0;
    for (const buffer of buffers) {
      this.sealedHash.update(buffer);
      total += buffer.length;
    }
    const { bytesWritten } = await this.handle.writev(buffers);
    if (bytesWritten === total) return;
    // A short write (rare on a file): the rest, in order.
    const rest = Buffer.concat(buffers).subarray(bytesWritten);
    for (let done = 0; done < rest.length;) done += (await this.handle.write(rest, done)).bytesWritten;
  }
}

/** Seals a whole plaintext file into `target` (`<file>.age` unless given), reading it once. */
export async function sealWholeFile(
  plain: string,
  recipient: string,
  target = `${plain}${AGE_SUFFIX}`,
): Promise<SealedDigests> {
  const sealed = await SealedFile.create(target, recipient);
  const handle = await fs.open(plain, "r");
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, null);
      if (bytesRead === 0) break;
      await sealed.update(buffer.subarray(0, bytesRead));
    }
    return await sealed.finish();
  } catch (error) {
    await sealed.discard();
    throw error;
  } finally {
    await handle.close();
  }
}

/** A backup folder's data files (relative paths, sorted): every file but the plain lists and descriptor. */
async function dataFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.relative(dir, path.join(entry.parentPath, entry.name));
    if (!PLAIN_FILES.has(file)) files.push(file);
  }
  return files.sort();
}

/**
 * Seals every plaintext data file of `dir` into `<file>.age`: those in `sealing` (followed while
 * written) are finished, the others sealed now. Then writes SHA256SUMS (the plaintext's) and
 * SHA256SUMS.ciphertext, removes the plaintext and fsyncs the folder's names. Returns the
 * checksum of SHA256SUMS (the backup's checksum) and the number of files sealed.
 */
export async function sealFolder(
  dir: string,
  recipient: string,
  sealing: ReadonlyMap<string, SealedFile> = new Map(),
): Promise<{ checksum: string; files: number }> {
  const ours = new Set([...sealing.keys()].map((file) => `${file}${AGE_SUFFIX}`));
  const plainFiles = (await dataFiles(dir)).filter((file) => !ours.has(file));
  // A followed file that is gone (pg_basebackup never removes one) leaves no stray .age.
  for (const [file, sealed] of sealing) if (!plainFiles.includes(file)) await sealed.discard();
  const digests = new Map<string, SealedDigests>();
  for (const file of plainFiles) {
    const followed = sealing.get(file);
    digests.set(
      file,
      followed ? await followed.finish() : await sealWholeFile(path.join(dir, file), recipient),
    );
  }
  const checksum = await writeChecksumList(
    path.join(dir, "SHA256SUMS"),
    plainFiles.map((file) => ({ sha256: digests.get(file)!.plain.sha256, file })),
  );
  await writeChecksumList(
    path.join(dir, CIPHERTEXT_SUMS),
    plainFiles.map((file) => ({ sha256: digests.get(file)!.sealedSha256, file: `${file}${AGE_SUFFIX}` })),
  );
  for (const file of plainFiles) await fs.rm(path.join(dir, file));
  await fsyncPath(dir);
  return { checksum, files: plainFiles.length };
}

/** Seals a physical backup's tars while pg_basebackup writes them (see FileFollower). */
export class SealingFollower {
  private readonly follower: FileFollower<SealedFile>;

  constructor(
    private readonly dir: string,
    private readonly recipient: string,
    appendOnly: (name: string) => boolean,
  ) {
    this.follower = new FileFollower(dir, appendOnly, (name) =>
      SealedFile.create(path.join(dir, `${name}${AGE_SUFFIX}`), recipient),
    );
  }

  start(): this {
    this.follower.start();
    return this;
  }

  /** Stops following (the program failed); what was sealed so far is removed. */
  stop(): Promise<void> {
    return this.follower.stop();
  }

  /** Once the program has exited: sealFolder with the followed tars finished, not read again. */
  async finish(): Promise<{ checksum: string; files: number }> {
    const sealing = await this.follower.finish();
    try {
      return await sealFolder(this.dir, this.recipient, sealing);
    } catch (error) {
      for (const sealed of sealing.values()) await sealed.discard().catch(() => {});
      throw error;
    }
  }
}
