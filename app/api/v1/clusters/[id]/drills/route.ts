import { getActiveClusterRowOrThrow, getClusterRowOrThrow } from "@/lib/clusters/queries";
import { json, withRoute } from "@/lib/route";
import { getDrillSchedule, startDrill } from "@/lib/restore/drills";
import { listRestores } from "@/lib/restore/queries";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/drills — the drill schedule and the drill history (RTO, reached point)
export const GET = withRoute<{ id: string }>({ role: "viewer", action: "drill.list" }, async ({ params }) => {
  const cluster = await getClusterRowOrThrow(params.id);
  return {
    schedule: await getDrillSchedule(cluster.id),
    history: await listRestores({ clusterId: cluster.id, purpose: "drill", limit: 100 }),
  };
});

// POST /api/v1/clusters/:id/drills — run a drill now (operator)
export const POST = withRoute<{ id: string }>(
  { role: "operator", action: "drill.request" },
  async ({ params, actor, meta }) => {
    // A deleted cluster's backups stay restorable, but drills (evidence for a live cluster) stop.
    const cluster = await getActiveClusterRowOrThrow(params.id);
    return json(await startDrill(cluster.id, actor, meta), 202);
  },
);
