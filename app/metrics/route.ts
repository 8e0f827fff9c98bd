import { renderMetrics } from "@/lib/metrics/prometheus";
import { withRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

// GET /metrics — Prometheus text format; scrape with a viewer token (bearer_token in the scrape config)
export const GET = withRoute({ role: "viewer", action: "metrics.read" }, async () => {
  const { body, contentType } = await renderMetrics();
  return new Response(body, { headers: { "content-type": contentType } });
});
