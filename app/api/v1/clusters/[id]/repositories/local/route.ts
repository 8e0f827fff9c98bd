import { setLocalEncryption } from "@/lib/backup/at-rest-settings";
import { readJson, withRoute } from "@/lib/route";
import { localEncryptionSchema } from "@/lib/schemas/local-encryption";

// PUT /api/v1/clusters/:id/repositories/local — the local repository's encryption at rest (admin):
// `{encryption: {enabled, recipient?, identity?}}`; the identity is kept sealed, never returned.
export const PUT = withRoute<{ id: string }>(
  { role: "admin", action: "local_repository.update" },
  async ({ req, params, actor, meta }) =>
    setLocalEncryption(actor, params.id, localEncryptionSchema.parse(await readJson(req)), meta),
);
