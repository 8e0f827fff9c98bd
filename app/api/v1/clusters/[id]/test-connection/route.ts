import { testRegisteredCluster } from "@/lib/clusters/test-connection";
import { withRoute } from "@/lib/route";

// POST /api/v1/clusters/:id/test-connection — probe every registered node with its stored credentials
export const POST = withRoute<{ id: string }>(
  // It makes Walden dial out with stored credentials: an operator's decision.
  { role: "operator", action: "cluster.test_connection" },
  ({ params }) => testRegisteredCluster(params.id),
);
