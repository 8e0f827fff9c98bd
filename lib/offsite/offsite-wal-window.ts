import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";
import type { RestoreWindow } from "@/lib/schemas/restore-window";
import {
  computeWindowOver,
  listRestorableBackups,
  type RestoreWindowOptions,
} from "@/lib/wal/restore-window";
import { parseHistoryFile, type TimelineHistoryEntry } from "@/lib/wal/segments";
import { readSegmentCommits, type SegmentCommits } from "@/lib/wal/waldump";
import { AgeKeyError } from "./age";
import type { S3Repository } from "./s3-repository";
import { HISTORY, listOffsiteWal, SEGMENT, type OffsiteWalListing } from "./offsite-wal-listing";
import { offsiteWalPrefix } from "./stored-settings";


const AGE_MAGIC = "age-encryption.org/";

// The restorable window of the offsite copy alone (issue 14), for a restore planned once the
// local archive is gone and for the offsite part of GET …/restore-window. Its facts: the
// offsite WAL listing (object keys and sizes), the timeline history files, the backups with a
// succeeded offsite copy, and the commit times of the few segments that bound the window, each
// downloaded (checked against the SHA-256 the shipper stored with it, decrypted with the
// restore's identity when encrypted) into a private folder under WALDEN_HOME and read there
// with pg_waldump, exactly as the local archive is. Without the identity, an encrypted
// segment's commits are the ones the shipper read from its plaintext and stored in the
// object's metadata (offsite-ship.ts): a HeadObject, no download.

export class EncryptedWithoutIdentityError extends Error {
  constructor(key: string) {
    super(
      `${key} is encrypted with age: give the age identity (AGE-SECRET-KEY-1…) that opens the offsite copy`,
    );
    this.name = "EncryptedWithoutIdentityError";
  }
}

/**
 * A private folder of WAL fetched from offsite: each object downloaded once, renamed into place
 * only when whole and checked (getFile), decrypted when an identity is given.
 */
export class OffsiteWalFolder {
  /** Names fetched (or found already there) by this folder object. */
  readonly used = new Set<string>();

  constructor(
    private readonly repository: S3Repository,
    readonly prefix: string,
    readonly dir: string,
    private readonly identity?: string,
  ) {}

  /** Whether this folder can decrypt what it fetches (an identity was given). */
  get canDecrypt(): boolean {
    return this.identity !== undefined;
  }

  /**
   * The commits the shipper stored with `name` (read from its plaintext when it was shipped);
   * null for objects shipped before it did, or whose metadata does not read.
   */
  async storedCommits(name: string): Promise<SegmentCommits | null> {
    if (!SEGMENT.test(name)) throw new Error(`not a WAL segment name: ${name}`);
    const head = await this.repository.head(`${this.prefix}${name}`);
    return head?.walCommits ?? null;
  }

  /** The local path of `name`, downloaded when it is not there yet. */
  async fetch(name: string): Promise<string> {
    if (!SEGMENT.test(name) && !HISTORY.test(name)) throw new Error(`not a WAL file name: ${name}`);
    const file = path.join(this.dir, name);
    this.used.add(name);
    if (existsSync(file)) {
      // Touched, so the cache's pruning (prune) sees it as in use.
      const now = new Date();
      await fs.utimes(file, now, now).catch(() => {});
      return file;
    }
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const result = await this.repository.getFile(
      `${this.prefix}${name}`,
      file,
      this.identity ? { identity: this.identity } : {},
    );
    if (!result.decrypted && (await startsWithAgeMagic(file))) {
      await fs.rm(file, { force: true });
      throw new EncryptedWithoutIdentityError(`${this.prefix}${name}`);
    }
    return file;
  }

  /**
   * Removes what this folder object did not use and nobody touched for `idleMs` (a plan may be
   * reading it), so the lasting cache holds little more than the current window's reads.
   */
  async prune(idleMs = 10 * 60_000): Promise<void> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    for (const name of names.filter((name) => !this.used.has(name))) {
      const file = path.join(this.dir, name);
      const info = await fs.stat(file).catch(() => null);
      if (info && Date.now() - info.mtimeMs > idleMs) await fs.rm(file, { force: true });
    }
  }
}

async function startsWithAgeMagic(file: string): Promise<boolean> {
  const handle = await fs.open(file, "r");
  try {
    const head = Buffer.alloc(AGE_MAGIC.length);
    await handle.read(head, 0, head.length, 0);
    return head.toString("latin1") === AGE_MAGIC;
  } finally {
    await handle.close();
  }
}

/** Where a cluster's offsite WAL is fetched: a lasting cache, or a scratch folder of its own. */
export function offsiteWalDir(clusterId: string, scratch: boolean): string {
  const root = path.join(env().waldenHome, "offsite-cache");
  return path.join(root, scratch ? `${clusterId}.${randomUUID().slice(0, 8)}` : clusterId);
}

/**
 * `work` with a folder of the cluster's offsite WAL: the lasting cache for plain copies; with an
 * identity, a scratch folder removed afterwards however it ends (decrypted WAL must not outlive
 * the plan that needed it).
 */
export async function withOffsiteWalFolder<T>(
  repository: S3Repository,
  cluster: { id: string; name: string },
  identity: string | undefined,
  work: (folder: OffsiteWalFolder) => Promise<T>,
): Promise<T> {
  const dir = offsiteWalDir(cluster.id, identity !== undefined);
  const folder = new OffsiteWalFolder(repository, `${offsiteWalPrefix(cluster.name)}/`, dir, identity);
  try {
    return await work(folder);
  } finally {
    if (identity !== undefined) await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The offsite window: the listing's segments and histories, the backups copied offsite, commits read. */
export async function computeOffsiteWindow(
  cluster: { id: string; name: string },
  repository: S3Repository,
  folder: OffsiteWalFolder,
  options: RestoreWindowOptions & { listing?: OffsiteWalListing } = {},
): Promise<RestoreWindow> {
  const listing = options.listing ?? (await listOffsiteWal(repository, cluster.name));
  const problems: string[] = [];
  const histories = new Map<number, TimelineHistoryEntry[]>();
  for (const name of listing.historyNames) {
    try {
      histories.set(
        parseInt(name.slice(0, 8), 16),
        parseHistoryFile(await fs.readFile(await folder.fetch(name), "utf8")),
      );
    } catch (error) {
      if (error instanceof AgeKeyError || error instanceof EncryptedWithoutIdentityError) throw error;
      problems.push(`Timeline history file ${name} cannot be read from offsite: ${(error as Error).message}`);
    }
  }
  await fs.mkdir(folder.dir, { recursive: true, mode: 0o700 });
  const root = await fs.realpath(folder.dir);
  const objectSizes = new Map(listing.segments.map((segment) => [segment.name, segment.objectBytes]));
  const window = await computeWindowOver(
    {
      segmentSize: listing.segmentSize,
      segments: listing.segments,
      histories,
      readCommits: async (program, segment) => {
        // Encrypted and no identity: the commits the shipper read from the plaintext and stored
        // with the object; objects shipped before it did are downloaded (and refused, encrypted).
        const objectBytes = objectSizes.get(segment);
        if (!folder.canDecrypt && objectBytes !== undefined && objectBytes !== listing.segmentSize) {
          const stored = await folder.storedCommits(segment);
          if (stored) return stored;
        }
        await folder.fetch(segment);
        return readSegmentCommits({ program, root, segment });
      },
    },
    await listRestorableBackups(cluster.id, { offsite: true }),
    options,
  );
  return {
    clusterId: cluster.id,
    ...window,
    problems: [...problems, ...window.problems],
    archive: {
      path: `${repository.description}/${listing.prefix}`,
      segments: listing.segments.length,
      firstWal: listing.segments[0]?.name ?? null,
      lastWal: listing.segments.at(-1)?.name ?? null,
      segmentSize: listing.segmentSize,
      historyFiles: histories.size,
      partialFiles: 0,
      backupHistoryFiles: 0,
      ignoredFiles: listing.ignored,
      scannedAt: new Date().toISOString(),
    },
  };
}
