import { sendTestNotification } from "@/lib/alerts/notify";
import { audit } from "@/lib/auth/audit";
import { withRoute } from "@/lib/route";
import { uuidSchema } from "@/lib/schemas/common";

export const dynamic = "force-dynamic";

// POST /api/v1/notification-channels/:id/test — send a test notification now and say how it went (admin)
export const POST = withRoute<{ id: string }>(
  { role: "admin", action: "notification_channel.test" },
  async ({ params, actor, meta }) => {
    const delivery = await sendTestNotification(uuidSchema.parse(params.id));
    await audit(
      actor,
      {
        action: "notification_channel.test",
        outcome: delivery.status === "delivered" ? "success" : "failed",
        target: { type: "notification_channel", id: delivery.channelId },
        details: { status: delivery.status, error: delivery.lastError },
      },
      meta,
    );
    return delivery;
  },
);
