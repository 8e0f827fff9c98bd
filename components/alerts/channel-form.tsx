"use client";

import { useTranslations } from "next-intl";
import { useForm } from "react-hook-form";
import { FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { FormActions } from "@/components/ui/form-actions";
import { Input, Select } from "@/components/ui/input";
import { useCreateChannel, useUpdateChannel, type ChannelSummary } from "@/lib/client/use-alerts";
import { localeNames, locales, type Locale } from "@/lib/i18n/locales";
import {
  channelInputSchema,
  smtpTlsModes,
  splitAddresses,
  type ChannelKind,
  type SmtpTls,
} from "@/lib/schemas/notification-channels";

// A notification channel (admin), new or edited: a webhook, an e-mail channel (its SMTP server)
// or a PagerDuty Events v2 integration. Fields are named as the API names them, so a 422 lands
// under the control it is about. Secrets typed here are stored encrypted and never shown again;
// editing, a secret left empty keeps the stored one.

interface ChannelFormValues {
  name: string;
  url: string;
  host: string;
  port: string;
  tls: SmtpTls;
  user: string;
  password: string;
  from: string;
  to: string;
  locale: Locale;
  routingKey: string;
}

const fields = [
  "name",
  "url",
  "host",
  "port",
  "tls",
  "user",
  "password",
  "from",
  "to",
  "locale",
  "routingKey",
] as const;

/** The kinds in the order their "New …" buttons are shown. */
export const channelKinds: ChannelKind[] = ["webhook", "email", "pagerduty"];

/** The form's strings as the API's body for the chosen kind (recipients split at commas and spaces). */
function channelBody(kind: ChannelKind, values: ChannelFormValues) {
  if (kind === "webhook") return { kind, name: values.name, url: values.url };
  if (kind === "pagerduty") return { kind, name: values.name, routingKey: values.routingKey };
  return {
    kind,
    name: values.name,
    host: values.host,
    port: values.port.trim() === "" ? undefined : Number(values.port),
    tls: values.tls,
    user: values.user,
    password: values.password,
    from: values.from,
    to: splitAddresses(values.to),
    locale: values.locale,
  };
}

/** An edit's body: the fields as typed, a secret left empty left out (the API keeps the stored one). */
function patchBody(kind: ChannelKind, values: ChannelFormValues) {
  const body: Record<string, unknown> = { ...channelBody(kind, values) };
  for (const secret of ["url", "password", "routingKey"])
    if (body[secret] === "" && !(secret === "password" && values.user.trim() === "")) delete body[secret];
  delete body.kind;
  return body;
}

function defaultsOf(channel: ChannelSummary | undefined): ChannelFormValues {
  const settings = channel?.settings?.kind === "email" ? channel.settings : null;
  return {
    name: channel?.name ?? "",
    url: "",
    host: settings?.host ?? "",
    port: String(settings?.port ?? 587),
    tls: settings?.tls ?? "starttls",
    user: settings?.user ?? "",
    password: "",
    from: settings?.from ?? "",
    to: settings?.to.join(", ") ?? "",
    locale: settings?.locale ?? "en",
    routingKey: "",
  };
}

/** A new channel of `kind`, or, given `channel`, that channel edited. */
export function ChannelForm({
  kind,
  channel,
  onDone,
}: {
  kind: ChannelKind;
  channel?: ChannelSummary;
  onDone: () => void;
}) {
  const t = useTranslations("alerts.channelForm");
  const create = useCreateChannel();
  const update = useUpdateChannel(channel?.id ?? "");
  const send = channel ? update : create;
  const form = useForm<ChannelFormValues>({ defaultValues: defaultsOf(channel) });
  const {
    handleSubmit,
    setError,
    clearErrors,
    formState: { errors },
  } = form;
  const server = useServerErrors(send, setError, fields);
  const keepHint = channel ? ` ${t("keepSecret")}` : "";

  const onSubmit = handleSubmit((values) => {
    clearErrors();
    if (channel) {
      // The stored secrets are not here to check against: the API checks the merged result.
      update.mutate(patchBody(kind, values), { onSuccess: onDone, onError: server.onError });
      return;
    }
    const parsed = channelInputSchema.safeParse(channelBody(kind, values));
    if (!parsed.success) {
      server.show(parsed.error.issues);
      return;
    }
    create.mutate(parsed.data, { onSuccess: onDone, onError: server.onError });
  });

  const kindLabel = t(`kinds.${kind}`);
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={channel ? t("editLabel", { name: channel.name }) : t("newLabel", { kind: kindLabel })}
      className="m-4 space-y-3 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200 ring-inset"
    >
      <FormField form={form} name="name" label={t("name")}>
        {(control) => <Input autoComplete="off" {...control} />}
      </FormField>
      {kind === "webhook" ? (
        <FormField form={form} name="url" label={t("url")} hint={`${t("urlHint")}${keepHint}`}>
          {(control) => (
            <Input
              type="url"
              autoComplete="off"
              spellCheck={false}
              placeholder="https://hooks.slack.com/services/…"
              {...control}
            />
          )}
        </FormField>
      ) : null}
      {kind === "pagerduty" ? (
        <FormField
          form={form}
          name="routingKey"
          label={t("routingKey")}
          hint={`${t("routingKeyHint")}${keepHint}`}
        >
          {(control) => <Input autoComplete="off" spellCheck={false} className="font-mono" {...control} />}
        </FormField>
      ) : null}
      {kind === "email" ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <FormField form={form} name="host" label={t("host")} hint={t("hostHint")}>
            {(control) => (
              <Input autoComplete="off" spellCheck={false} placeholder="smtp.example.com" {...control} />
            )}
          </FormField>
          <FormField form={form} name="port" label={t("port")}>
            {(control) => <Input inputMode="numeric" autoComplete="off" {...control} />}
          </FormField>
          <FormField form={form} name="tls" label="TLS">
            {(control) => (
              <Select
                choices={smtpTlsModes.map((mode) => [mode, t(`tls.${mode}`)] as const)}
                {...control}
              />
            )}
          </FormField>
          <FormField form={form} name="from" label={t("from")}>
            {(control) => (
              <Input type="email" autoComplete="off" placeholder="walden@example.com" {...control} />
            )}
          </FormField>
          <FormField form={form} name="user" label={t("user")} hint={t("userHint")}>
            {(control) => <Input autoComplete="off" {...control} />}
          </FormField>
          <FormField
            form={form}
            name="password"
            label={t("password")}
            hint={`${t("passwordHint")}${keepHint}`}
          >
            {(control) => <Input type="password" autoComplete="new-password" {...control} />}
          </FormField>
          <FormField form={form} name="to" label={t("to")} hint={t("toHint")}>
            {(control) => <Input autoComplete="off" placeholder="dba-oncall@example.com" {...control} />}
          </FormField>
          <FormField form={form} name="locale" label={t("locale")} hint={t("localeHint")}>
            {(control) => (
              <Select choices={locales.map((locale) => [locale, localeNames[locale]] as const)} {...control} />
            )}
          </FormField>
        </div>
      ) : null}
      <FormErrors root={errors.root?.message} failure={server.failure} />
      <FormActions
        submitLabel={channel ? t("save") : t("create")}
        busy={send.isPending}
        onCancel={onDone}
        size="sm"
      />
    </form>
  );
}
