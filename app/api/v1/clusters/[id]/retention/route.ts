import { getRetentionPolicyOrThrow, setRetentionPolicy } from "@/lib/backup/retention";
import { readJson, withRoute } from "@/lib/route";
import { retentionPolicySchema } from "@/lib/schemas/retention";

// GET /api/v1/clusters/:id/retention — the retention policy (defaults when none is set)
export const GET = withRoute<{ id: string }>({ role: "viewer", action: "retention.read" }, ({ params }) =>
  getRetentionPolicyOrThrow(params.id),
);

// PUT /api/v1/clusters/:id/retention — set the recovery window, minimum redundancy, logical keep count and daily/weekly/monthly/yearly tiers (admin)
export const PUT = withRoute<{ id: string }>(
  { role: "admin", action: "retention.update" },
  async ({ req, params, actor, meta }) =>
    setRetentionPolicy(actor, params.id, retentionPolicySchema.parse(await readJson(req)), meta),
);
