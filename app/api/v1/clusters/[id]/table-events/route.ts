import { listTableEvents } from "@/lib/restore/queries";
import { withRoute } from "@/lib/route";
import { tableEventsQuerySchema } from "@/lib/schemas/restore";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/table-events?table&database&from&to&minDeletedRows — transactions in the archived WAL that dropped, truncated or deleted many rows of a table, each with "restore to just before" (answered by the worker: it reads WAL)
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "restore.table-events" },
  ({ req, params }) =>
    listTableEvents(params.id, tableEventsQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams))),
);
