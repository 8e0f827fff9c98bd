import { withRoute } from "@/lib/route";
import { getRestoreWindow } from "@/lib/wal/restore-window";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/restore-window — restorable times: from the first restorable backup to the last archived commit, minus gaps
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "restore_window.read" },
  ({ params }) => getRestoreWindow(params.id),
);
