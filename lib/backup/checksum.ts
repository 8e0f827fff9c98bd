import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** A digest computed while the file was written: valid only if the file still has `bytes` bytes. */
export interface KnownDigest {
  sha256: string;
  bytes: number;
}

/**
 * Writes SHA256SUMS (sha256sum's format, so `sha256sum -c SHA256SUMS` checks it by hand) for
 * every file below `dir`, and returns the SHA-256 of that list: one value that changes if any
 * file does. Files in `known` (by path relative to `dir`) whose size still matches are not
 * read again.
 */
export async function writeChecksums(dir: string, known = new Map<string, KnownDigest>()): Promise<string> {
  const files: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name !== "SHA256SUMS")
      files.push(path.relative(dir, path.join(entry.parentPath, entry.name)));
  }
  files.sort();
  const entries: { sha256: string; file: string }[] = [];
  for (const file of files) {
    const full = path.join(dir, file);
    const digest = known.get(file);
    const reuse = digest && (await fs.stat(full)).size === digest.bytes;
    entries.push({ sha256: reuse ? digest.sha256 : await sha256File(full), file });
  }
  return writeChecksumList(path.join(dir, "SHA256SUMS"), entries);
}

/** Writes a list in sha256sum's format (entries in the order given) and returns its SHA-256. */
export async function writeChecksumList(
  target: string,
  entries: readonly { sha256: string; file: string }[],
): Promise<string> {
  const list = entries.map(({ sha256, file }) => `${sha256}  ${file}`).join("\n") + "\n";
  await fs.writeFile(target, list, { mode: 0o600 });
  return createHash("sha256").update(list).digest("hex");
}

/** The entries of a SHA256SUMS list as writeChecksums writes it ("<sha256>  <file>" per line). */
export function parseChecksums(text: string): { sha256: string; file: string }[] {
  return text
    .trim()
    .split("\n")
    .map((line) => line.split(/ {2}/))
    .filter((parts): parts is [string, string] => Boolean(parts[0] && parts[1]))
    .map(([sha256, file]) => ({ sha256, file }));
}

const READ_CHUNK = 1 << 20;

/** Where a follower feeds a followed file's bytes, in order: a hash, an encrypting writer. */
export interface FollowSink {
  update(chunk: Buffer): void | Promise<void>;
  /** The file was replaced or shrank, or following stopped without a result: drop what was fed. */
  discard(): Promise<void>;
}

interface Followed<S> {
  sink: S;
  bytes: number;
  inode: number;
}

/**
 * Feeds the bytes of files in `dir` to a sink per file while another program writes them, so
 * that what a backup does with its bytes (SHA-256, encryption) costs no second read of gigabytes
 * after the program exits (the bytes are read from the page cache moments after they were
 * written, on the core the program leaves idle). Only for files the writer strictly appends to
 * — `appendOnly` picks them by name: a file rewritten in place would be fed wrong bytes. A file
 * that is replaced (new inode) or shrinks is fed again from its start to a new sink.
 */
export class FileFollower<S extends FollowSink> {
  private readonly files = new Map<string, Followed<S>>();
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly dir: string,
    private readonly appendOnly: (name: string) => boolean,
    private readonly newSink: (name: string) => S | Promise<S>,
    private readonly intervalMs = 100,
  ) {}

  start(): this {
    const tick = () => {
      this.pass = this.readNewBytes().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.timer = setTimeout(tick, this.intervalMs);
    return this;
  }

  /** Call once the writer has exited: feeds what is left and returns the sinks by file name. */
  async finish(): Promise<Map<string, S>> {
    await this.halt();
    await this.readNewBytes();
    return new Map([...this.files].map(([name, file]) => [name, file.sink]));
  }

  /** Stops following without a result (the writer failed): every sink is discarded. */
  async stop(): Promise<void> {
    await this.halt();
    for (const file of this.files.values()) await file.sink.discard().catch(() => {});
  }

  private async halt(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pass.catch(() => {});
  }

  private async readNewBytes(): Promise<void> {
    const entries = await fs.readdir(this.dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile() || !this.appendOnly(entry.name)) continue;
      const full = path.join(this.dir, entry.name);
      const handle = await fs.open(full, "r").catch(() => null);
      if (!handle) continue;
      try {
        const { size, ino } = await handle.stat();
        let file = this.files.get(entry.name);
        if (!file || file.inode !== ino || size < file.bytes) {
          await file?.sink.discard();
          file = { sink: await this.newSink(entry.name), bytes: 0, inode: ino };
          this.files.set(entry.name, file);
        }
        const buffer = Buffer.allocUnsafe(READ_CHUNK);
        while (file.bytes < size) {
          const { bytesRead } = await handle.read(
            buffer,
            0,
            Math.min(READ_CHUNK, size - file.bytes),
            file.bytes,
          );
          if (bytesRead === 0) break;
          // The sink is done with the bytes when this resolves: the buffer is read into again.
          await file.sink.update(buffer.subarray(0, bytesRead));
          file.bytes += bytesRead;
        }
      } finally {
        await handle.close();
      }
    }
  }
}

class HashSink implements FollowSink {
  readonly hash = createHash("sha256");
  bytes = 0;
  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }
  async discard(): Promise<void> {}
}

/** A FileFollower that hashes: SHA256SUMS of the followed files without reading them again. */
export class AppendFollower {
  private readonly follower: FileFollower<HashSink>;

  constructor(dir: string, appendOnly: (name: string) => boolean, intervalMs = 100) {
    this.follower = new FileFollower(dir, appendOnly, () => new HashSink(), intervalMs);
  }

  start(): this {
    this.follower.start();
    return this;
  }

  /** Call once the writer has exited: reads what is left and returns the digests by file name. */
  async finish(): Promise<Map<string, KnownDigest>> {
    const sinks = await this.follower.finish();
    return new Map(
      [...sinks].map(([name, sink]) => [name, { sha256: sink.hash.digest("hex"), bytes: sink.bytes }]),
    );
  }

  /** Stops following without a result (the writer failed). */
  stop(): Promise<void> {
    return this.follower.stop();
  }
}
