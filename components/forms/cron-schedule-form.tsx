"use client";

import { useTranslations } from "next-intl";
import { useForm } from "react-hook-form";
import { FormCheckbox, FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { FormActions } from "@/components/ui/form-actions";
import { cx } from "@/components/ui/cx";
import { Input } from "@/components/ui/input";

// The cron + time zone + enabled form that backup schedules and drill schedules share: the same
// fields, the same client checks, and the server's 422 shown under the field it names.

export interface CronScheduleValues {
  cron: string;
  timezone: string;
  enabled: boolean;
}

/** What the form needs of a react-query mutation that saves the schedule. */
interface SaveMutation {
  mutate: (
    values: CronScheduleValues,
    options: { onSuccess: () => void; onError: (error: Error) => void },
  ) => void;
  isPending: boolean;
  isError: boolean;
  error: unknown;
}

const FIELDS = ["cron", "timezone", "enabled"] as const;

export function CronScheduleForm({
  ariaLabel,
  defaults,
  save,
  onDone,
  cronHint,
  cronPlaceholder,
  enabledHint,
  className,
}: {
  ariaLabel: string;
  defaults: CronScheduleValues;
  save: SaveMutation;
  onDone: () => void;
  cronHint: string;
  cronPlaceholder?: string;
  enabledHint: string;
  className?: string;
}) {
  const t = useTranslations("schedules.form");
  const form = useForm<CronScheduleValues>({ defaultValues: defaults });
  const {
    handleSubmit,
    setError,
    formState: { errors },
  } = form;
  const server = useServerErrors(save, setError, FIELDS);
  const busy = save.isPending;
  const required = { validate: (value: string) => value.trim() !== "" || t("required") };

  const onSubmit = handleSubmit((values) => {
    save.mutate(
      { cron: values.cron.trim(), timezone: values.timezone.trim(), enabled: values.enabled },
      { onSuccess: onDone, onError: server.onError },
    );
  });

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={ariaLabel}
      className={cx("space-y-3 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200 ring-inset", className)}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <FormField form={form} name="cron" options={required} label={t("cron")} hint={cronHint}>
          {(control) => (
            <Input
              autoComplete="off"
              spellCheck={false}
              placeholder={cronPlaceholder}
              className="font-mono"
              {...control}
            />
          )}
        </FormField>
        <FormField
          form={form}
          name="timezone"
          options={required}
          label={t("timeZone")}
          hint={t("timeZoneHint")}
        >
          {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
        </FormField>
      </div>
      <FormCheckbox form={form} name="enabled" label={t("enabled")} hint={enabledHint} />
      <FormErrors root={errors.root?.message} failure={server.failure} />
      <FormActions submitLabel={t("save")} busy={busy} onCancel={onDone} size="sm" />
    </form>
  );
}
