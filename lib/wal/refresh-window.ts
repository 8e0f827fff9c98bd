import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
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
