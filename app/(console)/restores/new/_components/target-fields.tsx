"use client";

import type { ChangeEvent } from "react";
import type { UseFormSetValue } from "react-hook-form";
import type { FieldKit } from "@/components/forms/field-kit";
import {
  formatInZone,
  toUtcIso,
  wallTimeCeil,
  wallTimeFloor,
  type ZonedInstant,
} from "@/components/restores/zoned-time";
import { Alert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { RadioOption, TARGET_TYPES } from "./options";
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

function TimeTargetFields({
  kit: { register, errors, fid, text },
  timeLocal,
  instant,
  timeZone,
  zones,
  browserZone,
  hydrated,
  earliest,
  latest,
  changeZone,
}: TimeTargetProps & { kit: FieldKit<PitrFormValues>; timeLocal: string }) {
  return (
    <div className="space-y-2">
      <div className="grid gap-3 sm:grid-cols-[minmax(0,15rem)_minmax(0,15rem)_1fr] sm:items-start">
        <Field
          id={fid("timeLocal")}
          label="Date and time"
          error={errors.timeLocal?.message}
          hint={
            earliest !== null && latest !== null ? `Restorable: within the green ranges above.` : undefined
          }
        >
          <Input
            id={fid("timeLocal")}
            type="datetime-local"
            step={1}
            min={earliest !== null ? wallTimeCeil(earliest, timeZone) : undefined}
            max={latest !== null ? wallTimeFloor(latest, timeZone) : undefined}
            {...text("timeLocal", earliest !== null && latest !== null)}
            {...register("timeLocal")}
          />
        </Field>
        <Field id={fid("timeZone")} label="Time zone">
          <Select id={fid("timeZone")} value={timeZone} onChange={changeZone}>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
                {zone === browserZone && hydrated ? " (this browser)" : ""}
              </option>
            ))}
          </Select>
        </Field>
        <div className="space-y-1">
          <span className="block text-xs font-medium text-zinc-700">In UTC</span>
          <output
            htmlFor={`${fid("timeLocal")} ${fid("timeZone")}`}
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
  kit,
  values,
  setValue,
  time,
}: {
  kit: FieldKit<PitrFormValues>;
  values: PitrFormValues;
  setValue: UseFormSetValue<PitrFormValues>;
  time: TimeTargetProps;
}) {
  const { register, errors, fid, text } = kit;
  const showsInclusive =
    values.targetType === "time" || values.targetType === "xid" || values.targetType === "lsn";
  return (
    <>
      <fieldset
        className="space-y-1.5"
        aria-describedby={errors.targetType ? fid("targetType-error") : undefined}
      >
        <legend className="mb-1 text-xs font-medium text-zinc-700">Restore to</legend>
        <div className="grid gap-1.5 sm:grid-cols-2">
          {TARGET_TYPES.map((option) => (
            <RadioOption
              key={option.value}
              value={option.value}
              title={option.title}
              hint={option.hint}
              registration={register("targetType", {
                onChange: (event: ChangeEvent<HTMLInputElement>) =>
                  setValue("inclusive", event.target.value !== "xid"),
              })}
            />
          ))}
        </div>
        {errors.targetType?.message ? (
          <p id={fid("targetType-error")} className="text-xs text-red-600">
            {errors.targetType.message}
          </p>
        ) : null}
      </fieldset>

      {values.targetType === "time" ? (
        <TimeTargetFields kit={kit} timeLocal={values.timeLocal} {...time} />
      ) : values.targetType === "xid" ? (
        <Field
          id={fid("xid")}
          label="Transaction id"
          error={errors.xid?.message}
          hint="Find it with the event finder, or in the server log (log_line_prefix %x)."
          className="max-w-xs"
        >
          <Input
            id={fid("xid")}
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            placeholder="748213"
            {...text("xid", true)}
            {...register("xid")}
          />
        </Field>
      ) : values.targetType === "lsn" ? (
        <Field id={fid("lsn")} label="LSN" error={errors.lsn?.message} className="max-w-xs">
          <Input
            id={fid("lsn")}
            autoComplete="off"
            spellCheck={false}
            placeholder="0/3000060"
            {...text("lsn")}
            {...register("lsn")}
          />
        </Field>
      ) : values.targetType === "name" ? (
        <Field id={fid("name")} label="Restore point name" error={errors.name?.message} className="max-w-xs">
          <Input
            id={fid("name")}
            autoComplete="off"
            spellCheck={false}
            placeholder="before-upgrade"
            {...text("name")}
            {...register("name")}
          />
        </Field>
      ) : null}

      {showsInclusive ? (
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            aria-label="Inclusive"
            aria-describedby={fid("inclusive-hint")}
            className="mt-0.5 accent-emerald-700"
            {...register("inclusive")}
          />
          <span>
            Inclusive
            <span id={fid("inclusive-hint")} className="block text-xs text-zinc-500">
              {values.targetType === "xid"
                ? "Checked: the transaction itself is replayed. Unchecked: recovery stops just before it."
                : values.targetType === "lsn"
                  ? "Checked: stop just after the record at this LSN. Unchecked: just before it."
                  : "Checked: transactions that committed exactly at this time are kept. Unchecked: stop just before them."}
            </span>
          </span>
        </label>
      ) : null}
    </>
  );
}
