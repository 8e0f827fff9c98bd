import { json, readJson, withRoute } from "@/lib/route";
import { requestRestore } from "@/lib/restore/mutations";
import { listRestores, restoreListQuerySchema } from "@/lib/restore/queries";
import { restoreRequestSchema } from "@/lib/schemas/restore";

export const dynamic = "force-dynamic";

// GET /api/v1/restores?clusterId&status&kind&purpose — restores and drills, newest first
export const GET = withRoute({ role: "viewer", action: "restore.list" }, ({ req, actor }) =>
  listRestores(restoreListQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams)), actor.role),
);

// POST /api/v1/restores — plan (422 when the target cannot be reached) and queue a restore (operator)
export const POST = withRoute(
  { role: "operator", action: "restore.request" },
  async ({ req, actor, meta }) => {
    const request = restoreRequestSchema.parse(await readJson(req));
    return json(await requestRestore(actor, request, meta), 202);
  },
);
