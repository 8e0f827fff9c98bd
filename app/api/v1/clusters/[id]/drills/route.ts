import { json, withRoute } from "@/lib/route";
import { getDrillOverview, startDrillNow } from "@/lib/restore/drills";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/drills — the drill schedule and the drill history (RTO, reached point)
export const GET = withRoute<{ id: string }>({ role: "viewer", action: "drill.list" }, ({ params, actor }) =>
  getDrillOverview(params.id, actor.role),
);

// POST /api/v1/clusters/:id/drills — run a drill now (operator; a deleted cluster runs no drills)
export const POST = withRoute<{ id: string }>(
  { role: "operator", action: "drill.request" },
  async ({ params, actor, meta }) => json(await startDrillNow(params.id, actor, meta), 202),
);
