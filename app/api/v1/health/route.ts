import { getHealth } from "@/lib/health";
import { json, withPublicRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

// GET /api/v1/health — catalog reachable and a worker beating recently; no sign-in needed
export const GET = withPublicRoute(async () => {
  const health = await getHealth();
  return json(health, health.catalog === "ok" ? 200 : 503);
});
