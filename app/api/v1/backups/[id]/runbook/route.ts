import { runbookResponse } from "@/lib/restore/runbook-script";
import { withRoute } from "@/lib/route";
import { copyChoiceSchema } from "@/lib/schemas/restore";

export const dynamic = "force-dynamic";

// GET /api/v1/backups/:id/runbook — the break-glass runbook of a physical backup (?format=text: one
// bash script; ?source=local|offsite: from that copy, to print the offsite one ahead of a disaster)
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "backup.runbook" },
  ({ req, params }) => {
    const query = req.nextUrl.searchParams;
    const { source } = copyChoiceSchema.parse({ source: query.get("source") ?? undefined });
    return runbookResponse(params.id, query.get("format"), source);
  },
);
