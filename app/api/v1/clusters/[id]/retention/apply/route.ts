import { confirmAndApplyRetention } from "@/lib/backup/retention";
import { withRoute } from "@/lib/route";

// POST /api/v1/clusters/:id/retention/apply?confirm=<cluster name> — delete what the preview lists (admin, typed confirmation)
export const POST = withRoute<{ id: string }>(
  { role: "admin", action: "retention.apply" },
  ({ req, params, actor, meta }) =>
    confirmAndApplyRetention(actor, params.id, req.nextUrl.searchParams.get("confirm"), meta),
);
