import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { parseChecksums } from "@/lib/backup/checksum";
import { db } from "@/lib/db";
import { readJson } from "@/lib/db/json";
import { AppError } from "@/lib/errors";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { getOffsiteSettings, offsiteBackupPrefix, offsiteWalPrefix } from "@/lib/offsite/stored-settings";
import type { OffsiteRepositorySettings } from "@/lib/schemas/offsite";
import type { PitrRestoreRequest } from "@/lib/schemas/restore";
import { plannedBackupSchema, restorePlanSchema, type RestorePlan } from "@/lib/schemas/restore-plan";
import { planPitrRestore } from "./plan-service";

// A PITR restore from the offsite copy alone (issue 14): which copy a restore uses, the
// backup's files downloaded (each checked against SHA256SUMS, itself checked against the
// backup's checksum) into the restore's own folder, and only the WAL the plan needs fetched
// into a private folder that restore_command copies from. Keys are those offsite-copy.ts and
// offsite-ship.ts write.

export type RestoreSource = "local" | "offsite";

/** The local copy is whole when the backup's folder, its SHA256SUMS and the archive folder are on disk. */
export function localCopyIsWhole(backupPath: string | null, archivePath: string | null): boolean {
  return Boolean(
    backupPath && existsSync(path.join(backupPath, "SHA256SUMS")) && archivePath && existsSync(archivePath),
  );
}

/** A 422 on the request's `source` field. */
const sourceRefusal = (message: string) =>
  new AppError("unprocessable_entity", message, {
    issues: [{ path: "source", message: message.replace(/^source: /, "") }],
  });

export interface ChosenSource {
  source: RestoreSource;
  /** Why this copy, for the plan step's log. */
  reason: string;
}

/**
 * The copy a restore of `backupId` uses: the one asked for, else local when whole, else the
 * offsite copy when one succeeded. A 422 naming `source` when the asked (or any) copy is not there.
 */
export async function chooseRestoreSource(
  backup: { id: string; path: string | null },
  archivePath: string | null,
  asked: RestoreSource | undefined,
): Promise<ChosenSource> {
  const localWhole = localCopyIsWhole(backup.path, archivePath);
  const offsiteCopy = await db().backupCopy.findFirst({
    where: { backupId: backup.id, repository: "s3", status: "succeeded" },
    orderBy: { finishedAt: "desc" },
    select: { path: true },
  });
  const refuse = (message: string) => sourceRefusal(message);
  if (asked === "local") {
    if (!localWhole)
      throw refuse(
        `source: the local copy of backup ${backup.id} is not whole (no ${backup.path ?? "folder"}/SHA256SUMS or no archive folder ${archivePath ?? ""})`,
      );
    return { source: "local", reason: "asked for the local copy" };
  }
  if (asked === "offsite") {
    if (!offsiteCopy) throw refuse(`source: backup ${backup.id} has no succeeded offsite copy`);
    return { source: "offsite", reason: `asked for the offsite copy at ${offsiteCopy.path}` };
  }
  if (localWhole) return { source: "local", reason: "the local copy is whole" };
  if (offsiteCopy)
    return { source: "offsite", reason: `the local copy is gone; the offsite copy at ${offsiteCopy.path}` };
  throw refuse(`source: backup ${backup.id} has neither a whole local copy nor a succeeded offsite copy`);
}

/** `work` with the cluster's offsite repository, closed after it however it ends. */
export async function withOffsiteSource<T>(
  clusterId: string,
  work: (repository: S3Repository) => Promise<T>,
): Promise<T> {
  const repository = await openOffsiteSource(clusterId);
  try {
    return await work(repository);
  } finally {
    repository.close();
  }
}

/** The cluster's offsite repository, refused when its copies are encrypted (not restorable here yet). */
async function openOffsiteSource(clusterId: string): Promise<S3Repository> {
  const settings: OffsiteRepositorySettings | null = await getOffsiteSettings(clusterId);
  if (!settings) throw sourceRefusal("source: the cluster has no offsite repository");
  if (settings.encryption?.enabled)
    throw sourceRefusal(
      "source: the offsite copies are encrypted; restoring them with Walden is not supported yet (the runbook's age commands decrypt them)",
    );
  return new S3Repository(settings);
}

/**
 * The backup's files from offsite into `dir`: SHA256SUMS first (checked against the backup's
 * checksum, the SHA-256 of that list), then each file it lists, checked against it.
 */
export async function downloadBackup(
  repository: S3Repository,
  backup: { id: string; checksum: string | null; clusterName: string },
  dir: string,
  log: (line: string) => void,
): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const prefix = offsiteBackupPrefix(backup.clusterName, backup.id);
  const sumsPath = path.join(dir, "SHA256SUMS");
  await repository.getFile(`${prefix}/SHA256SUMS`, sumsPath, {
    ...(backup.checksum ? { expectedSha256: backup.checksum } : {}),
  });
  let bytes = 0;
  const files = parseChecksums(await fs.readFile(sumsPath, "utf8"));
  for (const { sha256, file } of files) {
    const result = await repository.getFile(`${prefix}/${file}`, path.join(dir, file), {
      expectedSha256: sha256,
    });
    bytes += result.bytes;
  }
  log(
    `downloaded ${files.length} files (${bytes} bytes) of backup ${backup.id} from ${repository.description}, each checked against SHA256SUMS`,
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
): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true });
  const shipped = await newestShipped(cluster.id);
  const toWal = shipped && shipped < range.toWal ? shipped : range.toWal;
  const prefix = `${offsiteWalPrefix(cluster.name)}/`;
  const names = (await repository.list(prefix)).map((object) => object.key.slice(prefix.length));
  const needed = walNeeded(names, range.fromWal, toWal);
  for (const name of needed) await repository.getFile(`${prefix}${name}`, path.join(dir, name));
  log(
    `fetched ${needed.length} of ${names.length} offsite WAL files (${range.fromWal} … ${toWal} and timeline history files) into ${dir}`,
  );
  return needed;
}

export interface SourcedPlan {
  plan: RestorePlan;
  chosen: ChosenSource;
}

/**
 * The plan step's plan and copy. From the local copy the plan is made again (retention may have
 * removed the backup chosen at request time); from offsite, once the local archive is gone,
 * the plan made at request time stands (its WAL range is what fetchPlannedWal downloads).
 */
export async function planWithSource(request: PitrRestoreRequest, storedPlan: unknown): Promise<SourcedPlan> {
  const stored = restorePlanSchema.safeParse(storedPlan);
  // The backup chosen at request time; only its id is read, so a plan stored by an older version still reads.
  const backupId = readJson(plannedBackupSchema, storedPlan, "restore plan")?.backupId ?? request.backupId;
  const backup = backupId
    ? await db().backup.findUnique({ where: { id: backupId }, select: { id: true, path: true } })
    : null;
  const { archivePath } = await db().cluster.findUniqueOrThrow({
    where: { id: request.clusterId },
    select: { archivePath: true },
  });
  const early = backup ? await chooseRestoreSource(backup, archivePath, request.source) : null;
  if (early?.source === "offsite" && stored.success) return { plan: stored.data, chosen: early };
  const planned = await planPitrRestore({ ...request, backupId: backupId ?? undefined });
  if (!planned.ok) throw new Error(planned.message);
  const chosen =
    early ??
    (await chooseRestoreSource(
      await db().backup.findUniqueOrThrow({
        where: { id: planned.plan.backupId },
        select: { id: true, path: true },
      }),
      archivePath,
      request.source,
    ));
  return { plan: planned.plan, chosen };
}
