import { deleteChannel, updateChannel } from "@/lib/alerts/mutations";
import { json, readJson, withRoute } from "@/lib/route";
import { uuidSchema } from "@/lib/schemas/common";
import { channelPatchSchema } from "@/lib/schemas/notification-channels";

export const dynamic = "force-dynamic";

// PATCH /api/v1/notification-channels/:id — edit a channel; secrets left out are kept (admin)
export const PATCH = withRoute<{ id: string }>(
  { role: "admin", action: "notification_channel.update" },
  async ({ req, params, actor, meta }) => {
    const id = uuidSchema.parse(params.id);
    const patch = channelPatchSchema.parse(await readJson(req));
    return json(await updateChannel(actor, id, patch, meta));
  },
);

// DELETE /api/v1/notification-channels/:id — remove a channel and take it off every rule (admin)
export const DELETE = withRoute<{ id: string }>(
  { role: "admin", action: "notification_channel.delete" },
  async ({ params, actor, meta }) => {
    await deleteChannel(actor, uuidSchema.parse(params.id), meta);
    return new Response(null, { status: 204 });
  },
);
