import { testConnectionSettings } from "@/lib/clusters/test-connection";
import { readJson, withRoute } from "@/lib/route";
import { testConnectionSchema } from "@/lib/schemas/cluster";

// POST /api/v1/clusters/test-connection — try settings before registering them (admin: it dials out)
export const POST = withRoute(
  { role: "admin", action: "cluster.test_connection" },
  async ({ req, actor, meta }) =>
    testConnectionSettings(actor, testConnectionSchema.parse(await readJson(req)), meta),
);
