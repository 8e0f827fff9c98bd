"use client";

import { useTranslations } from "next-intl";
import { useForm } from "react-hook-form";
import { FormCheckbox, FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { FormActions } from "@/components/ui/form-actions";
import { Input } from "@/components/ui/input";
import {
  useSaveOffsiteRepository,
  type OffsiteRepositoryUpdate,
  type OffsiteRepositoryView,
} from "@/lib/client/use-offsite";
import { offsiteRepositorySchema } from "@/lib/schemas/offsite";

// The offsite repository's settings, named as PUT …/repositories/offsite names them, so a 422
// lands under the control it is about ("retention.days", "secretAccessKey").

/** The secret may be left empty to keep the stored one, as the API allows for the same storage and key. */
const offsiteUpdateSchema = offsiteRepositorySchema.extend({
  secretAccessKey: offsiteRepositorySchema.shape.secretAccessKey.optional(),
});

export interface OffsiteFormValues {
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  encryption: { enabled: boolean; recipient: string };
  /** NaN when left empty: the repository then follows no retention of its own. */
  retention: { days: number; minBackups: number };
}

export function offsiteFormValues(current: OffsiteRepositoryView | null): OffsiteFormValues {
  return {
    endpoint: current?.endpoint ?? "",
    region: current?.region ?? "us-east-1",
    bucket: current?.bucket ?? "",
    prefix: current?.prefix ?? "",
    forcePathStyle: current?.forcePathStyle ?? false,
    accessKeyId: current?.accessKeyId ?? "",
    secretAccessKey: "",
    encryption: {
      enabled: current?.encryption?.enabled ?? false,
      recipient: current?.encryption?.recipient ?? "",
    },
    retention: { days: current?.retention?.days ?? NaN, minBackups: current?.retention?.minBackups ?? NaN },
  };
}

/** The PUT body: empty optional fields left out rather than sent as "". */
export function offsiteUpdateOf(values: OffsiteFormValues): OffsiteRepositoryUpdate {
  const { encryption, retention } = values;
  const hasRetention = !Number.isNaN(retention.days) || !Number.isNaN(retention.minBackups);
  return {
    kind: "s3",
    endpoint: values.endpoint,
    region: values.region,
    bucket: values.bucket,
    ...(values.prefix.trim() ? { prefix: values.prefix } : {}),
    forcePathStyle: values.forcePathStyle,
    accessKeyId: values.accessKeyId,
    ...(values.secretAccessKey ? { secretAccessKey: values.secretAccessKey } : {}),
    ...(encryption.enabled || encryption.recipient.trim()
      ? { encryption: { enabled: encryption.enabled, recipient: encryption.recipient.trim() || undefined } }
      : {}),
    ...(hasRetention ? { retention: { days: retention.days, minBackups: retention.minBackups } } : {}),
  };
}

type TextFieldName = "endpoint" | "region" | "bucket" | "prefix" | "accessKeyId" | "encryption.recipient";

const textFields = [
  {
    name: "endpoint",
    label: "endpoint",
    hint: "endpointHint",
    placeholder: "https://s3.eu-west-1.amazonaws.com",
  },
  { name: "region", label: "region", hint: "regionHint" },
  { name: "bucket", label: "bucket", hint: "bucketHint" },
  { name: "prefix", label: "prefix", hint: "prefixHint" },
  { name: "accessKeyId", label: "accessKeyId", hint: "accessKeyIdHint" },
] as const satisfies readonly { name: TextFieldName; label: string; hint: string; placeholder?: string }[];

export function OffsiteRepositoryForm({
  clusterId,
  current,
  onDone,
}: {
  clusterId: string;
  current: OffsiteRepositoryView | null;
  onDone: () => void;
}) {
  const t = useTranslations("repositories.offsite.form");
  const save = useSaveOffsiteRepository(clusterId);
  const form = useForm<OffsiteFormValues>({ defaultValues: offsiteFormValues(current) });
  const {
    handleSubmit,
    setError,
    formState: { errors },
  } = form;
  const server = useServerErrors(save, setError, "path");

  const onSubmit = handleSubmit((values) => {
    const parsed = offsiteUpdateSchema.safeParse(offsiteUpdateOf(values));
    if (!parsed.success) {
      server.show(parsed.error.issues);
      return;
    }
    save.mutate(offsiteUpdateOf(values), { onSuccess: onDone, onError: server.onError });
  });

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={t("label")}
      className="space-y-3 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200 ring-inset"
    >
      <div className="grid gap-3 sm:grid-cols-2">
        {textFields.map((field) => (
          <FormField
            key={field.name}
            form={form}
            name={field.name}
            label={t(field.label)}
            hint={t(field.hint)}
          >
            {(control) => (
              <Input
                autoComplete="off"
                placeholder={"placeholder" in field ? field.placeholder : undefined}
                {...control}
              />
            )}
          </FormField>
        ))}
        <FormField
          form={form}
          name="secretAccessKey"
          label={t("secretAccessKey")}
          hint={current ? t("secretKeepHint") : t("secretNewHint")}
        >
          {(control) => <Input type="password" autoComplete="new-password" {...control} />}
        </FormField>
      </div>
      <FormCheckbox form={form} name="forcePathStyle" label={t("pathStyle")} hint={t("pathStyleHint")} />
      <fieldset className="space-y-2">
        <legend className="text-xs font-medium text-zinc-900">{t("encryption")}</legend>
        <FormCheckbox form={form} name="encryption.enabled" label={t("encrypt")} />
        <FormField form={form} name="encryption.recipient" label={t("recipient")} hint={t("recipientHint")}>
          {(control) => <Input autoComplete="off" placeholder="age1…" {...control} />}
        </FormField>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-xs font-medium text-zinc-900">{t("retention")}</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          <FormField
            form={form}
            name="retention.days"
            options={{ valueAsNumber: true }}
            label={t("days")}
            hint={t("daysHint")}
          >
            {(control) => (
              <Input type="number" inputMode="numeric" min={1} max={3650} step={1} {...control} />
            )}
          </FormField>
          <FormField
            form={form}
            name="retention.minBackups"
            options={{ valueAsNumber: true }}
            label={t("minBackups")}
            hint={t("minBackupsHint")}
          >
            {(control) => (
              <Input type="number" inputMode="numeric" min={1} max={1000} step={1} {...control} />
            )}
          </FormField>
        </div>
      </fieldset>
      <FormErrors root={errors.root?.message} failure={server.failure} />
      <FormActions submitLabel={t("save")} busy={save.isPending} onCancel={onDone} size="sm" />
    </form>
  );
}
