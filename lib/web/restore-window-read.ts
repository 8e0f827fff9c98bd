import { db } from "@/lib/db";
import { getStoredRestoreWindowOrThrow } from "@/lib/wal/stored-window";
import { recentJson } from "@/lib/web/shared-read";

// GET …/restore-window under load: the stored window changes only when the worker scans the
// archive again (a new computedAt), so one cheap look at that version decides whether the kept
// answer still holds, instead of reading and parsing the window and the offsite facts per request.

/**
 * How old the offsite lag beside a window (the shipper's progress, which moves between scans) may
 * be; the coverage view polls every 15 s. The window itself is never older than the last scan.
 */
export const WINDOW_MAX_AGE_MS = 5_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The restore window's JSON response, reused while its scan is the newest and for WINDOW_MAX_AGE_MS. */
export async function restoreWindowResponse(clusterId: string): Promise<Response> {
  const read = () => getStoredRestoreWindowOrThrow(clusterId);
  // Not an id: the read itself answers the 404.
  if (!UUID.test(clusterId)) return Response.json(await read());
  const stored = await db().restoreWindowSnapshot.findUnique({
    where: { clusterId },
    select: { computedAt: true },
  });
  const version = stored?.computedAt.getTime() ?? "none";
  return recentJson(`restore-window:${clusterId}:${version}`, WINDOW_MAX_AGE_MS, read);
}
