import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { db } from "@/lib/db";
import { readJson, toJson } from "@/lib/db/json";
import { appError } from "@/lib/errors";
import { isLocale, type Locale } from "@/lib/i18n/locales";
import type { ReportMailing } from "@/lib/generated/prisma/client";
import { enqueue } from "@/lib/queue/boss";
import { jobSender } from "@/lib/queue/sender";
import type {
  ReportMailingSummary,
  ReportMailSettings,
  reportMailSendSchema,
  reportMailSettingsInputSchema,
} from "@/lib/schemas/notification-channels";
import { monthOf, previousMonth } from "./months";

// The monthly report by e-mail, web side: who gets it and through which e-mail channel's SMTP
// server (one row, admin), and "send now", which queues a mailing for the worker (report.mail).

const recipientsSchema = z.array(z.string());
const SETTINGS_ID = 1;

export async function getReportMailSettings(): Promise<ReportMailSettings> {
  const row = await db().reportMailSettings.findUnique({ where: { id: SETTINGS_ID } });
  if (!row) return { enabled: false, channelId: null, recipients: [], locale: "en", updatedAt: null };
  return {
    enabled: row.enabled,
    channelId: row.channelId,
    recipients: readJson(recipientsSchema, row.recipients, "report mail recipients") ?? [],
    locale: isLocale(row.locale) ? row.locale : "en",
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The channel must exist and send e-mail: its SMTP server and from address send the report. */
async function assertEmailChannel(channelId: string): Promise<void> {
  const channel = await db().notificationChannel.findUnique({
    where: { id: channelId },
    select: { kind: true },
  });
  if (!channel || channel.kind !== "email")
    throw appError(
      "unprocessable_entity",
      "reports.chooseEmailChannel",
      {},
      {
        field: "channelId",
      },
    );
}

export async function setReportMailSettings(
  actor: Actor,
  input: z.output<typeof reportMailSettingsInputSchema>,
  meta: RequestMeta,
): Promise<ReportMailSettings> {
  if (input.channelId) await assertEmailChannel(input.channelId);
  const recipients = [...new Set(input.recipients)];
  const data = {
    enabled: input.enabled,
    channelId: input.channelId,
    recipients: toJson(recipients),
    locale: input.locale,
  };
  await db().reportMailSettings.upsert({
    where: { id: SETTINGS_ID },
    create: { id: SETTINGS_ID, ...data },
    update: data,
  });
  await audit(
    actor,
    {
      action: "report_mail.settings",
      outcome: "success",
      target: { type: "report_mail_settings", id: String(SETTINGS_ID) },
      details: { enabled: input.enabled, channelId: input.channelId, recipients, locale: input.locale },
    },
    meta,
  );
  return getReportMailSettings();
}

export function toMailingSummary(row: ReportMailing): ReportMailingSummary {
  return {
    id: row.id,
    month: row.month,
    trigger: row.trigger === "scheduled" ? "scheduled" : "manual",
    status: z.enum(["queued", "sending", "sent", "failed"]).catch("failed").parse(row.status),
    recipients: readJson(recipientsSchema, row.recipients, "report mailing recipients") ?? [],
    error: row.error,
    pdfBytes: row.pdfBytes,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  };
}

export async function listReportMailings(limit = 24): Promise<ReportMailingSummary[]> {
  const rows = await db().reportMailing.findMany({ orderBy: { createdAt: "desc" }, take: limit });
  return rows.map(toMailingSummary);
}

/** The settings a mailing needs, or a 422 saying what to set first. */
export async function usableMailSettingsOrThrow(): Promise<{
  channelId: string;
  recipients: string[];
  locale: Locale;
}> {
  const settings = await getReportMailSettings();
  if (!settings.channelId || settings.recipients.length === 0)
    throw appError(
      "unprocessable_entity",
      "reports.mailSettingsFirst",
      {},
      { field: settings.channelId ? "recipients" : "channelId" },
    );
  return { channelId: settings.channelId, recipients: settings.recipients, locale: settings.locale };
}

/** "Send now" (admin): a finished month's report (last month by default), mailed by the worker. */
export async function requestReportMail(
  actor: Actor,
  input: z.output<typeof reportMailSendSchema>,
  meta: RequestMeta,
  now = new Date(),
): Promise<ReportMailingSummary> {
  const month = input.month ?? previousMonth(monthOf(now));
  if (month >= monthOf(now))
    throw appError(
      "unprocessable_entity",
      "reports.mailNotEnded",
      { month },
      {
        field: "month",
      },
    );
  const { recipients } = await usableMailSettingsOrThrow();
  const mailing = await db().reportMailing.create({
    data: { month, trigger: "manual", recipients: toJson(recipients), requestedBy: actor.userId },
  });
  await enqueue(await jobSender(), "report.mail", { mailingId: mailing.id });
  await audit(
    actor,
    {
      action: "report_mail.send",
      outcome: "success",
      target: { type: "report_mailing", id: mailing.id },
      details: { month, recipients },
    },
    meta,
  );
  return toMailingSummary(mailing);
}
