"use client";

import { useForm } from "react-hook-form";
import { FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { FormActions } from "@/components/ui/form-actions";
import { Input, Select } from "@/components/ui/input";
import { useCreateChannel } from "@/lib/client/use-alerts";
import {
  channelInputSchema,
  smtpTlsModes,
  splitAddresses,
  type ChannelKind,
  type SmtpTls,
} from "@/lib/schemas/notification-channels";

// A new notification channel (admin): a webhook, an e-mail channel (its SMTP server) or a
// PagerDuty Events v2 integration. Fields are named as the API names them, so a 422 lands
// under the control it is about. Secrets typed here are stored encrypted and never shown again.

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
  "routingKey",
] as const;

/** Each kind's button ("New …") and form name ("New … channel"). */
export const channelKindLabels: Record<ChannelKind, string> = {
  webhook: "webhook",
  email: "e-mail",
  pagerduty: "PagerDuty",
};

const tlsLabels: Record<SmtpTls, string> = {
  starttls: "STARTTLS (port 587, required)",
  tls: "TLS from the start (port 465)",
  none: "None (a relay on a trusted network)",
};

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
  };
}

export function NewChannelForm({ kind, onDone }: { kind: ChannelKind; onDone: () => void }) {
  const create = useCreateChannel();
  const form = useForm<ChannelFormValues>({
    defaultValues: {
      name: "",
      url: "",
      host: "",
      port: "587",
      tls: "starttls",
      user: "",
      password: "",
      from: "",
      to: "",
      routingKey: "",
    },
  });
  const {
    handleSubmit,
    setError,
    clearErrors,
    formState: { errors },
  } = form;
  const server = useServerErrors(create, setError, fields);

  const onSubmit = handleSubmit((values) => {
    clearErrors();
    const parsed = channelInputSchema.safeParse(channelBody(kind, values));
    if (!parsed.success) {
      server.show(parsed.error.issues);
      return;
    }
    create.mutate(parsed.data, { onSuccess: onDone, onError: server.onError });
  });

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={`New ${channelKindLabels[kind]} channel`}
      className="m-4 space-y-3 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200 ring-inset"
    >
      <FormField form={form} name="name" label="Name">
        {(control) => <Input autoComplete="off" {...control} />}
      </FormField>
      {kind === "webhook" ? (
        <FormField
          form={form}
          name="url"
          label="Webhook URL"
          hint="A Slack incoming webhook works as is: Walden posts JSON with a text field. Stored encrypted, never shown again."
        >
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
          label="Integration key"
          hint="The 32-character key of an Events API v2 integration on the PagerDuty service. Firing opens an incident, resolved closes it. Stored encrypted, never shown again."
        >
          {(control) => <Input autoComplete="off" spellCheck={false} className="font-mono" {...control} />}
        </FormField>
      ) : null}
      {kind === "email" ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <FormField form={form} name="host" label="SMTP server" hint="Hostname or IP address.">
            {(control) => (
              <Input autoComplete="off" spellCheck={false} placeholder="smtp.example.com" {...control} />
            )}
          </FormField>
          <FormField form={form} name="port" label="Port">
            {(control) => <Input inputMode="numeric" autoComplete="off" {...control} />}
          </FormField>
          <FormField form={form} name="tls" label="TLS">
            {(control) => (
              <Select choices={smtpTlsModes.map((mode) => [mode, tlsLabels[mode]] as const)} {...control} />
            )}
          </FormField>
          <FormField form={form} name="from" label="From address">
            {(control) => (
              <Input type="email" autoComplete="off" placeholder="walden@example.com" {...control} />
            )}
          </FormField>
          <FormField
            form={form}
            name="user"
            label="User"
            hint="Empty when the server takes mail without signing in."
          >
            {(control) => <Input autoComplete="off" {...control} />}
          </FormField>
          <FormField form={form} name="password" label="Password" hint="Stored encrypted, never shown again.">
            {(control) => <Input type="password" autoComplete="new-password" {...control} />}
          </FormField>
          <FormField
            form={form}
            name="to"
            label="Recipients"
            hint="Addresses separated by commas."
            className="sm:col-span-2"
          >
            {(control) => <Input autoComplete="off" placeholder="dba-oncall@example.com" {...control} />}
          </FormField>
        </div>
      ) : null}
      <FormErrors root={errors.root?.message} failure={server.failure} />
      <FormActions submitLabel="Create channel" busy={create.isPending} onCancel={onDone} size="sm" />
    </form>
  );
}
