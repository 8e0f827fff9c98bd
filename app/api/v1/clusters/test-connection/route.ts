import { audit } from "@/lib/auth/audit";
import { probeNode } from "@/lib/pg/probe";
import { readJson, withRoute } from "@/lib/route";
import { testConnectionSchema } from "@/lib/schemas/cluster";

// POST /api/v1/clusters/test-connection — try settings before registering them (admin: it dials out)
export const POST = withRoute(
  { role: "admin", action: "cluster.test_connection" },
  async ({ req, actor, meta }) => {
    const input = testConnectionSchema.parse(await readJson(req));
    const target = { type: "host", id: `${input.host}:${input.port}` };
    try {
      const report = await probeNode(input);
      await audit(actor, { action: "cluster.test_connection", outcome: "success", target }, meta);
      return report;
    } catch (error) {
      await audit(
        actor,
        { action: "cluster.test_connection", outcome: "failed", target, details: { error: String(error) } },
        meta,
      );
      throw error;
    }
  },
);
