import { withRoute } from "@/lib/route";
import { restoreWindowResponse } from "@/lib/web/restore-window-read";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/restore-window — restorable times: from the first restorable backup to the last archived commit, minus gaps (as the worker last scanned them)
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "restore_window.read" },
  ({ params }) => restoreWindowResponse(params.id),
);
