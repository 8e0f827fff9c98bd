import { listDeliveries } from "@/lib/alerts/queries";
import { withRoute } from "@/lib/route";
import { uuidSchema } from "@/lib/schemas/common";

export const dynamic = "force-dynamic";

// GET /api/v1/notification-channels/:id/deliveries — recent deliveries with attempts and errors
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "notification_delivery.list" },
  ({ params, actor }) => listDeliveries(uuidSchema.parse(params.id), actor.role),
);
