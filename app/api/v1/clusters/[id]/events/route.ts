import { z } from "zod";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { listReplicationEvents } from "@/lib/replication/queries";
import { withRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

const isoWithOffset = z.iso.datetime({ offset: true, error: "must be an ISO-8601 time with an offset" });
const eventsQuerySchema = z.strictObject({ from: isoWithOffset.optional(), to: isoWithOffset.optional() });

// GET /api/v1/clusters/:id/events?from&to — state, role and timeline changes, newest first (default: last 24 h)
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "replication.events" },
  async ({ req, params }) => {
    const query = eventsQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams));
    await getClusterRowOrThrow(params.id);
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 24 * 3600_000);
    return listReplicationEvents(params.id, from, to);
  },
);
