import { getClusterRepositories } from "@/lib/offsite/queries";
import { withRoute } from "@/lib/route";

// GET /api/v1/clusters/:id/repositories — the local and offsite repositories, without secrets
export const GET = withRoute<{ id: string }>({ role: "viewer", action: "repositories.read" }, ({ params }) =>
  getClusterRepositories(params.id),
);
