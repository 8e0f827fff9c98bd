import { testChannel } from "@/lib/alerts/mutations";
import { withRoute } from "@/lib/route";
import { uuidSchema } from "@/lib/schemas/common";

export const dynamic = "force-dynamic";

// POST /api/v1/notification-channels/:id/test — send a test notification now and say how it went (admin)
export const POST = withRoute<{ id: string }>(
  { role: "admin", action: "notification_channel.test" },
  ({ params, actor, meta }) => testChannel(actor, uuidSchema.parse(params.id), meta),
);
