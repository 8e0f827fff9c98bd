"use client";

import type { ReactNode } from "react";
import type { BackupFormValues } from "@/components/backups/backup-request";
import type { FieldKit } from "@/components/forms/field-kit";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";

// The kind-specific parts of "Back up now": pg_basebackup's options and pg_dump's.

export type BackupFieldKit = FieldKit<BackupFormValues>;

export function Hint({ children }: { children: ReactNode }) {
  return <span className="text-zinc-500">{children}</span>;
}

export function PhysicalOptions({ kit: { register, errors, fid, text } }: { kit: BackupFieldKit }) {
  return (
    <div className="grid grid-cols-2 gap-3">
      <Field
        id={fid("physicalCompression")}
        label="Compression"
        error={errors.physicalCompression?.message}
        hint={<Hint>lz4 is fast; zstd is smaller for more CPU; gzip is slowest.</Hint>}
      >
        <Select
          id={fid("physicalCompression")}
          {...text("physicalCompression", true)}
          {...register("physicalCompression")}
        >
          <option value="lz4">lz4</option>
          <option value="zstd">zstd</option>
          <option value="gzip">gzip</option>
          <option value="none">none</option>
        </Select>
      </Field>
      <Field
        id={fid("checkpoint")}
        label="Checkpoint"
        error={errors.checkpoint?.message}
        hint={<Hint>fast checkpoint starts at once; spread is gentler on a busy server.</Hint>}
      >
        <Select id={fid("checkpoint")} {...text("checkpoint", true)} {...register("checkpoint")}>
          <option value="fast">fast</option>
          <option value="spread">spread</option>
        </Select>
      </Field>
    </div>
  );
}

export function LogicalOptions({
  kit: { register, errors, fid, text },
  format,
  defaultDatabase,
}: {
  kit: BackupFieldKit;
  format: BackupFormValues["format"];
  defaultDatabase: string;
}) {
  return (
    <div className="space-y-3">
      <div className="grid grid-cols-2 gap-3">
        <Field
          id={fid("database")}
          label="Database"
          error={errors.database?.message}
          hint={<Hint>Empty: {defaultDatabase}, the database Walden connects to.</Hint>}
        >
          <Input
            id={fid("database")}
            autoComplete="off"
            spellCheck={false}
            placeholder={defaultDatabase}
            {...text("database", true)}
            {...register("database")}
          />
        </Field>
        <Field
          id={fid("format")}
          label="Format"
          error={errors.format?.message}
          hint={<Hint>custom: one file; directory: a file per table, dumps in parallel.</Hint>}
        >
          <Select id={fid("format")} {...text("format", true)} {...register("format")}>
            <option value="custom">custom</option>
            <option value="directory">directory</option>
          </Select>
        </Field>
        {format === "directory" ? (
          <Field
            id={fid("jobs")}
            label="Parallel jobs"
            error={errors.jobs?.message}
            hint={<Hint>1–16; each job is one more connection to the server.</Hint>}
          >
            <Input
              id={fid("jobs")}
              type="number"
              inputMode="numeric"
              min={1}
              max={16}
              {...text("jobs", true)}
              {...register("jobs", { valueAsNumber: true })}
            />
          </Field>
        ) : null}
        <Field
          id={fid("logicalCompression")}
          label="Compression"
          error={errors.logicalCompression?.message}
          hint={<Hint>lz4 and zstd need pg_dump 16 or newer; the worker&apos;s is older.</Hint>}
        >
          <Select
            id={fid("logicalCompression")}
            {...text("logicalCompression", true)}
            {...register("logicalCompression")}
          >
            <option value="gzip">gzip</option>
            <option value="none">none</option>
          </Select>
        </Field>
        <Field
          id={fid("content")}
          label="Content"
          error={errors.content?.message}
          hint={<Hint>Schema only is quick: definitions, no rows.</Hint>}
        >
          <Select id={fid("content")} {...text("content", true)} {...register("content")}>
            <option value="all">schema and data</option>
            <option value="data">data only</option>
            <option value="schema">schema only</option>
          </Select>
        </Field>
      </div>
      <details className="rounded-md ring-1 ring-zinc-200 ring-inset">
        <summary className="cursor-pointer px-2.5 py-1.5 text-xs font-medium text-zinc-700">
          Tables and schemas
        </summary>
        <div className="grid grid-cols-2 gap-3 px-2.5 pt-1 pb-2.5">
          {(
            [
              ["tables", "Only tables"],
              ["excludeTables", "Skip tables"],
              ["schemas", "Only schemas"],
              ["excludeSchemas", "Skip schemas"],
            ] as const
          ).map(([name, label]) => (
            <Field key={name} id={fid(name)} label={label} error={errors[name]?.message}>
              <Input
                id={fid(name)}
                autoComplete="off"
                spellCheck={false}
                placeholder={name.endsWith("ables") ? "sales.orders, public.*" : "sales, audit_*"}
                {...text(name)}
                {...register(name)}
              />
            </Field>
          ))}
          <p className="col-span-2 text-xs text-zinc-500">
            Separate patterns with commas; <code>*</code> is a wildcard. Empty: everything.
          </p>
        </div>
      </details>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" className="mt-0.5 accent-emerald-700" {...register("noOwner")} />
        <span>
          No owners
          <span className="block text-xs text-zinc-500">
            Leave out ALTER … OWNER, so the dump restores under any role.
          </span>
        </span>
      </label>
    </div>
  );
}
