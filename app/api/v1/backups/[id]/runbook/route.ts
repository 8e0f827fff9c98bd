import { getBackupRunbookOrThrow, runbookScript } from "@/lib/restore/runbook";
import { withRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

// GET /api/v1/backups/:id/runbook — the break-glass runbook of a physical backup (?format=text: one bash script)
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "backup.runbook" },
  async ({ req, params }) => {
    const runbook = await getBackupRunbookOrThrow(params.id);
    if (req.nextUrl.searchParams.get("format") !== "text") return runbook;
    return new Response(runbookScript(runbook), {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": `inline; filename="walden-restore-${runbook.backup.id.slice(0, 8)}.sh"`,
      },
    });
  },
);
