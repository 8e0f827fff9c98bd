import { withRoute } from "@/lib/route";
import { getStoredRestoreWindowOrThrow } from "@/lib/wal/stored-window";
import { readKey, recentRead } from "@/lib/web/shared-read";

export const dynamic = "force-dynamic";

/**
 * The window changes when the worker scans the archive (after each archived segment, backup or
 * shipment); the coverage view polls every 15 s. Reused this long by identical requests.
 */
const WINDOW_MAX_AGE_MS = 5_000;

// GET /api/v1/clusters/:id/restore-window — restorable times: from the first restorable backup to the last archived commit, minus gaps (as the worker last scanned them)
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "restore_window.read" },
  ({ req, params }) =>
    recentRead(readKey(req), WINDOW_MAX_AGE_MS, () => getStoredRestoreWindowOrThrow(params.id)),
);
