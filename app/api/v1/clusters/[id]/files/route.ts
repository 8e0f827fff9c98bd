import { removeRetiredClusterFiles } from "@/lib/clusters/files";
import { withRoute } from "@/lib/route";

type Params = { id: string };

// DELETE /api/v1/clusters/:id/files?confirm=<retired name> — remove a deleted cluster's backup files (admin, typed confirmation)
export const DELETE = withRoute<Params>(
  { role: "admin", action: "cluster.files.remove" },
  ({ req, params, actor, meta }) =>
    removeRetiredClusterFiles(actor, params.id, req.nextUrl.searchParams.get("confirm"), meta),
);
