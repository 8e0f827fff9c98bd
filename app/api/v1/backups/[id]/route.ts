import { backupPatchSchema, deleteBackup, setBackupPinned } from "@/lib/backup/mutations";
import { getBackupOrThrow } from "@/lib/backup/queries";
import { readJson, withRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

type Params = { id: string };

// GET /api/v1/backups/:id — one backup with its progress, LSN range, checksum and log
export const GET = withRoute<Params>({ role: "viewer", action: "backup.read" }, ({ params }) =>
  getBackupOrThrow(params.id),
);

// PATCH /api/v1/backups/:id {pinned} — pin (retention and deletion keep it) or unpin (operator)
export const PATCH = withRoute<Params>(
  { role: "operator", action: "backup.pin" },
  async ({ req, params, actor, meta }) => {
    const input = backupPatchSchema.parse(await readJson(req));
    return setBackupPinned(actor, params.id, input.pinned, meta);
  },
);

// DELETE /api/v1/backups/:id?confirm=<label> — remove a backup's files, keep its row (admin, typed
// confirmation; a pinned backup is a 422)
export const DELETE = withRoute<Params>(
  { role: "admin", action: "backup.delete" },
  ({ req, params, actor, meta }) =>
    deleteBackup(actor, params.id, req.nextUrl.searchParams.get("confirm"), meta),
);
