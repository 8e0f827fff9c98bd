"use client";

import { useTranslations } from "next-intl";
import { useForm } from "react-hook-form";
import { FormCheckbox, FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button, Spinner, SubmitButton } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { errorMessage } from "@/lib/client/fetcher";
import { useChannels } from "@/lib/client/use-alerts";
import {
  useReportMailings,
  useReportMailSettings,
  useSaveReportMailSettings,
  useSendReportNow,
} from "@/lib/client/use-report-mail";
import { localeNames, locales, type Locale } from "@/lib/i18n/locales";
import {
  reportMailSettingsInputSchema,
  splitAddresses,
  type ReportMailSettings,
} from "@/lib/schemas/notification-channels";

// The monthly report by e-mail (admins): who gets it on the 1st, through which e-mail channel's
// SMTP server, "send now", and how the recent mailings went.

interface MailFormValues {
  enabled: boolean;
  channelId: string;
  recipients: string;
  locale: Locale;
}

const statusTones: Record<string, BadgeTone> = {
  sent: "success",
  failed: "danger",
  queued: "warning",
  sending: "info",
};

function MailSettingsForm({ settings }: { settings: ReportMailSettings }) {
  const t = useTranslations("reports.mail");
  const save = useSaveReportMailSettings();
  const channels = useChannels();
  const emailChannels = (channels.data ?? []).filter((channel) => channel.kind === "email");
  const form = useForm<MailFormValues>({
    defaultValues: {
      // Never saved yet: on, so choosing a channel and recipients is all it takes.
      enabled: settings.enabled || settings.updatedAt === null,
      channelId: settings.channelId ?? "",
      recipients: settings.recipients.join(", "),
      locale: settings.locale ?? "en",
    },
  });
  const {
    handleSubmit,
    setError,
    clearErrors,
    formState: { errors },
  } = form;
  const server = useServerErrors(save, setError, ["enabled", "channelId", "recipients", "locale"]);

  const onSubmit = handleSubmit((values) => {
    clearErrors();
    const parsed = reportMailSettingsInputSchema.safeParse({
      enabled: values.enabled,
      channelId: values.channelId || null,
      recipients: splitAddresses(values.recipients),
      locale: values.locale,
    });
    if (!parsed.success) {
      server.show(parsed.error.issues);
      return;
    }
    save.mutate(parsed.data, { onError: server.onError });
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-label={t("formLabel")} className="space-y-3">
      <FormCheckbox form={form} name="enabled" label={t("enabled")} />
      <FormField
        form={form}
        name="channelId"
        label={t("channel")}
        hint={t("channelHint")}
      >
        {(control) => (
          <Select
            choices={emailChannels.map(
              (channel) => [channel.id, `${channel.name} (${channel.displayTarget})`] as const,
            )}
            {...control}
          >
            <option value="">{t("chooseChannel")}</option>
          </Select>
        )}
      </FormField>
      <FormField form={form} name="recipients" label={t("recipients")} hint={t("recipientsHint")}>
        {(control) => (
          <Input autoComplete="off" placeholder="cto@example.com, auditor@example.com" {...control} />
        )}
      </FormField>
      <FormField form={form} name="locale" label={t("locale")} hint={t("localeHint")}>
        {(control) => (
          <Select choices={locales.map((locale) => [locale, localeNames[locale]] as const)} {...control} />
        )}
      </FormField>
      <FormErrors root={errors.root?.message} failure={server.failure} />
      {save.isSuccess ? <Alert tone="success">{t("saved")}</Alert> : null}
      <div className="flex justify-end">
        <SubmitButton size="sm" busy={save.isPending}>
          {t("save")}
        </SubmitButton>
      </div>
    </form>
  );
}

function Mailings() {
  const t = useTranslations("reports.mail");
  const mailings = useReportMailings();
  const send = useSendReportNow();
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <Button size="sm" disabled={send.isPending} onClick={() => send.mutate(undefined)}>
          {send.isPending ? <Spinner /> : null}
          {t("sendNow")}
        </Button>
        {send.isError ? <span className="text-xs text-red-700">{errorMessage(send.error)}</span> : null}
      </div>
      {mailings.isError ? <Alert tone="error">{errorMessage(mailings.error)}</Alert> : null}
      {mailings.data && mailings.data.length > 0 ? (
        <div className="overflow-x-auto">
          <Table aria-label={t("mailings")}>
            <THead>
              <tr>
                <TH>{t("month")}</TH>
                <TH>{t("status")}</TH>
                <TH>{t("recipients")}</TH>
                <TH>{t("requested")}</TH>
                <TH>{t("sent")}</TH>
              </tr>
            </THead>
            <TBody>
              {mailings.data.map((mailing) => (
                <TR key={mailing.id}>
                  <TD>
                    {mailing.month}
                    <span className="block text-xs text-zinc-500">{mailing.trigger}</span>
                  </TD>
                  <TD>
                    <Badge tone={statusTones[mailing.status] ?? "neutral"}>{mailing.status}</Badge>
                    {mailing.error ? (
                      <span className="block text-xs text-red-700">{mailing.error}</span>
                    ) : null}
                  </TD>
                  <TD className="text-xs">{mailing.recipients.join(", ")}</TD>
                  <TD>
                    <Time value={mailing.createdAt} />
                  </TD>
                  <TD>
                    <Time value={mailing.sentAt} />
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      ) : mailings.data ? (
        <p className="text-xs text-zinc-500">{t("none")}</p>
      ) : null}
    </div>
  );
}

/** The report by e-mail; the page renders it for admins only (its API is admin-only too). */
export function ReportMailCard() {
  const t = useTranslations("reports.mail");
  const settings = useReportMailSettings();
  return (
    <Card aria-labelledby="report-mail-title">
      <CardHeader
        id="report-mail-title"
        title={t("title")}
        description={t("description")}
      />
      <CardBody className="space-y-5">
        {settings.isError ? <Alert tone="error">{errorMessage(settings.error)}</Alert> : null}
        {settings.data ? <MailSettingsForm settings={settings.data} /> : null}
        {settings.isPending ? (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <Spinner /> {t("loading")}
          </p>
        ) : null}
        <Mailings />
      </CardBody>
    </Card>
  );
}
