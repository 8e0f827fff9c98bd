import { getLagSeries } from "@/lib/replication/queries";
import { withRoute } from "@/lib/route";
import { lagQuerySchema } from "@/lib/schemas/replication";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/lag?standby&from&to&points — lag history, downsampled to at most `points`
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "replication.lag" },
  ({ req, params }) =>
    getLagSeries(params.id, lagQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams))),
);
