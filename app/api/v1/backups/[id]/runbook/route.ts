import { runbookResponse } from "@/lib/restore/runbook-script";
import { withRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

// GET /api/v1/backups/:id/runbook — the break-glass runbook of a physical backup (?format=text: one bash script)
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "backup.runbook" },
  ({ req, params }) => runbookResponse(params.id, req.nextUrl.searchParams.get("format")),
);
