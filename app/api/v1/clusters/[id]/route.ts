import { deleteCluster, updateCluster } from "@/lib/clusters/mutations";
import { getActiveClusterOrThrow } from "@/lib/clusters/queries";
import { readJson, withRoute } from "@/lib/route";
import { clusterUpdateSchema } from "@/lib/schemas/cluster";

type Params = { id: string };

// GET /api/v1/clusters/:id — one cluster, without passwords (a deleted one is a 404 that says when)
export const GET = withRoute<Params>({ role: "viewer", action: "cluster.read" }, ({ params }) =>
  getActiveClusterOrThrow(params.id),
);

// PATCH /api/v1/clusters/:id — change connection settings, standbys or archive (admin)
export const PATCH = withRoute<Params>(
  { role: "admin", action: "cluster.update" },
  async ({ req, params, actor, meta }) => {
    const input = clusterUpdateSchema.parse(await readJson(req));
    return updateCluster(actor, params.id, input, meta);
  },
);

// DELETE /api/v1/clusters/:id?confirm=<name> — retire the cluster (admin, typed confirmation): its
// evidence stays, its slots are dropped, its restored instances torn down; 200 says what was done
export const DELETE = withRoute<Params>(
  { role: "admin", action: "cluster.delete" },
  ({ req, params, actor, meta }) =>
    deleteCluster(actor, params.id, req.nextUrl.searchParams.get("confirm"), meta),
);
