import { getLagSeries } from "@/lib/replication/queries";
import { withRoute } from "@/lib/route";
import { lagQuerySchema } from "@/lib/schemas/replication";
import { readKey, sharedJson } from "@/lib/web/shared-read";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/lag?standby&from&to&points — lag history, downsampled to at most `points`
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "replication.lag" },
  ({ req, params }) => {
    const query = lagQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams));
    return sharedJson(readKey(req), () => getLagSeries(params.id, query));
  },
);
