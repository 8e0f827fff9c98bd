import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getRestoreWindow, type RestoreWindow } from "@/lib/wal/restore-window";

// The worker computes the restorable window (it reads WAL with pg_waldump, which the web app
// never runs) and stores it; the API serves the stored one with its age.

export type StoredRestoreWindow = RestoreWindow & { computedAt: string };

/** Worker side (archive.scan, and after each backup): recompute and store. */
export async function refreshRestoreWindow(clusterId: string): Promise<void> {
  const computedAt = new Date();
  try {
    const window = await getRestoreWindow(clusterId);
    await db().restoreWindowSnapshot.upsert({
      where: { clusterId },
      create: { clusterId, computedAt, window: window as unknown as Prisma.InputJsonValue, error: null },
      update: { computedAt, window: window as unknown as Prisma.InputJsonValue, error: null },
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

/** Web side: the last computed window; 503 when it has not been computed yet or the archive was unreadable. */
export async function getStoredRestoreWindowOrThrow(clusterId: string): Promise<StoredRestoreWindow> {
  await getClusterRowOrThrow(clusterId);
  const row = await db().restoreWindowSnapshot.findUnique({ where: { clusterId } });
  if (!row)
    throw new AppError(
      "upstream_unavailable",
      "The WAL archive has not been scanned yet: is a worker running (npm run worker)?",
    );
  if (row.error || !row.window)
    throw new AppError("upstream_unavailable", row.error ?? "The WAL archive could not be read");
  return { ...(row.window as unknown as RestoreWindow), computedAt: row.computedAt.toISOString() };
}
