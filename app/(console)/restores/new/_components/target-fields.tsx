"use client";

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
          label="Date and time"
          hint={
            earliest !== null && latest !== null ? `Restorable: within the green ranges above.` : undefined
          }
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
        <Field id={timeZoneId} label="Time zone">
          {(control) => (
            <Select value={timeZone} onChange={changeZone} {...control}>
              {zones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                  {zone === browserZone && hydrated ? " (this browser)" : ""}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <div className="space-y-1">
          <span className="block text-xs font-medium text-zinc-700">In UTC</span>
          <output
            htmlFor={`${timeLocalId} ${timeZoneId}`}
            aria-label="Target in UTC"
            aria-live="polite"
            className="flex h-8.5 items-center font-mono text-sm text-zinc-900"
          >
            {instant ? toUtcIso(instant.ms) : "—"}
          </output>
        </div>
      </div>
      {instant?.kind === "skipped" ? (
        <Alert tone="warning">
          {timeLocal.replace("T", " ")} does not exist in {timeZone} (the clocks were set forward); it is read
          as {formatInZone(instant.ms, timeZone)}.
        </Alert>
      ) : instant?.kind === "ambiguous" ? (
        <Alert tone="warning">
          {timeLocal.replace("T", " ")} happens twice in {timeZone} (the clocks were set back); the first is
          used, {toUtcIso(instant.ms)}. The second is {toUtcIso(instant.laterMs!)}.
        </Alert>
      ) : null}
      {earliest !== null && latest !== null ? (
        <p className="text-xs text-zinc-500 tabular-nums">
          Window in {timeZone}: {formatInZone(earliest, timeZone)} … {formatInZone(latest, timeZone)}
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
  const targetTypeErrorId = useId();
  const targetTypeError = errorOf(form, "targetType");
  const showsInclusive =
    values.targetType === "time" || values.targetType === "xid" || values.targetType === "lsn";
  return (
    <>
      <fieldset className="space-y-1.5" aria-describedby={targetTypeError ? targetTypeErrorId : undefined}>
        <legend className="mb-1 text-xs font-medium text-zinc-700">Restore to</legend>
        <div className="grid gap-1.5 sm:grid-cols-2">
          {TARGET_TYPES.map((option) => (
            <RadioCard
              key={option.value}
              value={option.value}
              title={option.title}
              hint={option.hint}
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
          label="Transaction id"
          hint="Find it with the event finder, or in the server log (log_line_prefix %x)."
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
        <FormField form={form} name="name" label="Restore point name" className="max-w-xs">
          {(control) => (
            <Input autoComplete="off" spellCheck={false} placeholder="before-upgrade" {...control} />
          )}
        </FormField>
      ) : null}

      {showsInclusive ? (
        <FormCheckbox
          form={form}
          name="inclusive"
          label="Inclusive"
          hint={
            values.targetType === "xid"
              ? "Checked: the transaction itself is replayed. Unchecked: recovery stops just before it."
              : values.targetType === "lsn"
                ? "Checked: stop just after the record at this LSN. Unchecked: just before it."
                : "Checked: transactions that committed exactly at this time are kept. Unchecked: stop just before them."
          }
        />
      ) : null}
    </>
  );
}
