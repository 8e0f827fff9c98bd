import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { readJson } from "@/lib/db/json";
import { AppError, appError } from "@/lib/errors";
import { getOffsiteLag } from "@/lib/offsite/offsite-wal-lag";
import { restoreWindowSchema, type StoredRestoreWindow } from "@/lib/schemas/restore-window";

// The worker computes the restorable window (it reads WAL with pg_waldump, which the web app
// never runs) and stores it (refresh-window.ts); the API serves the stored one with its age.

export type { StoredRestoreWindow };

/**
 * Web side: the last computed window; 503 when it has not been computed yet or the archive was
 * unreadable (unless the offsite copy's window was computed instead: then that one, saying so).
 */
export async function getStoredRestoreWindowOrThrow(clusterId: string): Promise<StoredRestoreWindow> {
  await getClusterRowOrThrow(clusterId);
  const row = await db().restoreWindowSnapshot.findUnique({ where: { clusterId } });
  if (!row) throw appError("upstream_unavailable", "restore.notScannedYet");
  const window = row.window ? readJson(restoreWindowSchema, row.window, "restore window") : null;
  // The local archive unreadable: the offsite copy's window, when the worker could compute one.
  // Only one computed at this scan: an older one left in the row would pass for current.
  const fromOffsite =
    !!row.error &&
    window?.source === "offsite" &&
    Date.parse(window.offsiteWindow?.computedAt ?? "") >= row.computedAt.getTime();
  if (!window || (row.error && !fromOffsite))
    throw new AppError("upstream_unavailable", row.error ?? "The WAL archive could not be read");
  return {
    ...window,
    problems: fromOffsite
      ? [
          `${row.error}: this is the offsite copy's window; a restore now reads the offsite copy.`,
          ...window.problems,
        ]
      : window.problems,
    computedAt: row.computedAt.toISOString(),
    offsite: await getOffsiteLag(clusterId, window),
  };
}
