import { access, constants } from "node:fs/promises";
import { verificationState } from "@/lib/backup/retention-plan";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { RestoreWindow, RestoreWindowArchive, WindowComputation } from "@/lib/schemas/restore-window";
import { toolPath } from "@/lib/tools/binaries";
import { ArchiveUnreadableError, scanArchive, type ArchiveScan } from "./archive";
import {
  commitWalks,
  computeRestoreWindow,
  walkStopsAt,
  type BackupInput,
  type CommitLookup,
} from "./compute-window";
import { DEFAULT_WAL_SEGMENT_SIZE, type TimelineHistoryEntry, type WalSegmentId } from "./segments";
import { readSegmentCommits, type SegmentCommits } from "./waldump";

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

/**
 * Physical backups a window can start from: succeeded ones for the local archive; for the
 * offsite one, those with a succeeded offsite copy (their local files may be gone or expired).
 */
export async function listRestorableBackups(
  clusterId: string,
  options: { offsite?: boolean } = {},
): Promise<BackupInput[]> {
  const rows = await db().backup.findMany({
    where: options.offsite
      ? {
          clusterId,
          kind: "physical",
          status: { in: ["succeeded", "expired"] },
          copies: { some: { repository: "s3", status: "succeeded" } },
        }
      : { clusterId, kind: "physical", status: "succeeded" },
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

/** WAL a window is computed from: its listing, and a way to read one segment's commits. */
export interface WalListing {
  segmentSize: number;
  segments: readonly WalSegmentId[];
  histories: ReadonlyMap<number, readonly TimelineHistoryEntry[]>;
  /** The commits of one listed segment, read with pg_waldump at `program`. */
  readCommits(program: string, segment: string): Promise<SegmentCommits>;
}

/**
 * The window of `backups` over `listing`: only the few segments whose commits bound it are
 * read (window-plan.ts says which). Shared by the local archive and the offsite copy.
 */
export async function computeWindowOver(
  listing: WalListing,
  backups: BackupInput[],
  options: RestoreWindowOptions = {},
): Promise<WindowComputation> {
  const input = {
    segmentSize: listing.segmentSize,
    segments: listing.segments,
    histories: listing.histories,
    backups,
    maxWalk: options.maxWalk,
  };
  const problems: string[] = [];
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
              commits.set(segment, await listing.readCommits(program, segment));
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
  return { ...window, problems: [...problems, ...window.problems] };
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

  const window = await computeWindowOver(
    {
      ...scan,
      readCommits: (program, segment) => readSegmentCommits({ program, root: scan.root, segment }),
    },
    backups,
    options,
  );
  return {
    clusterId: cluster.id,
    ...window,
    problems: [...scan.problems, ...window.problems],
    archive: archiveView(scan, cluster.archivePath),
  };
}
