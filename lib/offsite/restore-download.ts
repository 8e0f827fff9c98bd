import fs from "node:fs/promises";
import path from "node:path";
import { parseChecksums } from "@/lib/backup/checksum";
import { db } from "@/lib/db";
import type { S3Repository } from "./s3-repository";
import { offsiteBackupPrefix, offsiteWalPrefix } from "./stored-settings";

// What a restore, a drill or a verification reads from the offsite copy (issue 14): the
// backup's files downloaded (each checked against SHA256SUMS, itself checked against the
// backup's checksum, decrypted with the restore's identity when encrypted) into a private
// folder, and only the WAL a plan needs. Keys are those offsite-copy.ts and offsite-ship.ts write.

/**
 * The backup's files from offsite into `dir`: SHA256SUMS first (checked against the backup's
 * checksum, the SHA-256 of that list), then each file it lists, checked against it.
 */
export async function downloadBackup(
  repository: S3Repository,
  backup: { id: string; checksum: string | null; clusterName: string },
  dir: string,
  log: (line: string) => void,
  identity?: string,
): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const prefix = offsiteBackupPrefix(backup.clusterName, backup.id);
  const sumsPath = path.join(dir, "SHA256SUMS");
  const opened = identity ? { identity } : {};
  const list = await repository.getFile(`${prefix}/SHA256SUMS`, sumsPath, {
    ...opened,
    ...(backup.checksum ? { expectedSha256: backup.checksum } : {}),
  });
  let bytes = 0;
  const files = parseChecksums(await fs.readFile(sumsPath, "utf8"));
  for (const { sha256, file } of files) {
    const result = await repository.getFile(`${prefix}/${file}`, path.join(dir, file), {
      ...opened,
      expectedSha256: sha256,
    });
    bytes += result.bytes;
  }
  log(
    `downloaded ${files.length} files (${bytes} bytes) of backup ${backup.id} from ${repository.description}${list.decrypted ? ", decrypted with the identity given," : ""} each checked against SHA256SUMS`,
  );
}

/** Timeline and segment number of a WAL segment name, for ordering without the segment size. */
const timelineOf = (name: string) => parseInt(name.slice(0, 8), 16);
const positionOf = (name: string) => name.slice(8);
const SEGMENT = /^[0-9A-F]{24}$/;
const HISTORY = /^[0-9A-F]{8}\.history$/;

/**
 * The offsite WAL names replay needs: segments from `fromWal` to `toWal` (on the timelines
 * between theirs) and every timeline history file (small; recovery reads them to follow
 * timelines). Pure, for the unit test.
 */
export function walNeeded(names: string[], fromWal: string, toWal: string): string[] {
  const [firstTimeline, lastTimeline] = [timelineOf(fromWal), timelineOf(toWal)];
  return names.filter((name) => {
    if (HISTORY.test(name)) return true;
    if (!SEGMENT.test(name)) return false;
    const timeline = timelineOf(name);
    return (
      timeline >= firstTimeline &&
      timeline <= lastTimeline &&
      positionOf(name) >= positionOf(fromWal) &&
      positionOf(name) <= positionOf(toWal)
    );
  });
}

/**
 * The newest segment offsite-ship recorded for the cluster: the end of what offsite holds, used
 * when the plan's last segment lies beyond it.
 */
async function newestShipped(clusterId: string): Promise<string | null> {
  const rows = await db().offsiteWalPosition.findMany({
    where: { clusterId },
    select: { lastSegment: true },
  });
  return (
    rows
      .map((row) => row.lastSegment)
      .sort()
      .at(-1) ?? null
  );
}

/** Only the WAL between `fromWal` and `toWal` from offsite into `dir` (the restore's private archive). */
export async function fetchPlannedWal(
  repository: S3Repository,
  cluster: { id: string; name: string },
  range: { fromWal: string; toWal: string },
  dir: string,
  log: (line: string) => void,
  identity?: string,
): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const shipped = await newestShipped(cluster.id);
  const toWal = shipped && shipped < range.toWal ? shipped : range.toWal;
  const prefix = `${offsiteWalPrefix(cluster.name)}/`;
  const names = (await repository.list(prefix)).map((object) => object.key.slice(prefix.length));
  const needed = walNeeded(names, range.fromWal, toWal);
  for (const name of needed)
    await repository.getFile(`${prefix}${name}`, path.join(dir, name), identity ? { identity } : {});
  log(
    `fetched ${needed.length} of ${names.length} offsite WAL files (${range.fromWal} … ${toWal} and timeline history files) into ${dir}`,
  );
  return needed;
}
