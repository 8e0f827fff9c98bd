import { constants, existsSync } from "node:fs";
import { access, realpath, stat } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { LOCK_NAMESPACE } from "@/lib/clusters/sampler-lock";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { retryWithBackoff, type RetryOptions } from "@/lib/offsite/retry";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { isRetryable } from "@/lib/offsite/storage-errors";
import { getOffsiteSettings, offsiteWalPrefix } from "@/lib/offsite/stored-settings";
import type { WaldenObjectMetadata } from "@/lib/offsite/object-metadata";
import { toolPath } from "@/lib/tools/binaries";
import { scanArchive, type ArchivedSegment } from "./archive";
import { readSealedFacts, SEALED_SUFFIX } from "./sealed-names";
import { historyFileName } from "./segments";
import { readSegmentCommits } from "./waldump";

// offsite.ship, after each archive scan: every archived segment not yet in the offsite
// repository goes up (streamed by putFile, encrypted when the repository says so), in WAL
// order, and the newest shipped segment per timeline is recorded (offsite_wal_positions) after
// each one, so a run cut short resumes where it stopped. Timeline history files go up until
// their timeline has a position marked as holding them. Positions only move forward.
//
// One run per cluster at a time, on any worker: a run holds a session advisory lock on the
// catalog, and a run that finds it held returns at once (skipped) — the run holding it ships
// what is archived, and the next archive scan queues another. The first run (no position yet)
// starts from the oldest WAL a physical backup needs (its start segment), not the whole
// archive: older WAL restores nothing.
//
// Each segment goes up with its commits' summary in the object's metadata (how many, the first
// and the last: xid, LSN, time), read from the plaintext here with pg_waldump (cached: the
// archive scan has usually read it already), so that the offsite window of an encrypted
// repository is known without its key (offsite-wal-window.ts). A segment pg_waldump cannot read
// still goes up, without them.
//
// A segment sealed at rest (sealed-wal.ts) goes up as it is stored, its `.age` bytes under the
// segment's own key, never encrypted twice: the object says it is age-encrypted to the local
// recipient, with the plaintext's SHA-256 and the commits its facts file kept, so readers of
// the offsite WAL (window, restore with the key) take it as an encrypted segment. A segment
// the run listed plain and the sealer sealed before it was read goes up sealed (putSegment).

export interface ShipOptions {
  retry?: Omit<RetryOptions, "onRetry">;
  log?: (line: string) => void;
  /** Awaited after each file is offsite (tests hold a run there). */
  afterFile?: (file: string) => Promise<void> | void;
  /** Awaited before a segment listed plain is uploaded, its commits read (tests seal it there). */
  beforeUpload?: (segment: string) => Promise<void> | void;
}

export interface ShipResult {
  segments: string[];
  histories: string[];
  /** Why nothing was shipped: another run of this cluster holds the lock. */
  skipped?: string;
}

/** The cluster's shipping lock, held by one session; null when another session holds it. */
async function takeShipLock(clusterId: string): Promise<{ release(): Promise<void> } | null> {
  const session = new pg.Client({ connectionString: env().DATABASE_URL, application_name: "walden-ship" });
  session.on("error", () => {});
  await session.connect();
  try {
    const { rows } = await session.query<{ locked: boolean }>(
      "select pg_try_advisory_lock($1, hashtext($2)) as locked",
      [LOCK_NAMESPACE, `offsite.ship:${clusterId}`],
    );
    if (rows[0]?.locked !== true) {
      await session.end();
      return null;
    }
  } catch (error) {
    await session.end().catch(() => {});
    throw error;
  }
  // Ending the session releases the lock, whatever happened in between.
  return { release: () => session.end().catch(() => {}) };
}

/** The oldest start segment of a physical backup that a restore may still use (kept here or offsite). */
async function oldestNeededWal(clusterId: string): Promise<string | null> {
  const backups = await db().backup.findMany({
    where: {
      clusterId,
      kind: "physical",
      startWal: { not: null },
      OR: [{ status: "succeeded" }, { copies: { some: { repository: "s3", status: "succeeded" } } }],
    },
    select: { startWal: true },
  });
  // By position, then timeline: the name's last 16 characters are the segment number.
  return (
    backups
      .map((backup) => backup.startWal!)
      .sort((a, b) => a.slice(8).localeCompare(b.slice(8)) || a.localeCompare(b))[0] ?? null
  );
}

const isFile = (file: string) =>
  stat(file).then(
    (info) => info.isFile(),
    () => false,
  );

export async function shipWalOffsite(clusterId: string, options: ShipOptions = {}): Promise<ShipResult> {
  const result: ShipResult = { segments: [], histories: [] };
  const cluster = await db().cluster.findUnique({ where: { id: clusterId } });
  const settings = cluster?.archivePath ? await getOffsiteSettings(clusterId) : null;
  if (!cluster?.archivePath || !settings) return result;
  const lock = await takeShipLock(clusterId);
  if (!lock) return { ...result, skipped: "another offsite.ship of this cluster is running" };
  try {
    return await ship(clusterId, cluster.name, cluster.archivePath, settings, options);
  } finally {
    await lock.release();
  }
}

/** pg_waldump beside the server programs; null when absent (segments then go up without commit times). */
async function locateWaldump(): Promise<string | null> {
  const program = toolPath("pg_waldump");
  return access(program, constants.X_OK).then(
    () => program,
    () => null,
  );
}

async function ship(
  clusterId: string,
  clusterName: string,
  archivePath: string,
  settings: NonNullable<Awaited<ReturnType<typeof getOffsiteSettings>>>,
  options: ShipOptions,
): Promise<ShipResult> {
  const result: ShipResult = { segments: [], histories: [] };
  const scan = await scanArchive(archivePath);
  const positions = new Map(
    (await db().offsiteWalPosition.findMany({ where: { clusterId } })).map((row) => [row.timeline, row]),
  );
  const startFrom = positions.size === 0 ? await oldestNeededWal(clusterId) : null;
  const beforeStart = (segment: { name: string; timeline: number }) =>
    startFrom !== null &&
    segment.name.slice(8) < startFrom.slice(8) &&
    segment.timeline <= parseInt(startFrom.slice(0, 8), 16);
  const prefix = offsiteWalPrefix(clusterName);
  const encryptTo = settings.encryption?.enabled ? settings.encryption.recipient : undefined;
  const log = options.log ?? (() => {});
  const repository = new S3Repository(settings);
  const root = await realpath(scan.root);
  const waldump = await locateWaldump();
  /** The segment's commits for its metadata; none when they cannot be read (logged). */
  const commitsOf = async (segment: string): Promise<Pick<WaldenObjectMetadata, "walCommits">> => {
    if (!waldump) return {};
    try {
      return { walCommits: await readSegmentCommits({ program: waldump, root, segment }) };
    } catch (error) {
      log(`shipping ${segment} without its commit times: ${(error as Error).message}`);
      return {};
    }
  };
  const put = (
    file: string,
    metadata: Pick<WaldenObjectMetadata, "walCommits"> = {},
    sealed?: { recipient: string; plaintextSha256: string },
  ) => {
    const local = path.join(scan.root, sealed ? `${file}${SEALED_SUFFIX}` : file);
    return retryWithBackoff(
      () =>
        repository.putFile(local, `${prefix}/${file}`, {
          ...(sealed ? { sealed } : { encryptTo }),
          metadata,
        }),
      {
        ...options.retry,
        // A file gone from the archive (sealed meanwhile) is no storage trouble: no wait, no retry.
        retryable: (error) => (options.retry?.retryable ?? isRetryable)(error) && existsSync(local),
        onRetry: ({ attempt, error, delayMs }) =>
          log(
            `shipping ${file}: try ${attempt} failed (${(error as Error).message}); again in ${delayMs} ms`,
          ),
      },
    );
  };
  const putSealed = async (name: string) => {
    const facts = await readSealedFacts(scan.root, name);
    const archivedAt = (await stat(path.join(scan.root, `${name}${SEALED_SUFFIX}`))).mtime;
    await put(name, facts.commits ? { walCommits: facts.commits } : {}, {
      recipient: facts.recipient,
      plaintextSha256: facts.sha256,
    });
    return archivedAt;
  };
  /** Uploads the segment as it is held now; returns when it was archived (its file's mtime). */
  const putSegment = async (segment: ArchivedSegment): Promise<Date> => {
    if (segment.form === "sealed") return putSealed(segment.name);
    // Listed plain, it may be sealed before it is read (the plaintext removed): it then goes
    // up sealed. A sealed segment never turns plain again, so this is the only way round.
    try {
      const archivedAt = (await stat(path.join(scan.root, segment.name))).mtime;
      const commits = await commitsOf(segment.name);
      await options.beforeUpload?.(segment.name);
      await put(segment.name, commits);
      return archivedAt;
    } catch (error) {
      // By what is on disk, not the error's code: a read inside the upload reports it wrapped.
      const resealed =
        !(await isFile(path.join(scan.root, segment.name))) &&
        (await isFile(path.join(scan.root, `${segment.name}${SEALED_SUFFIX}`)));
      if (!resealed) throw error;
      log(`${segment.name} was sealed at rest while this run listed it: shipped sealed`);
      return putSealed(segment.name);
    }
  };
  try {
    for (const timeline of scan.histories.keys()) {
      if (positions.get(timeline)?.historyShipped) continue;
      const file = historyFileName(timeline);
      await put(file);
      await db().offsiteWalPosition.updateMany({
        where: { clusterId, timeline },
        data: { historyShipped: true },
      });
      result.histories.push(file);
      await options.afterFile?.(file);
    }
    for (const segment of scan.segments) {
      const position = positions.get(segment.timeline);
      if (position && position.lastSegment >= segment.name) continue;
      if (!position && beforeStart(segment)) continue;
      const archivedAt = await putSegment(segment);
      const historyShipped = scan.histories.has(segment.timeline) || segment.timeline === 1;
      await db().offsiteWalPosition.upsert({
        where: { clusterId_timeline: { clusterId, timeline: segment.timeline } },
        create: {
          clusterId,
          timeline: segment.timeline,
          lastSegment: segment.name,
          lastSegmentArchivedAt: archivedAt,
          historyShipped,
        },
        update: {},
      });
      // Forward only: a concurrent run that shipped further keeps its position.
      await db().offsiteWalPosition.updateMany({
        where: { clusterId, timeline: segment.timeline, lastSegment: { lt: segment.name } },
        data: {
          lastSegment: segment.name,
          lastSegmentArchivedAt: archivedAt,
          historyShipped,
          shippedAt: new Date(),
        },
      });
      positions.set(segment.timeline, {
        clusterId,
        timeline: segment.timeline,
        lastSegment: segment.name,
        lastSegmentArchivedAt: archivedAt,
        historyShipped,
        shippedAt: new Date(),
      });
      result.segments.push(segment.name);
      await options.afterFile?.(segment.name);
    }
  } finally {
    repository.close();
  }
  return result;
}
