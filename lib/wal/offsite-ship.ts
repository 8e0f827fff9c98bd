import { stat } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db";
import { retryWithBackoff, type RetryOptions } from "@/lib/offsite/retry";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { getOffsiteSettings, offsiteWalPrefix } from "@/lib/offsite/stored-settings";
import { scanArchive } from "./archive";
import { historyFileName } from "./segments";

// offsite.ship, after each archive scan: every archived segment not yet in the offsite
// repository goes up (streamed by putFile, encrypted when the repository says so), in WAL
// order, and the newest shipped segment per timeline is recorded (offsite_wal_positions) after
// each one, so a run cut short resumes where it stopped. Timeline history files go up until
// their timeline has a position marked as holding them. Positions only move forward: two runs
// at once may send a segment twice (the same bytes, an atomic PUT), never lose one.

export interface ShipOptions {
  retry?: Omit<RetryOptions, "onRetry">;
  log?: (line: string) => void;
}

export interface ShipResult {
  segments: string[];
  histories: string[];
}

export async function shipWalOffsite(clusterId: string, options: ShipOptions = {}): Promise<ShipResult> {
  const result: ShipResult = { segments: [], histories: [] };
  const cluster = await db().cluster.findUnique({ where: { id: clusterId } });
  const settings = cluster?.archivePath ? await getOffsiteSettings(clusterId) : null;
  if (!cluster?.archivePath || !settings) return result;

  const scan = await scanArchive(cluster.archivePath);
  const positions = new Map(
    (await db().offsiteWalPosition.findMany({ where: { clusterId } })).map((row) => [row.timeline, row]),
  );
  const prefix = offsiteWalPrefix(cluster.name);
  const encryptTo = settings.encryption?.enabled ? settings.encryption.recipient : undefined;
  const log = options.log ?? (() => {});
  const repository = new S3Repository(settings);
  const put = (file: string) =>
    retryWithBackoff(
      () => repository.putFile(path.join(scan.root, file), `${prefix}/${file}`, { encryptTo }),
      {
        ...options.retry,
        onRetry: ({ attempt, error, delayMs }) =>
          log(
            `shipping ${file}: try ${attempt} failed (${(error as Error).message}); again in ${delayMs} ms`,
          ),
      },
    );
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
    }
    for (const segment of scan.segments) {
      const position = positions.get(segment.timeline);
      if (position && position.lastSegment >= segment.name) continue;
      await put(segment.name);
      const archivedAt = (await stat(path.join(scan.root, segment.name))).mtime;
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
    }
  } finally {
    repository.close();
  }
  return result;
}
