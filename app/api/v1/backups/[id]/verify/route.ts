import { requestVerification } from "@/lib/backup/mutations";
import { json, readOptionalJson, withRoute } from "@/lib/route";
import { copyAndKeySchema } from "@/lib/schemas/local-encryption";

// POST /api/v1/backups/:id/verify — queue a verification of a succeeded backup (operator); the
// optional body `{source: "local"|"offsite", identity?: "AGE-SECRET-KEY-1…"}` names the copy to check
// and the key of a backup encrypted at rest (else the one Walden holds; without: ciphertext only).
export const POST = withRoute<{ id: string }>(
  { role: "operator", action: "backup.verify" },
  async ({ req, params, actor, meta }) => {
    const { source, identity } = copyAndKeySchema.parse(await readOptionalJson(req));
    return json(await requestVerification(actor, params.id, meta, { source, identity }), 202);
  },
);
