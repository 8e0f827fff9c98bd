import { z } from "zod";
import { json, readJson, withRoute } from "@/lib/route";
import { tearDownRestore } from "@/lib/restore/mutations";

const bodySchema = z.strictObject({ confirm: z.string().max(100).optional() });

// POST /api/v1/restores/:id/teardown {confirm: "<instance name>"} — stop and delete a restored instance (operator)
export const POST = withRoute<{ id: string }>(
  { role: "operator", action: "restore.teardown" },
  async ({ req, params, actor, meta }) => {
    const { confirm } = bodySchema.parse(await readJson(req));
    return json(await tearDownRestore(actor, params.id, confirm, meta), 202);
  },
);
