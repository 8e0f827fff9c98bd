"use client";

import { useTranslations } from "next-intl";
import { useId, type ChangeEvent } from "react";
import type { UseFormSetValue } from "react-hook-form";
import { errorOf, FormCheckbox, FormField, type FormBinding } from "@/components/forms/form-field";
import {
  formatInZone,
  toUtcIso,
  wallTimeCeil,
  wallTimeFloor,
  type ZonedInstant,
} from "@/components/restores/zoned-time";
import { Alert } from "@/components/ui/alert";
import { RadioCard } from "@/components/ui/choice";
import { Field, FieldError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { TARGET_TYPES } from "./options";
import type { PitrFormValues } from "./request";
import { useIssueText } from "@/components/forms/zod-locale";

// "Restore to": the kind of target, its value (a time in a chosen zone, an xid, an LSN, a
// restore point's name) and whether the target itself is included.

export interface TimeTargetProps {
  instant: ZonedInstant | null;
  timeZone: string;
  zones: string[];
  browserZone: string;
  hydrated: boolean;
  /** The restorable window's ends (ms), when known. */
  earliest: number | null;
  latest: number | null;
  changeZone: (event: ChangeEvent<HTMLSelectElement>) => void;
}

export type PitrForm = FormBinding<PitrFormValues>;

function TimeTargetFields({
  form,
  timeLocal,
  instant,
  timeZone,
  zones,
  browserZone,
  hydrated,
  earliest,
  latest,
  changeZone,
}: TimeTargetProps & { form: PitrForm; timeLocal: string }) {
  const t = useTranslations("restores.pitr.target");
  const id = useId();
  const timeLocalId = `${id}-time`;
  const timeZoneId = `${id}-zone`;
  return (
    <div className="space-y-2">
      <div className="grid gap-3 sm:grid-cols-[minmax(0,15rem)_minmax(0,15rem)_1fr] sm:items-start">
        <FormField
          form={form}
          name="timeLocal"
          id={timeLocalId}
          label={t("dateTime")}
          hint={earliest !== null && latest !== null ? t("dateTimeHint") : undefined}
        >
          {(control) => (
            <Input
              type="datetime-local"
              step={1}
              min={earliest !== null ? wallTimeCeil(earliest, timeZone) : undefined}
              max={latest !== null ? wallTimeFloor(latest, timeZone) : undefined}
              {...control}
            />
          )}
        </FormField>
        <Field id={timeZoneId} label={t("timeZone")}>
          {(control) => (
            <Select value={timeZone} onChange={changeZone} {...control}>
              {zones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                  {zone === browserZone && hydrated ? ` ${t("thisBrowser")}` : ""}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <div className="space-y-1">
          <span className="block text-xs font-medium text-zinc-700">{t("inUtc")}</span>
          <output
            htmlFor={`${timeLocalId} ${timeZoneId}`}
            aria-label={t("targetInUtc")}
            aria-live="polite"
            className="flex h-8.5 items-center font-mono text-sm text-zinc-900"
          >
            {instant ? toUtcIso(instant.ms) : "—"}
          </output>
        </div>
      </div>
      {instant?.kind === "skipped" ? (
        <Alert tone="warning">
          {t("skipped", {
            local: timeLocal.replace("T", " "),
            zone: timeZone,
            read: formatInZone(instant.ms, timeZone),
          })}
        </Alert>
      ) : instant?.kind === "ambiguous" ? (
        <Alert tone="warning">
          {t("ambiguous", {
            local: timeLocal.replace("T", " "),
            zone: timeZone,
            first: toUtcIso(instant.ms),
            second: toUtcIso(instant.laterMs!),
          })}
        </Alert>
      ) : null}
      {earliest !== null && latest !== null ? (
        <p className="text-xs text-zinc-500 tabular-nums">
          {t("window", {
            zone: timeZone,
            from: formatInZone(earliest, timeZone),
            to: formatInZone(latest, timeZone),
          })}
        </p>
      ) : null}
    </div>
  );
}

export function TargetFields({
  form,
  values,
  setValue,
  time,
}: {
  form: PitrForm;
  values: PitrFormValues;
  setValue: UseFormSetValue<PitrFormValues>;
  time: TimeTargetProps;
}) {
  const t = useTranslations("restores.pitr");
  const targetTypeErrorId = useId();
  const issueText = useIssueText();
  const targetTypeError = issueText(errorOf(form, "targetType"));
  const showsInclusive =
    values.targetType === "time" || values.targetType === "xid" || values.targetType === "lsn";
  return (
    <>
      <fieldset className="space-y-1.5" aria-describedby={targetTypeError ? targetTypeErrorId : undefined}>
        <legend className="mb-1 text-xs font-medium text-zinc-700">{t("target.restoreTo")}</legend>
        <div className="grid gap-1.5 sm:grid-cols-2">
          {TARGET_TYPES.map((option) => (
            <RadioCard
              key={option}
              value={option}
              title={t(`targetTypes.${option}.title`)}
              hint={t(`targetTypes.${option}.hint`)}
              {...form.register("targetType", {
                onChange: (event: ChangeEvent<HTMLInputElement>) =>
                  setValue("inclusive", event.target.value !== "xid"),
              })}
            />
          ))}
        </div>
        {targetTypeError ? <FieldError id={targetTypeErrorId}>{targetTypeError}</FieldError> : null}
      </fieldset>

      {values.targetType === "time" ? (
        <TimeTargetFields form={form} timeLocal={values.timeLocal} {...time} />
      ) : values.targetType === "xid" ? (
        <FormField
          form={form}
          name="xid"
          label={t("target.xid")}
          hint={t("target.xidHint")}
          className="max-w-xs"
        >
          {(control) => (
            <Input
              inputMode="numeric"
              autoComplete="off"
              spellCheck={false}
              placeholder="748213"
              {...control}
            />
          )}
        </FormField>
      ) : values.targetType === "lsn" ? (
        <FormField form={form} name="lsn" label="LSN" className="max-w-xs">
          {(control) => <Input autoComplete="off" spellCheck={false} placeholder="0/3000060" {...control} />}
        </FormField>
      ) : values.targetType === "name" ? (
        <FormField form={form} name="name" label={t("target.name")} className="max-w-xs">
          {(control) => (
            <Input autoComplete="off" spellCheck={false} placeholder="before-upgrade" {...control} />
          )}
        </FormField>
      ) : null}

      {showsInclusive ? (
        <FormCheckbox
          form={form}
          name="inclusive"
          label={t("target.inclusive")}
          hint={
            values.targetType === "xid"
              ? t("target.inclusiveXid")
              : values.targetType === "lsn"
                ? t("target.inclusiveLsn")
                : t("target.inclusiveTime")
          }
        />
      ) : null}
    </>
  );
}
