import { registerCluster } from "@/lib/clusters/mutations";
import { listFleetStatus } from "@/lib/clusters/fleet-status";
import { json, readJson, withRoute } from "@/lib/route";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import { readKey, sharedJson } from "@/lib/web/shared-read";

// GET /api/v1/clusters — every registered cluster, without passwords, with its safety figures
export const GET = withRoute({ role: "viewer", action: "cluster.list" }, ({ req }) =>
  sharedJson(readKey(req), () => listFleetStatus()),
);

// POST /api/v1/clusters — register a cluster (admin)
export const POST = withRoute({ role: "admin", action: "cluster.create" }, async ({ req, actor, meta }) => {
  const input = clusterCreateSchema.parse(await readJson(req));
  return json(await registerCluster(actor, input, meta), 201);
});
