import { getBackupOrThrow } from "@/lib/backup/queries";
import { withRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

// GET /api/v1/backups/:id — one backup with its progress, LSN range, checksum and log
export const GET = withRoute<{ id: string }>({ role: "viewer", action: "backup.read" }, ({ params }) =>
  getBackupOrThrow(params.id),
);
