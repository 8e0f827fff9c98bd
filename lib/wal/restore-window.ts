import { access, constants } from "node:fs/promises";
import { verificationState } from "@/lib/backup/retention-plan";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { RestoreWindow, RestoreWindowArchive } from "@/lib/schemas/restore-window";
import { toolPath } from "@/lib/tools/binaries";
import { ArchiveUnreadableError, scanArchive, type ArchiveScan } from "./archive";
import {
  commitWalks,
  computeRestoreWindow,
  walkStopsAt,
  type BackupInput,
  type CommitLookup,
} from "./compute-window";
import { DEFAULT_WAL_SEGMENT_SIZE } from "./segments";
import { readSegmentCommits } from "./waldump";

// GET /api/v1/clusters/:id/restore-window: scan the archive folder, take the cluster's
// succeeded physical backups from the catalog (one whose verification failed is listed, not
// restorable), read the few segments whose commit times
// bound the window with pg_waldump (cached: archived segments never change), and compute.

export type { RestoreWindow, RestoreWindowArchive };

export interface RestoreWindowOptions {
  /** pg_waldump to use; default: the one beside the PostgreSQL server programs. */
  waldump?: string;
  maxWalk?: number;
}

async function locateWaldump(): Promise<string> {
  const program = toolPath("pg_waldump");
  await access(program, constants.X_OK);
  return program;
}

function archiveView(scan: ArchiveScan, configuredPath: string): RestoreWindowArchive {
  return {
    path: configuredPath,
    segments: scan.segments.length,
    firstWal: scan.segments[0]?.name ?? null,
    lastWal: scan.segments.at(-1)?.name ?? null,
    segmentSize: scan.segmentSize,
    historyFiles: scan.histories.size,
    partialFiles: scan.partial,
    backupHistoryFiles: scan.backupFiles,
    ignoredFiles: scan.ignored,
    scannedAt: scan.scannedAt.toISOString(),
  };
}

async function listRestorableBackups(clusterId: string): Promise<BackupInput[]> {
  const rows = await db().backup.findMany({
    where: { clusterId, kind: "physical", status: "succeeded" },
    orderBy: [{ finishedAt: "asc" }, { createdAt: "asc" }],
    select: {
      id: true,
      label: true,
      startLsn: true,
      stopLsn: true,
      timeline: true,
      startWal: true,
      stopWal: true,
      finishedAt: true,
      verified: true,
      verifiedAt: true,
    },
  });
  return rows.map(({ verified, verifiedAt, ...row }) => ({
    ...row,
    verificationFailedAt: verificationState({ verified, verifiedAt }) === "failed" ? verifiedAt : null,
  }));
}

/** The restorable window of a cluster; 404 for an unknown cluster, 503 when its archive cannot be read. */
export async function getRestoreWindow(
  clusterId: string,
  options: RestoreWindowOptions = {},
): Promise<RestoreWindow> {
  const cluster = await getClusterRowOrThrow(clusterId);
  const backups = await listRestorableBackups(cluster.id);
  if (!cluster.archivePath) {
    const empty = computeRestoreWindow({
      segmentSize: DEFAULT_WAL_SEGMENT_SIZE,
      segments: [],
      histories: new Map(),
      backups,
      commits: new Map(),
    });
    return {
      clusterId: cluster.id,
      ...empty,
      problems: [
        "The cluster has no WAL archive folder configured: no point-in-time restore is possible.",
        ...empty.problems,
      ],
      archive: null,
    };
  }

  let scan: ArchiveScan;
  try {
    scan = await scanArchive(cluster.archivePath);
  } catch (error) {
    if (error instanceof ArchiveUnreadableError) {
      throw new AppError("upstream_unavailable", error.message, { path: cluster.archivePath });
    }
    throw error;
  }

  const input = {
    segmentSize: scan.segmentSize,
    segments: scan.segments,
    histories: scan.histories,
    backups,
    maxWalk: options.maxWalk,
  };
  const problems = [...scan.problems];
  const commits = new Map<string, CommitLookup>();
  const walks = commitWalks(input);
  if (walks.length > 0) {
    let program = options.waldump ?? null;
    let locateError: string | null = null;
    if (!program) {
      try {
        program = await locateWaldump();
      } catch (error) {
        locateError = (error as Error).message;
      }
    }
    if (program) {
      for (const walk of walks) {
        for (const segment of walk.segments) {
          if (!commits.has(segment)) {
            try {
              commits.set(segment, await readSegmentCommits({ program, root: scan.root, segment }));
            } catch (error) {
              commits.set(segment, { error: (error as Error).message });
            }
          }
          if (walkStopsAt(commits.get(segment), walk.want)) break;
        }
      }
    } else {
      problems.push(`pg_waldump is not available, so commit times cannot be read: ${locateError}`);
    }
  }

  const window = computeRestoreWindow({ ...input, commits });
  return {
    clusterId: cluster.id,
    ...window,
    problems: [...problems, ...window.problems],
    archive: archiveView(scan, cluster.archivePath),
  };
}
