import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import { AppError } from "@/lib/errors";
import { getRestoreWindow } from "@/lib/wal/restore-window";

// Worker side of the stored restore window (stored-window.ts serves it): computing it reads WAL
// with pg_waldump, which only the worker runs.

/** archive.scan, and after each backup: recompute and store. */
export async function refreshRestoreWindow(clusterId: string): Promise<void> {
  const computedAt = new Date();
  try {
    const window = await getRestoreWindow(clusterId);
    await db().restoreWindowSnapshot.upsert({
      where: { clusterId },
      create: { clusterId, computedAt, window: toJson(window), error: null },
      update: { computedAt, window: toJson(window), error: null },
    });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "upstream_unavailable") throw error;
    await db().restoreWindowSnapshot.upsert({
      where: { clusterId },
      create: { clusterId, computedAt, error: error.message },
      update: { computedAt, error: error.message },
    });
  }
}
