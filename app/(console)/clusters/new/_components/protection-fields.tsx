"use client";

import { useFormContext } from "react-hook-form";
import { FormCheckbox, FormField } from "@/components/forms/form-field";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { REGISTRATION_DEFAULTS } from "@/lib/schemas/cluster";
import type { ClusterFormValues } from "./node-fields";

// The "Protection" card of the register form: the backup schedule, retention and drill a new
// cluster starts with (REGISTRATION_DEFAULTS), prefilled and changeable; a schedule switched off
// is registered paused, to switch on later on the cluster page.

/** The form's starting values: copies, so the form never edits the shared defaults. */
export function protectionFormDefaults() {
  const { physicalBackup, retention, drill } = REGISTRATION_DEFAULTS;
  return { physicalBackup: { ...physicalBackup }, retention: { ...retention }, drill: { ...drill } };
}

/** A switch, a cron and a zone: the backup schedule and the drill schedule look alike. */
function ScheduleFields({
  part,
  legend,
  label,
  hint,
  noun,
}: {
  part: "physicalBackup" | "drill";
  legend: string;
  label: string;
  hint: string;
  noun: string;
}) {
  const form = useFormContext<ClusterFormValues>();
  return (
    <fieldset className="grid grid-cols-1 gap-3 sm:grid-cols-6">
      <legend className="sr-only">{legend}</legend>
      <FormCheckbox
        form={form}
        name={`defaults.${part}.enabled`}
        label={label}
        hint={hint}
        className="sm:col-span-6"
      />
      <FormField
        form={form}
        name={`defaults.${part}.cron`}
        label={`${noun} schedule (cron)`}
        hint="5 fields: minute hour day-of-month month day-of-week."
        className="sm:col-span-3"
      >
        {(control) => <Input spellCheck={false} {...control} />}
      </FormField>
      <FormField
        form={form}
        name={`defaults.${part}.timezone`}
        label={`${noun} time zone`}
        className="sm:col-span-3"
      >
        {(control) => <Input spellCheck={false} {...control} />}
      </FormField>
    </fieldset>
  );
}

export function ProtectionFields() {
  const form = useFormContext<ClusterFormValues>();
  return (
    <Card>
      <CardHeader
        title="Protection"
        description="What keeps this cluster recoverable from the start. Change or switch off any of it now, or later on the cluster page."
      />
      <CardBody className="space-y-5">
        <ScheduleFields
          part="physicalBackup"
          legend="Physical backup schedule"
          label="Daily physical backup"
          hint="A pg_basebackup of the primary, compressed with lz4. Unchecked: registered paused."
          noun="Backup"
        />

        <fieldset className="grid grid-cols-1 gap-3 sm:grid-cols-6">
          <legend className="mb-1 text-sm font-medium">Retention</legend>
          <FormField
            form={form}
            name="defaults.retention.recoveryWindowDays"
            options={{ valueAsNumber: true }}
            label="Recovery window (days)"
            hint="Backups and WAL needed to restore to any point of these last days are kept."
            className="sm:col-span-3"
          >
            {(control) => <Input type="number" min={0} {...control} />}
          </FormField>
          <FormField
            form={form}
            name="defaults.retention.minRedundancy"
            options={{ valueAsNumber: true }}
            label="Physical backups kept at least"
            className="sm:col-span-3"
          >
            {(control) => <Input type="number" min={1} {...control} />}
          </FormField>
        </fieldset>

        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Weekly verification: every backup not verified in the last 7 days is checked again on Sundays at
          04:00 UTC (pg_verifybackup and the WAL it needs), for all clusters.
        </p>

        <ScheduleFields
          part="drill"
          legend="Restore drill"
          label="Weekly restore drill"
          hint="The latest backup restored to the latest archived point, timed (RTO) and removed. Unchecked: registered paused."
          noun="Drill"
        />
      </CardBody>
    </Card>
  );
}
