import { acknowledgeAlert } from "@/lib/alerts/mutations";
import { withRoute } from "@/lib/route";
import { uuidSchema } from "@/lib/schemas/common";

export const dynamic = "force-dynamic";

// POST /api/v1/alerts/:id/acknowledge — someone is on it (operator)
export const POST = withRoute<{ id: string }>(
  { role: "operator", action: "alert.acknowledge" },
  ({ params, actor, meta }) => acknowledgeAlert(actor, uuidSchema.parse(params.id), meta),
);
