import { json, readOptionalJson, withRoute } from "@/lib/route";
import { getDrillOverview, startDrillNow } from "@/lib/restore/drills";
import { copyChoiceSchema } from "@/lib/schemas/restore";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/drills — the drill schedule and the drill history (RTO, reached point)
export const GET = withRoute<{ id: string }>({ role: "viewer", action: "drill.list" }, ({ params, actor }) =>
  getDrillOverview(params.id, actor.role),
);

// POST /api/v1/clusters/:id/drills — run a drill now (operator; a deleted cluster runs no drills);
// the optional body `{source: "local"|"offsite"}` names the copy to restore from.
export const POST = withRoute<{ id: string }>(
  { role: "operator", action: "drill.request" },
  async ({ req, params, actor, meta }) => {
    const { source } = copyChoiceSchema.parse(await readOptionalJson(req));
    return json(await startDrillNow(params.id, actor, meta, { source }), 202);
  },
);
