import { requestVerification } from "@/lib/backup/mutations";
import { json, withRoute } from "@/lib/route";

// POST /api/v1/backups/:id/verify — queue a verification of a succeeded backup (operator)
export const POST = withRoute<{ id: string }>(
  { role: "operator", action: "backup.verify" },
  async ({ params, actor, meta }) => json(await requestVerification(actor, params.id, meta), 202),
);
