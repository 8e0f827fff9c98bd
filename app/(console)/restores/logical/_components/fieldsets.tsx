"use client";

import { useTranslations } from "next-intl";
import type { ChangeEvent, ReactNode } from "react";
import { ClusterField } from "@/components/clusters/cluster-field";
import { FormCheckbox, FormField, type FormBinding } from "@/components/forms/form-field";
import { instanceNameOf } from "@/components/restores/describe";
import { ConfirmNameField } from "@/components/restores/restore-fields";
import { useFormat } from "@/components/ui/use-format";
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
  const t = useTranslations("restores.logical");
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
        label={t("into")}
        hint={instances.length ? t("intoHint") : t("intoHintNone")}
      >
        {(control) => (
          <Select {...control}>
            <option value="">
              {t("primary")}
              {cluster ? ` (${cluster.primary})` : ""}
            </option>
            {instances.map((restore) => (
              <option key={restore.id} value={restore.id}>
                {t("restoredInstance", { name: instanceNameOf(restore), address: instanceAddress(restore) })}
              </option>
            ))}
          </Select>
        )}
      </FormField>
    </div>
  );
}

function backupOption(backup: BackupSummary, formatBytes: (bytes: number | null) => string): string {
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
  const t = useTranslations("restores.logical");
  const common = useTranslations("common.actions");
  const { formatBytes } = useFormat();
  return (
    <FormField
      form={form}
      name="backupId"
      options={{ onChange: onBackupChange }}
      label={t("backup")}
      hint={t("backupHint")}
    >
      {(control) => (
        <Select {...control}>
          <option value="">
            {loading ? common("loading") : backups.length ? t("chooseBackup") : t("noBackup")}
          </option>
          {backups.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {backupOption(candidate, formatBytes)}
            </option>
          ))}
        </Select>
      )}
    </FormField>
  );
}

/** The database restored into (new, or with `clean` an existing one) and pg_restore's -j. */
export function DatabaseFields({ form, clean }: { form: LogicalForm; clean: boolean }) {
  const t = useTranslations("restores.logical");
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <FormField
        form={form}
        name="database"
        label={clean ? t("existingDatabase") : t("newDatabase")}
        hint={clean ? t("existingDatabaseHint") : t("newDatabaseHint")}
      >
        {(control) => <Input autoComplete="off" spellCheck={false} {...control} />}
      </FormField>
      <FormField
        form={form}
        name="jobs"
        options={{ valueAsNumber: true }}
        label={t("jobs")}
        hint={t("jobsHint")}
      >
        {(control) => <Input type="number" inputMode="numeric" min={1} max={16} {...control} />}
      </FormField>
    </div>
  );
}

/** Only some tables or schemas of the dump. */
export function ObjectFields({ form }: { form: LogicalForm }) {
  const t = useTranslations("restores.logical");
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <FormField form={form} name="tables" label={t("tables")} hint={t("tablesHint")}>
        {(control) => <Textarea rows={3} spellCheck={false} placeholder={"orders\ncustomers"} {...control} />}
      </FormField>
      <FormField form={form} name="schemas" label={t("schemas")} hint={t("schemasHint")}>
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
  const t = useTranslations("restores.logical");
  return (
    <div className="space-y-3">
      <FormCheckbox form={form} name="noOwner" label={t("noOwner")} hint={t("noOwnerHint")} />
      <FormCheckbox form={form} name="clean" tone="danger" label={t("clean")} hint={t("cleanHint")} />
      {clean ? (
        <div className="rounded-md border border-red-200 bg-red-50 p-3">
          <ConfirmNameField
            form={form}
            name="confirm"
            label={t("confirm")}
            expected={database.trim()}
            consequence={t("confirmConsequence")}
            missing={t("confirmMissing")}
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
  const t = useTranslations("restores.logical.what");
  const database = values.database.trim() || "?";
  const tableNames = names(values.tables);
  const schemaNames = names(values.schemas);
  const where = into
    ? t("whereInstance", { name: instanceNameOf(into), address: instanceAddress(into) })
    : t("wherePrimary", { cluster: cluster?.name ?? t("theCluster"), primary: cluster?.primary ?? "?" });
  const code = (chunks: ReactNode) => <code>{chunks}</code>;
  return (
    <div className="rounded-md bg-zinc-50 px-3 py-2 text-sm text-zinc-700 ring-1 ring-zinc-200 ring-inset">
      <p className="font-medium text-zinc-900">{t("title")}</p>
      <p className="mt-0.5">
        {t.rich(values.clean ? "sentenceClean" : "sentenceNew", {
          database,
          where,
          jobs: Number.isFinite(values.jobs) ? String(values.jobs) : "?",
          dump: backup
            ? t("dump", {
                database: backup.database ?? "?",
                time: formatUtc(backup.finishedAt ?? backup.createdAt),
              })
            : t("chosenBackup"),
          only: [
            tableNames.length ? t("onlyTables", { list: tableNames.join(", ") }) : null,
            schemaNames.length ? t("onlySchemas", { list: schemaNames.join(", ") }) : null,
          ]
            .filter(Boolean)
            .join(""),
          code,
        })}
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
