import { previewRetention } from "@/lib/backup/retention";
import { withRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/retention/preview — dry run: which backups and WAL would go, and how the window would change
export const GET = withRoute<{ id: string }>({ role: "viewer", action: "retention.preview" }, ({ params }) =>
  previewRetention(params.id),
);
