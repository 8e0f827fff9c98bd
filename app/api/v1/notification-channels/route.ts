import { createChannel } from "@/lib/alerts/mutations";
import { listChannels } from "@/lib/alerts/queries";
import { json, readJson, withRoute } from "@/lib/route";
import { channelInputSchema } from "@/lib/schemas/notification-channels";

export const dynamic = "force-dynamic";

// GET /api/v1/notification-channels — channels with their display target, never the URL
export const GET = withRoute({ role: "viewer", action: "notification_channel.list" }, () => listChannels());

// POST /api/v1/notification-channels — a webhook, e-mail (SMTP) or PagerDuty channel (admin)
export const POST = withRoute(
  { role: "admin", action: "notification_channel.create" },
  async ({ req, actor, meta }) => {
    const input = channelInputSchema.parse(await readJson(req));
    return json(await createChannel(actor, input, meta), 201);
  },
);
