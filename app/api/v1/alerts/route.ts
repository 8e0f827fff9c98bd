import { listAlerts } from "@/lib/alerts/queries";
import { withRoute } from "@/lib/route";
import { alertListQuerySchema } from "@/lib/schemas/alerts";
import { readKey, sharedJson } from "@/lib/web/shared-read";

export const dynamic = "force-dynamic";

// GET /api/v1/alerts?state&clusterId — firing and resolved alerts, newest first
export const GET = withRoute({ role: "viewer", action: "alert.list" }, ({ req }) => {
  const query = alertListQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams));
  return sharedJson(readKey(req), () => listAlerts(query));
});
