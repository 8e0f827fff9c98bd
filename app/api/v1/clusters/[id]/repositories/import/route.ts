import { importRepository } from "@/lib/repository/import";
import { readJson, withRoute } from "@/lib/route";
import { repositoryImportRequestSchema } from "@/lib/schemas/repository-import";

// POST /api/v1/clusters/:id/repositories/import — list (dryRun) or import the backups a repository describes (admin)
export const POST = withRoute<{ id: string }>(
  { role: "admin", action: "repository.import" },
  async ({ req, params, actor, meta }) =>
    importRepository(actor, params.id, repositoryImportRequestSchema.parse(await readJson(req)), meta),
);
