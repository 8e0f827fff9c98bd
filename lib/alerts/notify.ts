import { db } from "@/lib/db";
import { readJson, toJson } from "@/lib/db/json";
import { AppError } from "@/lib/errors";
import type { NotificationChannel, NotificationDelivery } from "@/lib/generated/prisma/client";
import { storedDeliveryPayloadSchema } from "@/lib/schemas/alerts";
import { sendToChannel } from "./channels/send";

// Notifications: one delivery row per channel and event, attempted by the worker until it is
// delivered or has used its retries. The row stores the webhook's JSON (a `text` field, so a
// Slack incoming webhook works as is, and the alert for machines); e-mail and PagerDuty
// channels build their message from it (lib/alerts/channels).

/** Waits before the 2nd, 3rd, 4th and 5th attempt; after the 5th, the delivery has failed. */
export const RETRY_BACKOFF_MS = [10_000, 60_000, 300_000, 1_800_000];
/** A claimed delivery is not picked again for this long (a worker that died mid-attempt). */
const CLAIM_LEASE_MS = 2 * 60_000;

export type DeliveryEvent = "firing" | "resolved" | "test";

export interface AlertPayloadInput {
  id: string;
  kind: string;
  severity: string;
  subject: string;
  message: string;
  value: number | null;
  clusterId: string;
  clusterName: string;
  startedAt: Date | null;
  resolvedAt: Date | null;
}

/** The JSON a webhook receives. `text` reads well in Slack; `alert` is for machines. */
export function alertPayload(event: "firing" | "resolved", alert: AlertPayloadInput) {
  // A resolved message repeats what fired, marked as over, so it is not read as a new problem.
  const text =
    event === "firing"
      ? `[${alert.severity.toUpperCase()}] FIRING ${alert.message}`
      : `[RESOLVED] ${alert.message} (was firing${alert.startedAt ? ` since ${alert.startedAt.toISOString()}` : ""}; cleared now)`;
  return {
    text,
    event,
    alert: {
      id: alert.id,
      kind: alert.kind,
      severity: alert.severity,
      state: event,
      cluster: alert.clusterName,
      clusterId: alert.clusterId,
      subject: alert.subject,
      message: alert.message,
      value: alert.value,
      startedAt: alert.startedAt?.toISOString() ?? null,
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    },
  };
}

export function testPayload(channelName: string, now: Date) {
  return {
    text: `Walden test notification for channel "${channelName}" at ${now.toISOString()}`,
    event: "test",
    alert: null,
  };
}

/** Queues one delivery per enabled channel; unknown or disabled channel ids are skipped. */
export async function queueDeliveries(
  channelIds: string[],
  alertId: string,
  event: "firing" | "resolved",
  payload: object,
  now: Date,
): Promise<number> {
  if (channelIds.length === 0) return 0;
  const channels = await db().notificationChannel.findMany({
    where: { id: { in: channelIds }, enabled: true },
    select: { id: true },
  });
  await db().notificationDelivery.createMany({
    data: channels.map((channel) => ({
      channelId: channel.id,
      alertId,
      event,
      payload: toJson(payload),
      nextAttemptAt: now,
    })),
  });
  return channels.length;
}

/** When a failed attempt number `attempts` (1-based) is retried; null when it was the last. */
export function nextAttemptAfter(attempts: number, now: Date): Date | null {
  const wait = RETRY_BACKOFF_MS[attempts - 1];
  return wait === undefined ? null : new Date(now.getTime() + wait);
}

/** Attempts one delivery and records the outcome; `retry` false makes a failure final (tests). */
async function attemptDelivery(
  delivery: NotificationDelivery & { channel: NotificationChannel },
  now: () => Date,
  retry: boolean,
): Promise<NotificationDelivery> {
  const result = await sendToChannel(delivery.channel, delivery.payload);
  const attempts = delivery.attempts + 1;
  // A channel that cannot send (no SMTP settings) will not start working by retrying.
  const retryAt = retry && result.retry !== false ? nextAttemptAfter(attempts, now()) : null;
  return db().notificationDelivery.update({
    where: { id: delivery.id },
    data: result.ok
      ? {
          status: "delivered",
          attempts,
          responseStatus: result.responseStatus,
          lastError: null,
          deliveredAt: now(),
        }
      : {
          status: retryAt ? "pending" : "failed",
          attempts,
          responseStatus: result.responseStatus,
          lastError: result.error,
          nextAttemptAt: retryAt ?? now(),
        },
  });
}

/**
 * Attempts every pending delivery that is due. Each is claimed first (its next attempt moved
 * out by a lease), so two workers never post the same notification at once.
 */
export async function deliverDueNotifications(
  now: () => Date = () => new Date(),
  limit = 50,
): Promise<{ delivered: number; failed: number; retrying: number }> {
  const due = await db().notificationDelivery.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now() } },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
    include: { channel: true },
  });
  const counts = { delivered: 0, failed: 0, retrying: 0 };
  await Promise.all(
    due.map(async (delivery) => {
      const claimed = await db().notificationDelivery.updateMany({
        where: { id: delivery.id, status: "pending", nextAttemptAt: delivery.nextAttemptAt },
        data: { nextAttemptAt: new Date(now().getTime() + CLAIM_LEASE_MS) },
      });
      if (claimed.count !== 1) return;
      const done = await attemptDelivery(delivery, now, true);
      if (done.status === "delivered") counts.delivered += 1;
      else if (done.status === "failed") counts.failed += 1;
      else counts.retrying += 1;
    }),
  );
  return counts;
}

export interface DeliverySummary {
  id: string;
  channelId: string;
  alertId: string | null;
  event: string;
  status: string;
  attempts: number;
  lastError: string | null;
  responseStatus: number | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  text: string | null;
}

export function toDeliverySummary(row: NotificationDelivery): DeliverySummary {
  const text = readJson(storedDeliveryPayloadSchema, row.payload, "notification payload")?.text;
  return {
    id: row.id,
    channelId: row.channelId,
    alertId: row.alertId,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    responseStatus: row.responseStatus,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    text: typeof text === "string" ? text : null,
  };
}

/** Sends a test notification now, once, and returns what happened (recorded like any delivery). */
export async function sendTestNotification(channelId: string): Promise<DeliverySummary> {
  const channel = await db().notificationChannel.findUnique({ where: { id: channelId } });
  if (!channel) throw new AppError("not_found", "No notification channel with this id");
  const now = new Date();
  const delivery = await db().notificationDelivery.create({
    data: {
      channelId,
      event: "test",
      payload: toJson(testPayload(channel.name, now)),
      // Claimed from the start: the delivery loop must not post it a second time.
      nextAttemptAt: new Date(now.getTime() + CLAIM_LEASE_MS),
    },
  });
  return toDeliverySummary(await attemptDelivery({ ...delivery, channel }, () => new Date(), false));
}
