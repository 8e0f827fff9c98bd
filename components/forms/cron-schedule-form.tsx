"use client";

import { useId } from "react";
import { useForm } from "react-hook-form";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { describedBy, Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { errorMessage, fieldIssues, showServerFieldErrors } from "@/lib/client/fetcher";

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
  const id = useId();
  const fid = (name: keyof CronScheduleValues) => `${id}-${name}`;
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<CronScheduleValues>({ defaultValues: defaults });
  const busy = save.isPending;

  const onSubmit = handleSubmit((values) => {
    save.mutate(
      { cron: values.cron.trim(), timezone: values.timezone.trim(), enabled: values.enabled },
      { onSuccess: onDone, onError: (error) => showServerFieldErrors(error, setError, FIELDS) },
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
        <Field id={fid("cron")} label="Cron" error={errors.cron?.message} hint={cronHint}>
          <Input
            id={fid("cron")}
            autoComplete="off"
            spellCheck={false}
            placeholder={cronPlaceholder}
            className="font-mono"
            {...describedBy(fid("cron"), errors.cron?.message, true)}
            {...register("cron", { validate: (value) => value.trim() !== "" || "is required" })}
          />
        </Field>
        <Field
          id={fid("timezone")}
          label="Time zone"
          error={errors.timezone?.message}
          hint="An IANA name, e.g. UTC or Europe/Paris."
        >
          <Input
            id={fid("timezone")}
            autoComplete="off"
            spellCheck={false}
            {...describedBy(fid("timezone"), errors.timezone?.message, true)}
            {...register("timezone", { validate: (value) => value.trim() !== "" || "is required" })}
          />
        </Field>
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" className="mt-0.5 accent-emerald-700" {...register("enabled")} />
        <span>
          Enabled
          <span className="block text-xs text-zinc-500">{enabledHint}</span>
        </span>
      </label>
      {errors.enabled?.message ? <p className="text-xs text-red-600">{errors.enabled.message}</p> : null}
      {errors.root?.message ? <Alert tone="error">{errors.root.message}</Alert> : null}
      {save.isError && fieldIssues(save.error).length === 0 ? (
        <Alert tone="error">{errorMessage(save.error)}</Alert>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" size="sm" onClick={onDone} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" size="sm" disabled={busy}>
          {busy ? <Spinner /> : null}
          Save schedule
        </Button>
      </div>
    </form>
  );
}
