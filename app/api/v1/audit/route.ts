import { listAuditEvents } from "@/lib/audit/queries";
import { withRoute } from "@/lib/route";

// GET /api/v1/audit?limit&before — audit events, newest first (admin)
export const GET = withRoute({ role: "admin", action: "audit.list" }, ({ req }) =>
  listAuditEvents({
    limit: Number(req.nextUrl.searchParams.get("limit") ?? 200) || 200,
    before: req.nextUrl.searchParams.get("before") ?? undefined,
  }),
);
