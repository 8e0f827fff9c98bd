import { checkConfigSettings } from "@/lib/clusters/config-check";
import { readJson, withRoute } from "@/lib/route";
import { configCheckInputSchema } from "@/lib/schemas/config-check";

// POST /api/v1/clusters/config-check — the configuration check of settings before they are registered (admin: it dials out)
export const POST = withRoute(
  { role: "admin", action: "cluster.config_check" },
  async ({ req, actor, meta }) =>
    checkConfigSettings(actor, configCheckInputSchema.parse(await readJson(req)), meta),
);
