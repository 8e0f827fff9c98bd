import { z } from "zod";
import type { Locale } from "@/lib/i18n/locales";
import { translatorFor } from "@/lib/i18n/translator";

// What each kind of channel makes of a stored notification (the webhook's JSON: `text`,
// `event`, `alert`): an e-mail's subject and body, a PagerDuty event. Pure, so they are unit tested.

const storedAlertSchema = z.object({
  id: z.string(),
  kind: z.string(),
  severity: z.string(),
  cluster: z.string(),
  clusterId: z.string(),
  subject: z.string(),
  message: z.string(),
  value: z.number().nullable(),
  startedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});

export const storedNotificationSchema = z.object({
  text: z.string(),
  event: z.enum(["firing", "resolved", "test"]),
  alert: storedAlertSchema.nullish(),
});
export type StoredNotification = z.infer<typeof storedNotificationSchema>;

/** The e-mail for a stored notification, in the channel's language (the alert's own message stays as stored). */
export function alertEmail(
  notification: StoredNotification,
  locale: Locale = "en",
): { subject: string; text: string } {
  const t = translatorFor(locale);
  const alert = notification.alert;
  if (!alert) return { subject: t("email.alert.testSubject"), text: `${notification.text}\n` };
  const severity =
    alert.severity === "critical" || alert.severity === "warning"
      ? t(`email.alert.severity.${alert.severity}`)
      : alert.severity.toUpperCase();
  const state =
    notification.event === "resolved" ? t("email.alert.resolved") : t("email.alert.firing", { severity });
  const lines = [
    notification.text,
    "",
    t("email.alert.cluster", { cluster: alert.cluster }),
    t("email.alert.subjectLine", { subject: alert.subject }),
    t("email.alert.alert", { kind: alert.kind, severity: alert.severity }),
    ...(alert.value !== null ? [t("email.alert.value", { value: String(alert.value) })] : []),
    ...(alert.startedAt ? [t("email.alert.since", { time: alert.startedAt })] : []),
    ...(alert.resolvedAt ? [t("email.alert.resolvedAt", { time: alert.resolvedAt })] : []),
    "",
    t("email.alert.footer"),
  ];
  return {
    subject: t("email.alert.subject", { state, cluster: alert.cluster, message: alert.message }).slice(0, 250),
    text: `${lines.join("\n")}\n`,
  };
}

/** PagerDuty's severities; Walden's warning and critical map onto two of them. */
const pagerDutySeverity: Record<string, "critical" | "error" | "warning" | "info"> = {
  critical: "critical",
  warning: "warning",
};

/**
 * An Events API v2 event: trigger on firing, resolve on resolved, both with the alert's id as
 * dedup_key so PagerDuty closes the incident it opened. A test triggers an info event of its own.
 */
export function pagerDutyEvent(routingKey: string, notification: StoredNotification, channelId: string) {
  const alert = notification.alert;
  if (!alert) {
    return {
      routing_key: routingKey,
      event_action: "trigger" as const,
      dedup_key: `walden-test-${channelId}`,
      payload: { summary: notification.text, source: "walden", severity: "info" as const },
      client: "Walden",
    };
  }
  const dedupKey = `walden-alert-${alert.id}`;
  if (notification.event === "resolved")
    return { routing_key: routingKey, event_action: "resolve" as const, dedup_key: dedupKey };
  return {
    routing_key: routingKey,
    event_action: "trigger" as const,
    dedup_key: dedupKey,
    payload: {
      // PagerDuty cuts summaries at 1024 characters.
      summary: `${alert.cluster}: ${alert.message}`.slice(0, 1024),
      source: alert.cluster,
      severity: pagerDutySeverity[alert.severity] ?? "error",
      component: alert.subject,
      group: alert.cluster,
      class: alert.kind,
      timestamp: alert.startedAt ?? undefined,
      custom_details: { clusterId: alert.clusterId, value: alert.value, kind: alert.kind },
    },
    client: "Walden",
  };
}
