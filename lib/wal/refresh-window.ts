import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import { AppError } from "@/lib/errors";
import { computeOffsiteWindow, offsiteWalDir, OffsiteWalFolder } from "@/lib/offsite/offsite-wal-window";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { getOffsiteSettings, offsiteWalPrefix } from "@/lib/offsite/stored-settings";
import type { OffsiteWindowFacts, RestoreWindow } from "@/lib/schemas/restore-window";
import { getRestoreWindow } from "@/lib/wal/restore-window";
import { DEFAULT_WAL_SEGMENT_SIZE } from "./segments";

// Worker side of the stored restore window (stored-window.ts serves it): computing it reads WAL
// with pg_waldump, which only the worker runs. With an offsite repository, the offsite copy's
// own window is computed beside it from the offsite WAL listing (its segments read from a
// lasting cache under WALDEN_HOME), so the offsite lag is a fact, not an estimate.

/** How many of the offsite window's problems are kept with it. */
const KEPT_PROBLEMS = 10;

export interface OffsiteWindowResult {
  /** The offsite copy's window; null when it could not be computed (facts.error says why). */
  window: RestoreWindow | null;
  facts: OffsiteWindowFacts;
}

/** The offsite copy's window and its facts; null without an offsite repository. */
export async function computeOffsiteWindowFacts(clusterId: string): Promise<OffsiteWindowResult | null> {
  const settings = await getOffsiteSettings(clusterId);
  if (!settings) return null;
  const computedAt = new Date().toISOString();
  const cluster = await getClusterRowOrThrow(clusterId);
  // Fewer tries than a copy: the next scan (a minute later) is the retry.
  const repository = new S3Repository(settings, { maxAttempts: 2 });
  try {
    const folder = new OffsiteWalFolder(
      repository,
      `${offsiteWalPrefix(cluster.name)}/`,
      offsiteWalDir(cluster.id, false),
    );
    const window = await computeOffsiteWindow(cluster, repository, folder);
    await folder.prune();
    const facts: OffsiteWindowFacts = {
      earliest: window.earliest,
      latest: window.latest,
      lastWal: window.archive?.lastWal ?? null,
      segmentSize: window.archive?.segmentSize ?? DEFAULT_WAL_SEGMENT_SIZE,
      computedAt,
      problems: window.problems.slice(0, KEPT_PROBLEMS),
      error: null,
    };
    return { window, facts };
  } catch (error) {
    const facts: OffsiteWindowFacts = {
      earliest: null,
      latest: null,
      lastWal: null,
      segmentSize: DEFAULT_WAL_SEGMENT_SIZE,
      computedAt,
      problems: [],
      error: `the offsite window could not be computed: ${(error as Error).message}`,
    };
    return { window: null, facts };
  } finally {
    repository.close();
  }
}

/**
 * archive.scan, and after each backup: recompute and store. When the archive cannot be read,
 * the error is stored and, with an offsite repository, the offsite copy's window beside it (what
 * is restorable now, from offsite; stored-window.ts serves it saying so).
 */
export async function refreshRestoreWindow(clusterId: string): Promise<void> {
  const computedAt = new Date();
  try {
    const window = await getRestoreWindow(clusterId);
    const offsite = await computeOffsiteWindowFacts(clusterId);
    // No archive folder at all (a cluster registered to restore from an imported repository):
    // what is restorable is the offsite copy's window.
    const stored = toJson(
      !window.archive && offsite?.window
        ? {
            ...offsite.window,
            problems: [
              "The cluster has no WAL archive folder configured: this is the offsite copy's window; a restore reads the offsite copy.",
              ...offsite.window.problems,
            ],
            offsiteWindow: offsite.facts,
            source: "offsite",
          }
        : { ...window, offsiteWindow: offsite?.facts ?? null, source: "local" },
    );
    await db().restoreWindowSnapshot.upsert({
      where: { clusterId },
      create: { clusterId, computedAt, window: stored, error: null },
      update: { computedAt, window: stored, error: null },
    });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "upstream_unavailable") throw error;
    const offsite = await computeOffsiteWindowFacts(clusterId);
    const fromOffsite = offsite?.window
      ? { window: toJson({ ...offsite.window, offsiteWindow: offsite.facts, source: "offsite" }) }
      : {};
    await db().restoreWindowSnapshot.upsert({
      where: { clusterId },
      create: { clusterId, computedAt, error: error.message, ...fromOffsite },
      update: { computedAt, error: error.message, ...fromOffsite },
    });
  }
}
