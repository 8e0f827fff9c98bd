"use client";

import type { ChangeEvent } from "react";
import { ClusterField } from "@/components/clusters/cluster-field";
import { FormCheckbox, FormField, type FormBinding } from "@/components/forms/form-field";
import { instanceNameOf } from "@/components/restores/describe";
import { ConfirmNameField } from "@/components/restores/restore-fields";
import { formatBytes } from "@/components/ui/format";
import { Input, Select, Textarea } from "@/components/ui/input";
import { formatUtc } from "@/components/ui/time";
import type { RestoreView } from "@/lib/client/use-restores";
import type { BackupSummary } from "@/lib/schemas/backup";
import { names, type LogicalFormValues } from "./request";

// The parts of the logical restore form: where it goes, which dump, the database and objects,
// and what may be overwritten; then the sentence saying what will happen.

export type LogicalForm = FormBinding<LogicalFormValues>;

export interface LogicalClusterChoice {
  id: string;
  name: string;
  /** host:port of its primary, where a new database is created. */
  primary: string;
}

type RunningInstance = RestoreView & { instance: NonNullable<RestoreView["instance"]> };

function instanceAddress(restore: RunningInstance): string {
  return `${restore.instance.host}:${restore.instance.port}`;
}

/** The cluster, and the primary or one of its running restored instances to restore into. */
export function DestinationFields({
  form,
  clusters,
  cluster,
  instances,
  onClusterChange,
}: {
  form: LogicalForm;
  clusters: LogicalClusterChoice[];
  cluster: LogicalClusterChoice | undefined;
  instances: RunningInstance[];
  onClusterChange: () => void;
}) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <ClusterField
        form={form}
        name="clusterId"
        clusters={clusters}
        options={{ onChange: onClusterChange }}
      />
      <FormField
        form={form}
        name="intoRestoreId"
        label="Restore into"
        hint={
          instances.length
            ? "The live primary, or a running restored instance of this cluster."
            : "No restored instance of this cluster is running; the restore goes to the primary."
        }
      >
        {(control) => (
          <Select {...control}>
            <option value="">the cluster&apos;s primary{cluster ? ` (${cluster.primary})` : ""}</option>
            {instances.map((restore) => (
              <option key={restore.id} value={restore.id}>
                restored instance {instanceNameOf(restore)} ({instanceAddress(restore)})
              </option>
            ))}
          </Select>
        )}
      </FormField>
    </div>
  );
}

function backupOption(backup: BackupSummary): string {
  return [
    formatUtc(backup.finishedAt ?? backup.createdAt),
    backup.database ?? "?",
    formatBytes(backup.sizeBytes),
    backup.label ? `“${backup.label}”` : backup.id.slice(0, 8),
  ].join(" · ");
}

export function BackupField({
  form,
  backups,
  loading,
  onBackupChange,
}: {
  form: LogicalForm;
  backups: BackupSummary[];
  loading: boolean;
  onBackupChange: (event: ChangeEvent<HTMLSelectElement>) => void;
}) {
  return (
    <FormField
      form={form}
      name="backupId"
      options={{ onChange: onBackupChange }}
      label="Logical backup"
      hint="Succeeded pg_dump backups of this cluster, newest first: finished · database · size · label."
    >
      {(control) => (
        <Select {...control}>
          <option value="">
            {loading ? "Loading…" : backups.length ? "Choose a backup…" : "No succeeded logical backup"}
          </option>
          {backups.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {backupOption(candidate)}
            </option>
          ))}
        </Select>
      )}
    </FormField>
  );
}

/** The database restored into (new, or with `clean` an existing one) and pg_restore's -j. */
export function DatabaseFields({ form, clean }: { form: LogicalForm; clean: boolean }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <FormField
        form={form}
        name="database"
        label={clean ? "Existing database" : "New database name"}
        hint={
          clean
            ? "The database restored over; it must exist."
            : "Created for this restore; it must not exist yet."
        }
      >
        {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
      </FormField>
      <FormField
        form={form}
        name="jobs"
        options={{ valueAsNumber: true }}
        label="Parallel jobs"
        hint="pg_restore -j: 1–16 connections at once."
      >
        {(control) => <Input type="number" inputMode="numeric" min={1} max={16} {...control} />}
      </FormField>
    </div>
  );
}

/** Only some tables or schemas of the dump. */
export function ObjectFields({ form }: { form: LogicalForm }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <FormField
        form={form}
        name="tables"
        label="Only these tables (optional)"
        hint="Comma or one per line. pg_restore matches plain names: orders, not public.orders; no wildcards."
      >
        {(control) => <Textarea rows={3} spellCheck={false} placeholder={"orders\ncustomers"} {...control} />}
      </FormField>
      <FormField
        form={form}
        name="schemas"
        label="Only these schemas (optional)"
        hint="Comma or one per line, e.g. public. Empty: everything in the dump."
      >
        {(control) => <Textarea rows={3} spellCheck={false} placeholder="public" {...control} />}
      </FormField>
    </div>
  );
}

/** Owners, and restoring over an existing database behind its name typed to confirm. */
export function OverwriteFields({
  form,
  clean,
  database,
}: {
  form: LogicalForm;
  clean: boolean;
  database: string;
}) {
  return (
    <div className="space-y-3">
      <FormCheckbox
        form={form}
        name="noOwner"
        label="No owners"
        hint="pg_restore --no-owner: objects belong to the role Walden connects as, whoever owned them before."
      />
      <FormCheckbox
        form={form}
        name="clean"
        tone="danger"
        label="Restore over an existing database"
        hint="pg_restore --clean --if-exists: objects in the dump are dropped and recreated in that database."
      />
      {clean ? (
        <div className="rounded-md border border-red-200 bg-red-50 p-3">
          <ConfirmNameField
            form={form}
            name="confirm"
            label="Type the database name to confirm"
            expected={database.trim()}
            consequence=": its tables in the dump are replaced."
            missing="Name the database first."
          />
        </div>
      ) : null}
    </div>
  );
}

/** One sentence: which dump goes where, with which options. */
export function WhatHappens({
  values,
  backup,
  into,
  cluster,
}: {
  values: Pick<LogicalFormValues, "clean" | "database" | "jobs" | "tables" | "schemas">;
  backup: BackupSummary | undefined;
  into: RunningInstance | undefined;
  cluster: LogicalClusterChoice | undefined;
}) {
  const database = values.database.trim() || "?";
  const tableNames = names(values.tables);
  const schemaNames = names(values.schemas);
  const where = into
    ? `the restored instance ${instanceNameOf(into)} (${instanceAddress(into)})`
    : `${cluster?.name ?? "the cluster"}'s primary (${cluster?.primary ?? "?"})`;
  return (
    <div className="rounded-md bg-zinc-50 px-3 py-2 text-sm text-zinc-700 ring-1 ring-zinc-200 ring-inset">
      <p className="font-medium text-zinc-900">What happens</p>
      <p className="mt-0.5">
        {values.clean ? (
          <>
            Restores over the existing database <code>{database}</code>
          </>
        ) : (
          <>
            Creates the database <code>{database}</code>
          </>
        )}{" "}
        on {where}, then runs pg_restore -j {Number.isFinite(values.jobs) ? values.jobs : "?"} of{" "}
        {backup ? (
          <>
            the dump of <code>{backup.database ?? "?"}</code> taken{" "}
            {formatUtc(backup.finishedAt ?? backup.createdAt)}
          </>
        ) : (
          "the chosen backup"
        )}
        {tableNames.length ? (
          <>
            , tables <code>{tableNames.join(", ")}</code> only
          </>
        ) : null}
        {schemaNames.length ? (
          <>
            , schemas <code>{schemaNames.join(", ")}</code> only
          </>
        ) : null}
        , and counts the rows of every table restored. Nothing else is touched.
      </p>
    </div>
  );
}

/** The pitr restores of `clusterId` whose instance runs: where a logical restore can also go. */
export function runningInstances(restores: RestoreView[], clusterId: string): RunningInstance[] {
  return restores.filter(
    (restore): restore is RunningInstance =>
      restore.clusterId === clusterId && restore.instanceState === "running" && Boolean(restore.instance),
  );
}
