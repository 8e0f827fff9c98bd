"use client";

import { useTranslations } from "next-intl";
import { useFormContext } from "react-hook-form";
import { FormCheckbox, FormField } from "@/components/forms/form-field";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { REGISTRATION_DEFAULTS } from "@/lib/schemas/cluster";
import type { ClusterFormValues } from "./node-fields";

// The "Protection" card of the register form: the backup schedule, retention, verification and
// drill a new cluster starts with (REGISTRATION_DEFAULTS), prefilled and changeable; a schedule
// switched off is registered paused, to switch on later on the cluster page.

/** The form's starting values: copies, so the form never edits the shared defaults. */
export function protectionFormDefaults() {
  const { physicalBackup, retention, verification, drill } = REGISTRATION_DEFAULTS;
  return {
    physicalBackup: { ...physicalBackup },
    retention: { ...retention },
    verification: { ...verification },
    drill: { ...drill },
  };
}

/** A switch, a cron and a zone: the backup, verification and drill schedules look alike. */
function ScheduleFields({
  part,
  legend,
  label,
  hint,
  noun,
}: {
  part: "physicalBackup" | "verification" | "drill";
  legend: string;
  label: string;
  hint: string;
  noun: string;
}) {
  const t = useTranslations("schedules.protection");
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
        label={t("cronLabel", { noun })}
        hint={t("cronHint")}
        className="sm:col-span-3"
      >
        {(control) => <Input spellCheck={false} {...control} />}
      </FormField>
      <FormField
        form={form}
        name={`defaults.${part}.timezone`}
        label={t("timeZoneLabel", { noun })}
        className="sm:col-span-3"
      >
        {(control) => <Input spellCheck={false} {...control} />}
      </FormField>
    </fieldset>
  );
}

export function ProtectionFields() {
  const t = useTranslations("schedules.protection");
  const form = useFormContext<ClusterFormValues>();
  return (
    <Card>
      <CardHeader title={t("title")} description={t("description")} />
      <CardBody className="space-y-5">
        <ScheduleFields
          part="physicalBackup"
          legend={t("backupLegend")}
          label={t("backupLabel")}
          hint={t("backupHint")}
          noun={t("backupNoun")}
        />

        <fieldset className="grid grid-cols-1 gap-3 sm:grid-cols-6">
          <legend className="mb-1 text-sm font-medium">{t("retention")}</legend>
          <FormField
            form={form}
            name="defaults.retention.recoveryWindowDays"
            options={{ valueAsNumber: true }}
            label={t("recoveryWindow")}
            hint={t("recoveryWindowHint")}
            className="sm:col-span-3"
          >
            {(control) => <Input type="number" min={0} {...control} />}
          </FormField>
          <FormField
            form={form}
            name="defaults.retention.minRedundancy"
            options={{ valueAsNumber: true }}
            label={t("minRedundancy")}
            className="sm:col-span-3"
          >
            {(control) => <Input type="number" min={1} {...control} />}
          </FormField>
        </fieldset>

        <ScheduleFields
          part="verification"
          legend={t("verificationLegend")}
          label={t("verificationLabel")}
          hint={t("verificationHint")}
          noun={t("verificationNoun")}
        />

        <ScheduleFields
          part="drill"
          legend={t("drillLegend")}
          label={t("drillLabel")}
          hint={t("drillHint")}
          noun={t("drillNoun")}
        />
      </CardBody>
    </Card>
  );
}
