import { requestVerification } from "@/lib/backup/mutations";
import { json, readOptionalJson, withRoute } from "@/lib/route";
import { copyChoiceSchema } from "@/lib/schemas/restore";

// POST /api/v1/backups/:id/verify — queue a verification of a succeeded backup (operator); the
// optional body `{source: "local"|"offsite"}` names the copy to check.
export const POST = withRoute<{ id: string }>(
  { role: "operator", action: "backup.verify" },
  async ({ req, params, actor, meta }) => {
    const { source } = copyChoiceSchema.parse(await readOptionalJson(req));
    return json(await requestVerification(actor, params.id, meta, { source }), 202);
  },
);
