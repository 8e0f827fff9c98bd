import type { z } from "zod";
import {
  ChannelNotUsable,
  displayTargetOf,
  encryptChannelTarget,
  storedInputOf,
  storedTargetOf,
} from "@/lib/alerts/channels/target";
import { sendTestNotification, type DeliverySummary } from "@/lib/alerts/notify";
import {
  type AlertRuleSummary,
  type AlertSummary,
  type ChannelSummary,
  getAlertOrThrow,
  toAlertRuleSummary,
  toAlertSummary,
  toChannelSummary,
} from "@/lib/alerts/queries";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { getActiveClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { AppError, appError } from "@/lib/errors";
import { type AlertRuleInput, alertRulePatchSchema, type silenceSchema } from "@/lib/schemas/alerts";
import { channelInputSchema, type ChannelInput } from "@/lib/schemas/notification-channels";

// Commands on rules, channels and alerts; each one audited.

async function assertChannelsExist(channelIds: string[]): Promise<void> {
  if (channelIds.length === 0) return;
  const found = await db().notificationChannel.count({ where: { id: { in: channelIds } } });
  if (found !== new Set(channelIds).size) {
    throw appError("unprocessable_entity", "alerts.unknownChannel", {}, [
      { path: "channelIds", message: "unknown notification channel" },
    ]);
  }
}

export async function createAlertRule(
  actor: Actor,
  input: AlertRuleInput,
  meta: RequestMeta,
): Promise<AlertRuleSummary> {
  if (input.clusterId) await getActiveClusterRowOrThrow(input.clusterId);
  await assertChannelsExist(input.channelIds);
  const rule = await db().alertRule.create({
    data: {
      clusterId: input.clusterId ?? null,
      kind: input.kind,
      threshold: input.threshold ?? null,
      forSeconds: input.forSeconds,
      severity: input.severity,
      enabled: input.enabled,
      channelIds: [...new Set(input.channelIds)],
    },
  });
  await audit(
    actor,
    {
      action: "alert_rule.create",
      outcome: "success",
      target: { type: "alert_rule", id: rule.id },
      details: { input },
    },
    meta,
  );
  return toAlertRuleSummary(rule);
}

async function getRuleOrThrow(id: string) {
  const rule = await db().alertRule.findUnique({ where: { id } });
  if (!rule) throw appError("not_found", "alerts.noRule");
  return rule;
}

export type AlertRulePatch = z.infer<typeof alertRulePatchSchema>;

/**
 * The patch as sent: zod applies the input schema's defaults even to partial fields, so a
 * PATCH of {forSeconds} would otherwise also reset channelIds and enabled. Keep only the keys
 * the caller gave.
 */
export function parseAlertRulePatch(body: unknown): AlertRulePatch {
  return alertRulePatchSchema.parse(body);
}

export async function updateAlertRule(
  actor: Actor,
  id: string,
  patch: AlertRulePatch,
  meta: RequestMeta,
): Promise<AlertRuleSummary> {
  await getRuleOrThrow(id);
  if (patch.channelIds) await assertChannelsExist(patch.channelIds);
  const rule = await db().alertRule.update({
    where: { id },
    data: {
      ...(patch.threshold !== undefined ? { threshold: patch.threshold } : {}),
      ...(patch.forSeconds !== undefined ? { forSeconds: patch.forSeconds } : {}),
      ...(patch.severity !== undefined ? { severity: patch.severity } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(patch.channelIds !== undefined ? { channelIds: [...new Set(patch.channelIds)] } : {}),
    },
  });
  await audit(
    actor,
    {
      action: "alert_rule.update",
      outcome: "success",
      target: { type: "alert_rule", id },
      details: { patch },
    },
    meta,
  );
  return toAlertRuleSummary(rule);
}

/** Deleting a rule deletes its alerts' history with it (cascade); disable it to keep the history. */
export async function deleteAlertRule(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
  const rule = await getRuleOrThrow(id);
  await db().alertRule.delete({ where: { id } });
  await audit(
    actor,
    {
      action: "alert_rule.delete",
      outcome: "success",
      target: { type: "alert_rule", id },
      details: { kind: rule.kind, clusterId: rule.clusterId },
    },
    meta,
  );
}

export async function createChannel(
  actor: Actor,
  input: ChannelInput,
  meta: RequestMeta,
): Promise<ChannelSummary> {
  const existing = await db().notificationChannel.findUnique({ where: { name: input.name } });
  if (existing)
    throw appError("conflict", "alerts.channelNameTaken", { name: input.name }, { field: "name" });
  const channel = await db().notificationChannel.create({
    data: {
      kind: input.kind,
      name: input.name,
      secretEncrypted: encryptChannelTarget(storedTargetOf(input)),
      displayTarget: displayTargetOf(input),
    },
  });
  await audit(
    actor,
    {
      action: "notification_channel.create",
      outcome: "success",
      target: { type: "notification_channel", id: channel.id },
      // The URL often carries a token: only what the API shows goes into the log.
      details: { kind: input.kind, name: input.name, displayTarget: channel.displayTarget },
    },
    meta,
  );
  return toChannelSummary(channel);
}

/** The fields of a channel whose value is a secret: kept when an edit leaves them out, never logged. */
const SECRET_FIELDS = new Set(["url", "password", "routingKey"]);

/**
 * Edits a channel (PATCH): the stored settings with the caller's fields laid over them, checked
 * by the create schema. A secret left out (or sent empty: the form's "unchanged") is kept; the
 * kind cannot change. The audit event names the changed fields, never a secret's value.
 */
export async function updateChannel(
  actor: Actor,
  id: string,
  patch: Record<string, unknown>,
  meta: RequestMeta,
): Promise<ChannelSummary> {
  const channel = await db().notificationChannel.findUnique({ where: { id } });
  if (!channel) throw appError("not_found", "alerts.noChannel");
  if (patch.kind !== undefined && patch.kind !== channel.kind)
    throw appError(
      "unprocessable_entity",
      "alerts.channelKindFixed",
      { kind: channel.kind },
      { field: "kind" },
    );
  let stored: Record<string, unknown>;
  try {
    stored = storedInputOf(channel);
  } catch (error) {
    if (!(error instanceof ChannelNotUsable)) throw error;
    throw new AppError("unprocessable_entity", `kind: ${error.message}`, { field: "kind" });
  }
  const given = Object.fromEntries(
    Object.entries(patch).filter(
      ([key, value]) => !(SECRET_FIELDS.has(key) && (value === undefined || value === "")),
    ),
  );
  // Signing in switched off: the stored password goes with it.
  if (channel.kind === "email" && given.user === "" && given.password === undefined) given.password = "";
  const input = channelInputSchema.parse({ ...stored, ...given, kind: channel.kind });
  if (input.name !== channel.name) {
    const other = await db().notificationChannel.findUnique({ where: { name: input.name } });
    if (other && other.id !== id)
      throw appError("conflict", "alerts.channelNameTaken", { name: input.name }, { field: "name" });
  }
  const changed = Object.keys(given).filter(
    (key) => key !== "kind" && JSON.stringify(given[key]) !== JSON.stringify(stored[key]),
  );
  const updated = await db().notificationChannel.update({
    where: { id },
    data: {
      name: input.name,
      secretEncrypted: encryptChannelTarget(storedTargetOf(input)),
      displayTarget: displayTargetOf(input),
    },
  });
  await audit(
    actor,
    {
      action: "notification_channel.update",
      outcome: "success",
      target: { type: "notification_channel", id },
      details: {
        kind: channel.kind,
        name: updated.name,
        displayTarget: updated.displayTarget,
        changed,
        ...(changed.some((key) => SECRET_FIELDS.has(key)) ? { secretReplaced: true } : {}),
      },
    },
    meta,
  );
  return toChannelSummary(updated);
}

/** Deletes the channel, its deliveries, and its id from every rule that named it. */
export async function deleteChannel(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
  const channel = await db().notificationChannel.findUnique({ where: { id } });
  if (!channel) throw appError("not_found", "alerts.noChannel");
  await db().$transaction(async (tx) => {
    const rules = await tx.alertRule.findMany({ select: { id: true, channelIds: true } });
    for (const rule of rules) {
      const ids = Array.isArray(rule.channelIds) ? (rule.channelIds as string[]) : [];
      if (ids.includes(id)) {
        await tx.alertRule.update({
          where: { id: rule.id },
          data: { channelIds: ids.filter((other) => other !== id) },
        });
      }
    }
    await tx.notificationChannel.delete({ where: { id } });
  });
  await audit(
    actor,
    {
      action: "notification_channel.delete",
      outcome: "success",
      target: { type: "notification_channel", id },
      details: { name: channel.name },
    },
    meta,
  );
}

export async function acknowledgeAlert(actor: Actor, id: string, meta: RequestMeta): Promise<AlertSummary> {
  const alert = await getAlertOrThrow(id);
  if (alert.state === "resolved") throw appError("conflict", "alerts.alreadyResolved");
  const updated = await db().alert.update({
    where: { id },
    data: {
      acknowledgedAt: alert.acknowledgedAt ?? new Date(),
      acknowledgedBy: alert.acknowledgedBy ?? actor.label,
    },
  });
  await audit(
    actor,
    { action: "alert.acknowledge", outcome: "success", target: { type: "alert", id } },
    meta,
  );
  return toAlertSummary(updated);
}

/** Silenced alerts keep firing and resolving but notify nobody until `until`. */
export async function silenceAlert(
  actor: Actor,
  id: string,
  input: z.infer<typeof silenceSchema>,
  meta: RequestMeta,
): Promise<AlertSummary> {
  const alert = await getAlertOrThrow(id);
  if (alert.state === "resolved") throw appError("conflict", "alerts.alreadyResolved");
  const until = new Date(input.until);
  if (until.getTime() <= Date.now()) {
    throw appError("unprocessable_entity", "alerts.untilInPast", {}, [
      { path: "until", message: "must be in the future" },
    ]);
  }
  const updated = await db().alert.update({ where: { id }, data: { silencedUntil: until } });
  await audit(
    actor,
    {
      action: "alert.silence",
      outcome: "success",
      target: { type: "alert", id },
      details: { until: input.until },
    },
    meta,
  );
  return toAlertSummary(updated);
}

/** Sends a test notification now and audits how it went (a failed delivery is a failed outcome). */
export async function testChannel(
  actor: Actor,
  channelId: string,
  meta: RequestMeta,
): Promise<DeliverySummary> {
  const delivery = await sendTestNotification(channelId);
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
}
