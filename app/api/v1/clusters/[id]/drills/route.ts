import { json, readOptionalJson, withRoute } from "@/lib/route";
import { getDrillOverview, startDrillNow } from "@/lib/restore/drills";
import { copyAndKeySchema } from "@/lib/schemas/local-encryption";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/drills — the drill schedule and the drill history (RTO, reached point)
export const GET = withRoute<{ id: string }>({ role: "viewer", action: "drill.list" }, ({ params, actor }) =>
  getDrillOverview(params.id, actor.role),
);

// POST /api/v1/clusters/:id/drills — run a drill now (operator; a deleted cluster runs no drills);
// the optional body `{source: "local"|"offsite", identity?: "AGE-SECRET-KEY-1…"}` names the copy to
// restore from and the key of a backup encrypted at rest (else the one Walden holds).
export const POST = withRoute<{ id: string }>(
  { role: "operator", action: "drill.request" },
  async ({ req, params, actor, meta }) => {
    const { source, identity } = copyAndKeySchema.parse(await readOptionalJson(req));
    return json(await startDrillNow(params.id, actor, meta, { source, identity }), 202);
  },
);
