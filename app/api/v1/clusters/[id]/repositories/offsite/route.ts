import {
  deleteOffsiteRepository,
  offsiteRepositoryUpdateSchema,
  setOffsiteRepository,
} from "@/lib/offsite/mutations";
import { readJson, withRoute } from "@/lib/route";

// PUT /api/v1/clusters/:id/repositories/offsite — set the offsite repository (admin; the secret is never returned)
export const PUT = withRoute<{ id: string }>(
  { role: "admin", action: "offsite_repository.update" },
  async ({ req, params, actor, meta }) =>
    setOffsiteRepository(actor, params.id, offsiteRepositoryUpdateSchema.parse(await readJson(req)), meta),
);

// DELETE /api/v1/clusters/:id/repositories/offsite — forget the offsite repository (admin; objects stay)
export const DELETE = withRoute<{ id: string }>(
  { role: "admin", action: "offsite_repository.delete" },
  ({ params, actor, meta }) => deleteOffsiteRepository(actor, params.id, meta),
);
