import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { AppError } from "@/lib/errors";
import { askWorker } from "@/lib/queue/ask";
import { withRoute } from "@/lib/route";
import { tableEventsQuerySchema } from "@/lib/schemas/restore";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/table-events?table&database&from&to&minDeletedRows — transactions in the archived WAL that dropped, truncated or deleted many rows of a table, each with "restore to just before" (answered by the worker: it reads WAL)
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "restore.table-events" },
  async ({ req, params }) => {
    const query = tableEventsQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams));
    if (Date.parse(query.from) > Date.parse(query.to)) {
      throw new AppError("unprocessable_entity", "from: must not be after to", [
        { path: "from", message: "must not be after to" },
      ]);
    }
    const cluster = await getClusterRowOrThrow(params.id);
    return askWorker("restore.events", { clusterId: cluster.id, query }, 60_000);
  },
);
