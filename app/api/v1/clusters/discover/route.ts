import { discoverFromNode } from "@/lib/clusters/discover";
import { readJson, withRoute } from "@/lib/route";
import { discoverRequestSchema } from "@/lib/schemas/cluster-discovery";

// POST /api/v1/clusters/discover — the standbys (and upstream) one node sees; nothing is stored.
// Admin, like registering and testing typed settings: it makes Walden dial a host the caller names.
export const POST = withRoute(
  { role: "admin", action: "cluster.discover" },
  async ({ req, actor, meta }) =>
    discoverFromNode(actor, discoverRequestSchema.parse(await readJson(req)), meta),
);
