"use client";

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
  return (
    <div className="grid grid-cols-2 gap-3">
      <FormField
        form={form}
        name="physicalCompression"
        label="Compression"
        hint={<Hint>lz4 is fast; zstd is smaller for more CPU; gzip is slowest.</Hint>}
      >
        {(control) => <Select choices={["lz4", "zstd", "gzip", "none"]} {...control} />}
      </FormField>
      <FormField
        form={form}
        name="checkpoint"
        label="Checkpoint"
        hint={<Hint>fast checkpoint starts at once; spread is gentler on a busy server.</Hint>}
      >
        {(control) => <Select choices={["fast", "spread"]} {...control} />}
      </FormField>
    </div>
  );
}

const patternInputs = [
  ["tables", "Only tables", "sales.orders, public.*"],
  ["excludeTables", "Skip tables", "sales.orders, public.*"],
  ["schemas", "Only schemas", "sales, audit_*"],
  ["excludeSchemas", "Skip schemas", "sales, audit_*"],
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
  return (
    <div className="space-y-3">
      <div className="grid grid-cols-2 gap-3">
        <FormField
          form={form}
          name="database"
          label="Database"
          hint={<Hint>Empty: {defaultDatabase}, the database Walden connects to.</Hint>}
        >
          {(control) => (
            <Input autoComplete="off" spellCheck={false} placeholder={defaultDatabase} {...control} />
          )}
        </FormField>
        <FormField
          form={form}
          name="format"
          label="Format"
          hint={<Hint>custom: one file; directory: a file per table, dumps in parallel.</Hint>}
        >
          {(control) => <Select choices={["custom", "directory"]} {...control} />}
        </FormField>
        {format === "directory" ? (
          <FormField
            form={form}
            name="jobs"
            options={{ valueAsNumber: true }}
            label="Parallel jobs"
            hint={<Hint>1–16; each job is one more connection to the server.</Hint>}
          >
            {(control) => <Input type="number" inputMode="numeric" min={1} max={16} {...control} />}
          </FormField>
        ) : null}
        <FormField
          form={form}
          name="logicalCompression"
          label="Compression"
          hint={<Hint>lz4 and zstd need pg_dump 16 or newer; the worker&apos;s is older.</Hint>}
        >
          {(control) => <Select choices={["gzip", "none"]} {...control} />}
        </FormField>
        <FormField
          form={form}
          name="content"
          label="Content"
          hint={<Hint>Schema only is quick: definitions, no rows.</Hint>}
        >
          {(control) => (
            <Select
              choices={[
                ["all", "schema and data"],
                ["data", "data only"],
                ["schema", "schema only"],
              ]}
              {...control}
            />
          )}
        </FormField>
      </div>
      <details className="rounded-md ring-1 ring-zinc-200 ring-inset">
        <summary className="cursor-pointer px-2.5 py-1.5 text-xs font-medium text-zinc-700">
          Tables and schemas
        </summary>
        <div className="grid grid-cols-2 gap-3 px-2.5 pt-1 pb-2.5">
          {patternInputs.map(([name, label, placeholder]) => (
            <FormField key={name} form={form} name={name} label={label}>
              {(control) => (
                <Input autoComplete="off" spellCheck={false} placeholder={placeholder} {...control} />
              )}
            </FormField>
          ))}
          <p className="col-span-2 text-xs text-zinc-500">
            Separate patterns with commas; <code>*</code> is a wildcard. Empty: everything.
          </p>
        </div>
      </details>
      <FormCheckbox
        form={form}
        name="noOwner"
        label="No owners"
        hint="Leave out ALTER … OWNER, so the dump restores under any role."
      />
    </div>
  );
}
