"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type ComponentProps } from "react";
import { useForm, useWatch } from "react-hook-form";
import { instanceNameOf, restoredName } from "@/components/restores/describe";
import { useRequestRestore, useRestores, type RestoreView } from "@/lib/client/use-restores";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink, Spinner } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { cx } from "@/components/ui/cx";
import { describedBy, Field } from "@/components/ui/field";
import { formatBytes } from "@/components/ui/format";
import { Input, Select } from "@/components/ui/input";
import { formatUtc } from "@/components/ui/time";
import type { BackupSummary } from "@/lib/backup/queries";
import { errorMessage, fieldIssues } from "@/lib/client/fetcher";
import { useBackups } from "@/lib/client/use-backups";
import { logicalRestoreRequestSchema } from "@/lib/schemas/restore";

export interface LogicalClusterChoice {
  id: string;
  name: string;
  /** host:port of its primary, where a new database is created. */
  primary: string;
}

interface FormValues {
  clusterId: string;
  backupId: string;
  database: string;
  tables: string;
  schemas: string;
  jobs: number;
  noOwner: boolean;
  clean: boolean;
  confirm: string;
  intoRestoreId: string;
}

const fields = [
  "clusterId",
  "backupId",
  "database",
  "tables",
  "schemas",
  "jobs",
  "noOwner",
  "clean",
  "confirm",
  "intoRestoreId",
] as const;

const BACKUP_LIMIT = 500;

function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return (
    <textarea
      className={cx(
        "block w-full rounded-md border-0 bg-white px-2.5 py-1.5 font-mono text-sm text-zinc-900 shadow-xs ring-1 ring-zinc-300 ring-inset",
        "placeholder:text-zinc-400 focus:ring-2 focus:ring-emerald-600 focus:outline-none",
        "aria-[invalid=true]:ring-red-400 aria-[invalid=true]:focus:ring-red-500",
        className,
      )}
      {...props}
    />
  );
}

/** "orders, customers\nitems" → ["orders", "customers", "items"]: commas or line breaks separate names. */
function names(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** `app_restored_20261126_1452` (UTC): a name that is new unless two restores start in the same minute. */
function suggestedDatabase(backup: BackupSummary | undefined, at: Date): string {
  return restoredName(backup?.database ?? "restored", at);
}

function backupOption(backup: BackupSummary): string {
  return [
    formatUtc(backup.finishedAt ?? backup.createdAt),
    backup.database ?? "?",
    formatBytes(backup.sizeBytes),
    backup.label ? `“${backup.label}”` : backup.id.slice(0, 8),
  ].join(" · ");
}

/** The form's values as a request body, for the shared schema to judge. */
function toRequest(values: FormValues) {
  return {
    clusterId: values.clusterId,
    kind: "logical" as const,
    backupId: values.backupId,
    database: values.database.trim(),
    intoRestoreId: values.intoRestoreId || undefined,
    tables: names(values.tables),
    schemas: names(values.schemas),
    jobs: values.jobs,
    clean: values.clean,
    confirm: values.clean ? values.confirm.trim() : undefined,
    noOwner: values.noOwner,
  };
}

/**
 * pg_restore of a succeeded logical backup into a new database of the cluster's primary or of a
 * restored instance; over an existing database only with its name typed. Queues the restore and
 * opens its page.
 */
export function LogicalRestoreForm({
  clusters,
  initialClusterId,
  initialBackupId,
  initialIntoRestoreId,
  initialBackups,
  initialPitrRestores,
}: {
  clusters: LogicalClusterChoice[];
  initialClusterId: string;
  initialBackupId?: string;
  initialIntoRestoreId?: string;
  /** The initial cluster's succeeded logical backups, newest first. */
  initialBackups: BackupSummary[];
  /** Succeeded pitr restores (any cluster); those whose instance runs can receive the restore. */
  initialPitrRestores: RestoreView[];
}) {
  const router = useRouter();
  const requestRestore = useRequestRestore();
  const id = useId();
  const fid = (name: keyof FormValues) => `${id}-${name}`;
  const [openedAt] = useState(() => new Date());
  const firstBackup = initialBackups.find((backup) => backup.id === initialBackupId) ?? initialBackups[0];

  const { register, handleSubmit, setError, setValue, getFieldState, control, formState } =
    useForm<FormValues>({
      defaultValues: {
        clusterId: initialClusterId,
        backupId: firstBackup?.id ?? "",
        database: firstBackup ? suggestedDatabase(firstBackup, openedAt) : "",
        tables: "",
        schemas: "",
        jobs: 2,
        noOwner: true,
        clean: false,
        confirm: "",
        intoRestoreId: initialPitrRestores.some(
          (restore) => restore.id === initialIntoRestoreId && restore.instanceState === "running",
        )
          ? initialIntoRestoreId!
          : "",
      },
    });
  const { errors } = formState;
  const [clusterId, backupId, database, clean, intoRestoreId, jobs, tables, schemas] = useWatch({
    control,
    name: ["clusterId", "backupId", "database", "clean", "intoRestoreId", "jobs", "tables", "schemas"],
  });

  const backupsQuery = useBackups(
    { clusterId, kind: "logical", status: "succeeded", limit: BACKUP_LIMIT },
    clusterId === initialClusterId ? initialBackups : undefined,
  );
  const backups = backupsQuery.data ?? [];
  const pitrQuery = useRestores({ kind: "pitr", status: "succeeded", limit: 100 }, initialPitrRestores);
  const instances = (pitrQuery.data ?? initialPitrRestores).filter(
    (restore) => restore.clusterId === clusterId && restore.instanceState === "running" && restore.instance,
  );
  const cluster = clusters.find((candidate) => candidate.id === clusterId);
  const backup = backups.find((candidate) => candidate.id === backupId);
  const into = instances.find((restore) => restore.id === intoRestoreId);
  const busy = requestRestore.isPending;

  const setIssue = (path: string, message: string, type: "validate" | "server") => {
    const head = path.split(".")[0] as (typeof fields)[number];
    const field = fields.includes(head) ? head : "root";
    setError(field, { type, message: field === "root" && path ? `${path}: ${message}` : message });
  };

  const onSubmit = handleSubmit((values) => {
    const dotted = names(values.tables).find((name) => name.includes("."));
    if (dotted) {
      setIssue(
        "tables",
        `pg_restore matches plain table names: write ${dotted.split(".").pop()} and put ${dotted.split(".")[0]} under schemas`,
        "validate",
      );
      return;
    }
    const parsed = logicalRestoreRequestSchema.safeParse(toRequest(values));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) setIssue(issue.path.join("."), issue.message, "validate");
      return;
    }
    requestRestore.mutate(parsed.data, {
      onSuccess: (queued) => router.push(`/restores/${queued.id}`),
      onError: (error) => {
        for (const issue of fieldIssues(error)) setIssue(issue.path, issue.message, "server");
      },
    });
  });

  const text = (name: keyof FormValues, hint?: boolean) =>
    describedBy(fid(name), errors[name]?.message, hint);
  const clusterField = register("clusterId", {
    onChange: () => {
      setValue("backupId", "");
      setValue("intoRestoreId", "");
    },
  });
  const backupField = register("backupId", {
    onChange: (event: { target: { value: string } }) => {
      // The suggested name follows the backup's database until the person edits it.
      if (getFieldState("database", formState).isDirty) return;
      const chosen = backups.find((candidate) => candidate.id === event.target.value);
      setValue("database", chosen ? suggestedDatabase(chosen, new Date()) : "");
    },
  });
  const refused =
    requestRestore.isError && fieldIssues(requestRestore.error).length === 0 ? requestRestore.error : null;
  const tableNames = names(tables);
  const schemaNames = names(schemas);
  const where = into
    ? `the restored instance ${instanceNameOf(into)} (${into.instance!.host}:${into.instance!.port})`
    : `${cluster?.name ?? "the cluster"}'s primary (${cluster?.primary ?? "?"})`;

  return (
    <Card>
      <CardBody>
        <form
          onSubmit={onSubmit}
          noValidate
          aria-label="Restore a logical backup"
          className="max-w-3xl space-y-5"
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id={fid("clusterId")} label="Cluster" error={errors.clusterId?.message}>
              <Select id={fid("clusterId")} {...text("clusterId")} {...clusterField}>
                {clusters.map((choice) => (
                  <option key={choice.id} value={choice.id}>
                    {choice.name}
                  </option>
                ))}
              </Select>
            </Field>
            <Field
              id={fid("intoRestoreId")}
              label="Restore into"
              error={errors.intoRestoreId?.message}
              hint={
                instances.length
                  ? "The live primary, or a running restored instance of this cluster."
                  : "No restored instance of this cluster is running; the restore goes to the primary."
              }
            >
              <Select
                id={fid("intoRestoreId")}
                {...text("intoRestoreId", true)}
                {...register("intoRestoreId")}
              >
                <option value="">the cluster&apos;s primary{cluster ? ` (${cluster.primary})` : ""}</option>
                {instances.map((restore) => (
                  <option key={restore.id} value={restore.id}>
                    restored instance {instanceNameOf(restore)} ({restore.instance!.host}:
                    {restore.instance!.port})
                  </option>
                ))}
              </Select>
            </Field>
          </div>

          <Field
            id={fid("backupId")}
            label="Logical backup"
            error={errors.backupId?.message}
            hint="Succeeded pg_dump backups of this cluster, newest first: finished · database · size · label."
          >
            <Select id={fid("backupId")} {...text("backupId", true)} {...backupField}>
              <option value="">
                {backupsQuery.isPending
                  ? "Loading…"
                  : backups.length
                    ? "Choose a backup…"
                    : "No succeeded logical backup"}
              </option>
              {backups.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {backupOption(candidate)}
                </option>
              ))}
            </Select>
          </Field>
          {backupsQuery.isError ? (
            <Alert tone="error" title="Could not load the backups">
              {errorMessage(backupsQuery.error)}
            </Alert>
          ) : null}

          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              id={fid("database")}
              label={clean ? "Existing database" : "New database name"}
              error={errors.database?.message}
              hint={
                clean
                  ? "The database restored over; it must exist."
                  : "Created for this restore; it must not exist yet."
              }
            >
              <Input
                id={fid("database")}
                autoComplete="off"
                spellCheck={false}
                {...text("database", true)}
                {...register("database")}
              />
            </Field>
            <Field
              id={fid("jobs")}
              label="Parallel jobs"
              error={errors.jobs?.message}
              hint="pg_restore -j: 1–16 connections at once."
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
          </div>

          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              id={fid("tables")}
              label="Only these tables (optional)"
              error={errors.tables?.message}
              hint="Comma or one per line. pg_restore matches plain names: orders, not public.orders; no wildcards."
            >
              <Textarea
                id={fid("tables")}
                rows={3}
                spellCheck={false}
                placeholder={"orders\ncustomers"}
                {...text("tables", true)}
                {...register("tables")}
              />
            </Field>
            <Field
              id={fid("schemas")}
              label="Only these schemas (optional)"
              error={errors.schemas?.message}
              hint="Comma or one per line, e.g. public. Empty: everything in the dump."
            >
              <Textarea
                id={fid("schemas")}
                rows={3}
                spellCheck={false}
                placeholder="public"
                {...text("schemas", true)}
                {...register("schemas")}
              />
            </Field>
          </div>

          <div className="space-y-3">
            <label className="flex items-start gap-2 text-sm">
              <input type="checkbox" className="mt-0.5 accent-emerald-700" {...register("noOwner")} />
              <span>
                No owners
                <span className="block text-xs text-zinc-500">
                  pg_restore --no-owner: objects belong to the role Walden connects as, whoever owned them
                  before.
                </span>
              </span>
            </label>
            <label className="flex items-start gap-2 text-sm">
              <input type="checkbox" className="mt-0.5 accent-red-600" {...register("clean")} />
              <span>
                Restore over an existing database
                <span className="block text-xs text-zinc-500">
                  pg_restore --clean --if-exists: objects in the dump are dropped and recreated in that
                  database.
                </span>
              </span>
            </label>
            {clean ? (
              <div className="rounded-md border border-red-200 bg-red-50 p-3">
                <Field
                  id={fid("confirm")}
                  label="Type the database name to confirm"
                  error={errors.confirm?.message}
                  hint={
                    database.trim() ? (
                      <>
                        Type <code className="rounded bg-white px-1 font-semibold">{database.trim()}</code>:
                        its tables in the dump are replaced.
                      </>
                    ) : (
                      "Name the database first."
                    )
                  }
                >
                  <Input
                    id={fid("confirm")}
                    autoComplete="off"
                    spellCheck={false}
                    className="sm:max-w-md"
                    {...text("confirm", true)}
                    {...register("confirm")}
                  />
                </Field>
              </div>
            ) : null}
          </div>

          <div className="rounded-md bg-zinc-50 px-3 py-2 text-sm text-zinc-700 ring-1 ring-zinc-200 ring-inset">
            <p className="font-medium text-zinc-900">What happens</p>
            <p className="mt-0.5">
              {clean ? (
                <>
                  Restores over the existing database <code>{database.trim() || "?"}</code>
                </>
              ) : (
                <>
                  Creates the database <code>{database.trim() || "?"}</code>
                </>
              )}{" "}
              on {where}, then runs pg_restore -j {Number.isFinite(jobs) ? jobs : "?"} of{" "}
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

          {errors.root?.message ? <Alert tone="error">{errors.root.message}</Alert> : null}
          {refused ? <Alert tone="error">{errorMessage(refused)}</Alert> : null}
          <div className="flex justify-end gap-2">
            <ButtonLink href="/restores" variant="secondary">
              Cancel
            </ButtonLink>
            <Button type="submit" variant={clean ? "danger" : "primary"} disabled={busy}>
              {busy ? <Spinner /> : null}
              Start restore
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
