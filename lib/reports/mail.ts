import { z } from "zod";
import { sendMail } from "@/lib/alerts/channels/smtp";
import { ChannelNotUsable, readChannelTarget } from "@/lib/alerts/channels/target";
import { audit } from "@/lib/auth/audit";
import { systemActor } from "@/lib/auth/system-actor";
import { db } from "@/lib/db";
import type { Locale } from "@/lib/i18n/locales";
import { translatorFor } from "@/lib/i18n/translator";
import { readJson } from "@/lib/db/json";
import type { MonthlyReport } from "@/lib/schemas/report";
import { reportFileName } from "./csv";
import { usableMailSettingsOrThrow } from "./mail-settings";
import { getMonthlyReport } from "./monthly";
import { monthOf, previousMonth } from "./months";
import { renderReportPdf } from "./pdf";

// The monthly report by e-mail, worker side (report.mail): the fleet report printed to PDF by
// the same renderer as the download, attached to a short summary, and sent through the chosen
// e-mail channel's SMTP server. Each mailing is claimed (queued → sending) before anything is
// sent, so a job delivered twice mails once; the 1st's run claims its month (a partial unique
// index), so last month goes out once however often the schedule's job runs.

const recipientsSchema = z.array(z.string());

function percent(value: number | null, t: ReturnType<typeof translatorFor>): string {
  return value === null ? t("email.report.notAvailable") : `${(value * 100).toFixed(1)} %`;
}

/** The e-mail's body, in the mailing's language: the figures a manager looks for first; the rest is in the PDF. */
export function reportMailText(report: MonthlyReport, locale: Locale = "en"): string {
  const t = translatorFor(locale);
  const fleet = report.fleet;
  return [
    t("email.report.intro", { month: report.month }),
    "",
    t("email.report.clusters", { clusters: fleet.clusters }),
    t("email.report.backups", {
      succeeded: fleet.backupsSucceeded,
      failed: fleet.backupsFailed,
      run: fleet.backupsRun,
      scheduled: fleet.backupsScheduled,
      rate: percent(fleet.successRate, t),
    }),
    t("email.report.rpo", { met: fleet.rpoMet, clusters: fleet.clusters }),
    t("email.report.drills", { succeeded: fleet.drillsSucceeded, drills: fleet.drills, rtoMet: fleet.rtoMet }),
    t("email.report.verifications", { passed: fleet.verified, failed: fleet.verificationFailed }),
    t("email.report.threeTwoOne", { met: fleet.threeTwoOneMet, clusters: fleet.clusters }),
    t("email.report.alerts", { alerts: fleet.alerts }),
    ...(report.snapshot ? ["", t("email.report.evidence", { sha256: report.snapshot.sha256 })] : []),
    "",
    t("email.report.footer"),
  ].join("\n");
}

async function finish(mailingId: string, outcome: { error: string } | { pdfBytes: number }) {
  const sent = "pdfBytes" in outcome;
  const row = await db().reportMailing.update({
    where: { id: mailingId },
    data: sent
      ? { status: "sent", sentAt: new Date(), pdfBytes: outcome.pdfBytes, error: null }
      : { status: "failed", error: outcome.error },
  });
  await audit(systemActor("report.mail"), {
    action: "report_mail.deliver",
    outcome: sent ? "success" : "failed",
    target: { type: "report_mailing", id: mailingId },
    details: {
      month: row.month,
      trigger: row.trigger,
      recipients: readJson(recipientsSchema, row.recipients, "report mailing recipients"),
      ...(sent ? { pdfBytes: outcome.pdfBytes } : { error: outcome.error }),
    },
  });
  return row;
}

/** Sends one mailing, if this worker claims it; "skipped" when another delivery of the job already did. */
export async function sendReportMailing(mailingId: string): Promise<"sent" | "failed" | "skipped"> {
  const claimed = await db().reportMailing.updateMany({
    where: { id: mailingId, status: "queued" },
    data: { status: "sending" },
  });
  if (claimed.count !== 1) return "skipped";
  const mailing = await db().reportMailing.findUniqueOrThrow({ where: { id: mailingId } });
  try {
    const { channelId, locale } = await usableMailSettingsOrThrow();
    const channel = await db().notificationChannel.findUniqueOrThrow({ where: { id: channelId } });
    const target = readChannelTarget(channel);
    if (target.kind !== "email") throw new ChannelNotUsable(`channel ${channel.name} does not send e-mail`);
    const recipients = readJson(recipientsSchema, mailing.recipients, "report mailing recipients") ?? [];
    const report = await getMonthlyReport({ month: mailing.month, clusterId: null });
    const rendered = await renderReportPdf({ month: mailing.month, locale });
    const pdf = Buffer.from(rendered.pdf, "base64");
    const result = await sendMail(target.smtp, {
      to: recipients,
      subject: translatorFor(locale)("email.report.subject", { month: mailing.month }),
      text: reportMailText(report, locale),
      attachments: [
        {
          filename: reportFileName(mailing.month, null, "pdf"),
          content: pdf,
          contentType: "application/pdf",
        },
      ],
    });
    if (!result.ok) throw new Error(result.error ?? "the SMTP server did not take the message");
    await finish(mailingId, { pdfBytes: pdf.length });
    return "sent";
  } catch (error) {
    await finish(mailingId, { error: (error as Error).message });
    return "failed";
  }
}

/**
 * The 1st's run: last month's report to the listed recipients, once. A month whose mailing
 * failed is tried again by the job's retries (and by the next run of the job that day).
 */
export async function sendScheduledReportMail(now = new Date()): Promise<{ month: string; outcome: string }> {
  const month = previousMonth(monthOf(now));
  const settings = await db().reportMailSettings.findUnique({ where: { id: 1 } });
  if (!settings?.enabled || !settings.channelId) return { month, outcome: "not configured" };
  const recipients = readJson(recipientsSchema, settings.recipients, "report mail recipients") ?? [];
  if (recipients.length === 0) return { month, outcome: "no recipients" };
  const claimed = await db().$queryRaw<{ id: string }[]>`
    INSERT INTO report_mailings (month, trigger, recipients)
    VALUES (${month}, 'scheduled', ${JSON.stringify(recipients)}::jsonb)
    ON CONFLICT (month) WHERE trigger = 'scheduled'
    DO UPDATE SET status = 'queued', error = NULL, recipients = EXCLUDED.recipients
      WHERE report_mailings.status = 'failed'
    RETURNING id`;
  const id = claimed[0]?.id;
  if (!id) return { month, outcome: "already mailed" };
  return { month, outcome: await sendReportMailing(id) };
}
