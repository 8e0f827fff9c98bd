import type { NotificationChannel } from "@/lib/generated/prisma/client";
import { alertEmail, pagerDutyEvent, storedNotificationSchema } from "./messages";
import { pagerDutyEventsUrl } from "./pagerduty";
import { postJson, type AttemptResult } from "./post-json";
import { sendMail } from "./smtp";
import { ChannelNotUsable, readChannelTarget } from "./target";

// One attempt to deliver a stored notification to one channel, whatever its kind.

export async function sendToChannel(channel: NotificationChannel, payload: unknown): Promise<AttemptResult> {
  let target;
  try {
    target = readChannelTarget(channel);
  } catch (error) {
    if (error instanceof ChannelNotUsable)
      return { ok: false, responseStatus: null, error: error.message, retry: false };
    throw error;
  }
  // A webhook gets the stored JSON as it is; the others build their message from it.
  if (target.kind === "webhook") return postJson(target.url, payload);
  const notification = storedNotificationSchema.safeParse(payload);
  if (!notification.success)
    return { ok: false, responseStatus: null, error: "the stored notification is unreadable", retry: false };
  if (target.kind === "pagerduty")
    return postJson(pagerDutyEventsUrl(), pagerDutyEvent(target.routingKey, notification.data, channel.id));
  const sent = await sendMail(target.smtp, alertEmail(notification.data, target.smtp.locale));
  return { ok: sent.ok, responseStatus: null, error: sent.error };
}
