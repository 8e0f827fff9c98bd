import { silenceAlert } from "@/lib/alerts/mutations";
import { readJson, withRoute } from "@/lib/route";
import { silenceSchema } from "@/lib/schemas/alerts";
import { uuidSchema } from "@/lib/schemas/common";

export const dynamic = "force-dynamic";

// POST /api/v1/alerts/:id/silence {until} — no notifications for this alert until then (operator)
export const POST = withRoute<{ id: string }>(
  { role: "operator", action: "alert.silence" },
  async ({ req, params, actor, meta }) =>
    silenceAlert(actor, uuidSchema.parse(params.id), silenceSchema.parse(await readJson(req)), meta),
);
