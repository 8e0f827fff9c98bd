import { z } from "zod";
import { listClusterEvents } from "@/lib/replication/queries";
import { withRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

const isoWithOffset = z.iso.datetime({ offset: true, error: "must be an ISO-8601 time with an offset" });
const eventsQuerySchema = z.strictObject({ from: isoWithOffset.optional(), to: isoWithOffset.optional() });

// GET /api/v1/clusters/:id/events?from&to — state, role and timeline changes, newest first (default: last 24 h)
export const GET = withRoute<{ id: string }>({ role: "viewer", action: "replication.events" }, ({ req, params }) =>
  listClusterEvents(params.id, eventsQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams))),
);
