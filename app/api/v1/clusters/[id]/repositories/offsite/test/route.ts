import { offsiteRepositoryUpdateSchema, testOffsiteRepository } from "@/lib/offsite/mutations";
import { readJson, withRoute } from "@/lib/route";

// POST /api/v1/clusters/:id/repositories/offsite/test — write, read, list and delete a probe
// (admin): with settings in the body, those (the stored secret when left out); with none or `{}`, the stored ones
export const POST = withRoute<{ id: string }>(
  { role: "admin", action: "offsite_repository.test" },
  async ({ req, params, actor, meta }) => {
    const body = req.body === null ? {} : await readJson(req);
    const given = typeof body === "object" && body !== null && Object.keys(body).length > 0;
    return testOffsiteRepository(
      actor,
      params.id,
      given ? offsiteRepositoryUpdateSchema.parse(body) : null,
      meta,
    );
  },
);
