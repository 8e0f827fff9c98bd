import { NextResponse } from "next/server";
import { deleteCluster, updateCluster } from "@/lib/clusters/mutations";
import { getClusterOrThrow } from "@/lib/clusters/queries";
import { readJson, withRoute } from "@/lib/route";
import { clusterUpdateSchema } from "@/lib/schemas/cluster";

type Params = { id: string };

// GET /api/v1/clusters/:id — one cluster, without passwords
export const GET = withRoute<Params>({ role: "viewer", action: "cluster.read" }, ({ params }) =>
  getClusterOrThrow(params.id),
);

// PATCH /api/v1/clusters/:id — change connection settings, standbys or archive (admin)
export const PATCH = withRoute<Params>(
  { role: "admin", action: "cluster.update" },
  async ({ req, params, actor, meta }) => {
    const input = clusterUpdateSchema.parse(await readJson(req));
    return updateCluster(actor, params.id, input, meta);
  },
);

// DELETE /api/v1/clusters/:id?confirm=<name> — remove the registration (admin, typed confirmation)
export const DELETE = withRoute<Params>(
  { role: "admin", action: "cluster.delete" },
  async ({ req, params, actor, meta }) => {
    await deleteCluster(actor, params.id, req.nextUrl.searchParams.get("confirm"), meta);
    return new NextResponse(null, { status: 204 });
  },
);
