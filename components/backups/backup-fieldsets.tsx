"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import type { BackupFormValues } from "@/components/backups/backup-request";
import { FormCheckbox, FormField, type FormBinding } from "@/components/forms/form-field";
import { Input, Select } from "@/components/ui/input";

// The kind-specific parts of "Back up now": pg_basebackup's options and pg_dump's.

export type BackupForm = FormBinding<BackupFormValues>;

export function Hint({ children }: { children: ReactNode }) {
  return <span className="text-zinc-500">{children}</span>;
}

export function PhysicalOptions({ form }: { form: BackupForm }) {
  const t = useTranslations("backups.options");
  return (
    <div className="grid grid-cols-2 gap-3">
      <FormField
        form={form}
        name="physicalCompression"
        label={t("compression")}
        hint={<Hint>{t("physicalCompressionHint")}</Hint>}
      >
        {(control) => <Select choices={["lz4", "zstd", "gzip", "none"]} {...control} />}
      </FormField>
      <FormField
        form={form}
        name="checkpoint"
        label={t("checkpoint")}
        hint={<Hint>{t("checkpointHint")}</Hint>}
      >
        {(control) => <Select choices={["fast", "spread"]} {...control} />}
      </FormField>
    </div>
  );
}

const patternInputs = [
  ["tables", "sales.orders, public.*"],
  ["excludeTables", "sales.orders, public.*"],
  ["schemas", "sales, audit_*"],
  ["excludeSchemas", "sales, audit_*"],
] as const;

export function LogicalOptions({
  form,
  format,
  defaultDatabase,
}: {
  form: BackupForm;
  format: BackupFormValues["format"];
  defaultDatabase: string;
}) {
  const t = useTranslations("backups.options");
  return (
    <div className="space-y-3">
      <div className="grid grid-cols-2 gap-3">
        <FormField
          form={form}
          name="database"
          label={t("database")}
          hint={<Hint>{t("databaseHint", { database: defaultDatabase })}</Hint>}
        >
          {(control) => (
            <Input autoComplete="off" spellCheck={false} placeholder={defaultDatabase} {...control} />
          )}
        </FormField>
        <FormField form={form} name="format" label={t("format")} hint={<Hint>{t("formatHint")}</Hint>}>
          {(control) => <Select choices={["custom", "directory"]} {...control} />}
        </FormField>
        {format === "directory" ? (
          <FormField
            form={form}
            name="jobs"
            options={{ valueAsNumber: true }}
            label={t("jobs")}
            hint={<Hint>{t("jobsHint")}</Hint>}
          >
            {(control) => <Input type="number" inputMode="numeric" min={1} max={16} {...control} />}
          </FormField>
        ) : null}
        <FormField
          form={form}
          name="logicalCompression"
          label={t("compression")}
          hint={<Hint>{t("logicalCompressionHint")}</Hint>}
        >
          {(control) => <Select choices={["gzip", "none"]} {...control} />}
        </FormField>
        <FormField form={form} name="content" label={t("content")} hint={<Hint>{t("contentHint")}</Hint>}>
          {(control) => (
            <Select
              choices={[
                ["all", t("contentAll")],
                ["data", t("contentData")],
                ["schema", t("contentSchema")],
              ]}
              {...control}
            />
          )}
        </FormField>
      </div>
      <details className="rounded-md ring-1 ring-zinc-200 ring-inset">
        <summary className="cursor-pointer px-2.5 py-1.5 text-xs font-medium text-zinc-700">
          {t("patterns")}
        </summary>
        <div className="grid grid-cols-2 gap-3 px-2.5 pt-1 pb-2.5">
          {patternInputs.map(([name, placeholder]) => (
            <FormField key={name} form={form} name={name} label={t(name)}>
              {(control) => (
                <Input autoComplete="off" spellCheck={false} placeholder={placeholder} {...control} />
              )}
            </FormField>
          ))}
          <p className="col-span-2 text-xs text-zinc-500">
            {t.rich("patternsHint", { code: (chunks) => <code>{chunks}</code> })}
          </p>
        </div>
      </details>
      <FormCheckbox form={form} name="noOwner" label={t("noOwner")} hint={t("noOwnerHint")} />
    </div>
  );
}
