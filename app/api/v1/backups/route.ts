import { requestBackup } from "@/lib/backup/mutations";
import { backupListQuerySchema, listBackups } from "@/lib/backup/queries";
import { json, readJson, withRoute } from "@/lib/route";
import { backupRequestSchema } from "@/lib/schemas/backup";
import { readKey, sharedJson } from "@/lib/web/shared-read";

export const dynamic = "force-dynamic";

// GET /api/v1/backups?clusterId&status&kind — the backup catalog, newest first
export const GET = withRoute({ role: "viewer", action: "backup.list" }, ({ req }) => {
  const query = backupListQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams));
  return sharedJson(readKey(req), () => listBackups(query));
});

// POST /api/v1/backups — queue a physical or logical backup (operator)
export const POST = withRoute(
  { role: "operator", action: "backup.request" },
  async ({ req, actor, meta }) => {
    const request = backupRequestSchema.parse(await readJson(req));
    return json(await requestBackup(actor, request, meta), 202);
  },
);
