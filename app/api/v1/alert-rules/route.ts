import { createAlertRule } from "@/lib/alerts/mutations";
import { listAlertRules } from "@/lib/alerts/queries";
import { json, readJson, withRoute } from "@/lib/route";
import { alertRuleInputSchema } from "@/lib/schemas/alerts";
import { uuidSchema } from "@/lib/schemas/common";

export const dynamic = "force-dynamic";

// GET /api/v1/alert-rules?clusterId — the rules (a cluster's own and the global ones)
export const GET = withRoute({ role: "viewer", action: "alert_rule.list" }, ({ req }) => {
  const clusterId = req.nextUrl.searchParams.get("clusterId");
  return listAlertRules(clusterId ? uuidSchema.parse(clusterId) : undefined);
});

// POST /api/v1/alert-rules — a new rule, per cluster or global (admin)
export const POST = withRoute(
  { role: "admin", action: "alert_rule.create" },
  async ({ req, actor, meta }) => {
    const input = alertRuleInputSchema.parse(await readJson(req));
    return json(await createAlertRule(actor, input, meta), 201);
  },
);
