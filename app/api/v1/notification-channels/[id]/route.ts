import { deleteChannel } from "@/lib/alerts/mutations";
import { withRoute } from "@/lib/route";
import { uuidSchema } from "@/lib/schemas/common";

export const dynamic = "force-dynamic";

// DELETE /api/v1/notification-channels/:id — remove a channel and take it off every rule (admin)
export const DELETE = withRoute<{ id: string }>(
  { role: "admin", action: "notification_channel.delete" },
  async ({ params, actor, meta }) => {
    await deleteChannel(actor, uuidSchema.parse(params.id), meta);
    return new Response(null, { status: 204 });
  },
);
