import { channelSettingsOf } from "@/lib/alerts/channels/target";
import { toDeliverySummary, type DeliverySummary } from "@/lib/alerts/notify";
import { hasRole, type Role } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { appError } from "@/lib/errors";
import type { Alert, AlertRule, NotificationChannel } from "@/lib/generated/prisma/client";
import type { alertListQuerySchema } from "@/lib/schemas/alerts";
import type { ChannelSettings } from "@/lib/schemas/notification-channels";
import type { z } from "zod";

// Reads for the alerts API and pages: DTOs only; a channel's URL or address never leaves here.

export interface AlertSummary {
  id: string;
  ruleId: string;
  clusterId: string;
  kind: string;
  state: string;
  severity: string;
  subject: string;
  message: string;
  value: number | null;
  pendingSince: string;
  startedAt: string | null;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  silencedUntil: string | null;
}

export function toAlertSummary(row: Alert): AlertSummary {
  return {
    id: row.id,
    ruleId: row.ruleId,
    clusterId: row.clusterId,
    kind: row.kind,
    state: row.state,
    severity: row.severity,
    subject: row.subject,
    message: row.message,
    value: row.value,
    pendingSince: row.pendingSince.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: row.acknowledgedBy,
    silencedUntil: row.silencedUntil?.toISOString() ?? null,
  };
}

/** Alerts newest first; without `state`, pending ones are left out (they have not fired). */
export async function listAlerts(query: z.infer<typeof alertListQuerySchema>): Promise<AlertSummary[]> {
  const rows = await db().alert.findMany({
    where: {
      state: query.state ?? { in: ["firing", "resolved"] },
      ...(query.clusterId ? { clusterId: query.clusterId } : {}),
    },
    orderBy: [{ startedAt: { sort: "desc", nulls: "first" } }, { pendingSince: "desc" }],
    take: query.limit,
  });
  return rows.map(toAlertSummary);
}

export async function getAlertOrThrow(id: string): Promise<Alert> {
  const alert = await db().alert.findUnique({ where: { id } });
  if (!alert) throw appError("not_found", "alerts.noAlert");
  return alert;
}

export interface AlertRuleSummary {
  id: string;
  clusterId: string | null;
  kind: string;
  threshold: number | null;
  forSeconds: number;
  severity: string;
  enabled: boolean;
  channelIds: string[];
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toAlertRuleSummary(row: AlertRule): AlertRuleSummary {
  return {
    id: row.id,
    clusterId: row.clusterId,
    kind: row.kind,
    threshold: row.threshold,
    forSeconds: row.forSeconds,
    severity: row.severity,
    enabled: row.enabled,
    channelIds: Array.isArray(row.channelIds) ? (row.channelIds as string[]) : [],
    isDefault: row.isDefault,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Rules of a cluster (and the global ones), or all rules. */
export async function listAlertRules(clusterId?: string): Promise<AlertRuleSummary[]> {
  const rows = await db().alertRule.findMany({
    where: clusterId ? { OR: [{ clusterId }, { clusterId: null }] } : {},
    orderBy: [{ clusterId: "asc" }, { kind: "asc" }, { severity: "asc" }],
  });
  return rows.map(toAlertRuleSummary);
}

export interface ChannelSummary {
  id: string;
  kind: string;
  name: string;
  /** The URL's host or the email address: never the URL, which often carries a token. */
  displayTarget: string;
  enabled: boolean;
  createdAt: string;
  /** The settings an edit starts from, secrets left out; null when the stored settings are unreadable. */
  settings: ChannelSettings | null;
}

export function toChannelSummary(row: NotificationChannel): ChannelSummary {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    displayTarget: row.displayTarget,
    settings: channelSettingsOf(row),
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listChannels(): Promise<ChannelSummary[]> {
  const rows = await db().notificationChannel.findMany({ orderBy: { name: "asc" } });
  return rows.map(toChannelSummary);
}

/** The channel's deliveries newest first, with every attempt's count and last error. */
/**
 * A webhook's reply body can carry whatever the receiving service says (tokens, internal
 * names): operators and admins read it in the delivery's error, viewers the status only.
 */
function replyVisibleTo(delivery: DeliverySummary, reader: Role): DeliverySummary {
  if (hasRole(reader, "operator") || !delivery.lastError) return delivery;
  const status = /^HTTP (\d{3}): /.exec(delivery.lastError);
  return status
    ? { ...delivery, lastError: `HTTP ${status[1]} (the reply's body is shown to operators)` }
    : delivery;
}

export async function listDeliveries(
  channelId: string,
  reader: Role,
  limit = 100,
): Promise<DeliverySummary[]> {
  const channel = await db().notificationChannel.findUnique({
    where: { id: channelId },
    select: { id: true },
  });
  if (!channel) throw appError("not_found", "alerts.noChannel");
  const rows = await db().notificationDelivery.findMany({
    where: { channelId },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  return rows.map((row) => replyVisibleTo(toDeliverySummary(row), reader));
}
