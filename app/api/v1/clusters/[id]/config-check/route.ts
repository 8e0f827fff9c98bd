import { checkRegisteredClusterConfig } from "@/lib/clusters/config-check";
import { withRoute } from "@/lib/route";

// GET /api/v1/clusters/:id/config-check — the configuration check of every registered node
export const GET = withRoute<{ id: string }>(
  // It makes Walden dial out with stored credentials, like the stored test-connection: an operator's decision.
  { role: "operator", action: "cluster.config_check" },
  ({ params }) => checkRegisteredClusterConfig(params.id),
);
