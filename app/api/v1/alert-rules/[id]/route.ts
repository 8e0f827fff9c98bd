import { deleteAlertRule, parseAlertRulePatch, updateAlertRule } from "@/lib/alerts/mutations";
import { readJson, withRoute } from "@/lib/route";
import { uuidSchema } from "@/lib/schemas/common";

export const dynamic = "force-dynamic";

// PATCH /api/v1/alert-rules/:id — change threshold, duration, severity, channels, enabled (admin)
export const PATCH = withRoute<{ id: string }>(
  { role: "admin", action: "alert_rule.update" },
  async ({ req, params, actor, meta }) =>
    updateAlertRule(actor, uuidSchema.parse(params.id), parseAlertRulePatch(await readJson(req)), meta),
);

// DELETE /api/v1/alert-rules/:id — remove a rule and its alert history (admin)
export const DELETE = withRoute<{ id: string }>(
  { role: "admin", action: "alert_rule.delete" },
  async ({ params, actor, meta }) => {
    await deleteAlertRule(actor, uuidSchema.parse(params.id), meta);
    return new Response(null, { status: 204 });
  },
);
