"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type ChangeEvent } from "react";
import { useForm, useWatch } from "react-hook-form";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { Alert } from "@/components/ui/alert";
import { FormActions } from "@/components/ui/form-actions";
import { Card, CardBody } from "@/components/ui/card";
import { useErrorMessage } from "@/components/forms/error-message";
import { useBackups } from "@/lib/client/use-backups";
import { useRequestRestore, useRestores, type RestoreView } from "@/lib/client/use-restores";
import type { BackupSummary } from "@/lib/schemas/backup";
import {
  BackupField,
  DatabaseFields,
  DestinationFields,
  ObjectFields,
  OverwriteFields,
  runningInstances,
  WhatHappens,
  type LogicalClusterChoice,
} from "./fieldsets";
import {
  buildLogicalRestoreRequest,
  LOGICAL_FIELDS,
  logicalFormDefaults,
  suggestedDatabase,
  type LogicalFormValues,
} from "./request";

const BACKUP_LIMIT = 500;

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
  const t = useTranslations("restores.logical");
  const errorMessage = useErrorMessage();
  const router = useRouter();
  const requestRestore = useRequestRestore();
  const [openedAt] = useState(() => new Date());

  const form = useForm<LogicalFormValues>({
    defaultValues: logicalFormDefaults({
      clusterId: initialClusterId,
      backup: initialBackups.find((backup) => backup.id === initialBackupId) ?? initialBackups[0],
      // The address may name any restore: only a running instance can be restored into.
      intoRestoreId: initialPitrRestores.some(
        (restore) => restore.id === initialIntoRestoreId && restore.instanceState === "running",
      )
        ? initialIntoRestoreId
        : undefined,
      openedAt,
    }),
  });
  const { handleSubmit, setError, setValue, getFieldState, control, formState } = form;
  const { errors } = formState;
  const server = useServerErrors(requestRestore, setError, LOGICAL_FIELDS);
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
  const instances = runningInstances(pitrQuery.data ?? initialPitrRestores, clusterId);
  const cluster = clusters.find((candidate) => candidate.id === clusterId);
  const backup = backups.find((candidate) => candidate.id === backupId);
  const into = instances.find((restore) => restore.id === intoRestoreId);
  const busy = requestRestore.isPending;

  const onSubmit = handleSubmit((values) => {
    const built = buildLogicalRestoreRequest(values, (names) => t("qualifiedTable", names));
    if (!built.ok) {
      server.show(built.issues);
      return;
    }
    requestRestore.mutate(built.body, {
      onSuccess: (queued) => router.push(`/restores/${queued.id}`),
      onError: server.onError,
    });
  });

  const resetForCluster = () => {
    setValue("backupId", "");
    setValue("intoRestoreId", "");
  };
  const followBackup = (event: ChangeEvent<HTMLSelectElement>) => {
    // The suggested name follows the backup's database until the person edits it.
    if (getFieldState("database", formState).isDirty) return;
    const chosen = backups.find((candidate) => candidate.id === event.target.value);
    setValue("database", chosen ? suggestedDatabase(chosen.database, new Date()) : "");
  };

  return (
    <Card>
      <CardBody>
        <form onSubmit={onSubmit} noValidate aria-label={t("title")} className="max-w-3xl space-y-5">
          <DestinationFields
            form={form}
            clusters={clusters}
            cluster={cluster}
            instances={instances}
            onClusterChange={resetForCluster}
          />
          <BackupField
            form={form}
            backups={backups}
            loading={backupsQuery.isPending}
            onBackupChange={followBackup}
          />
          {backupsQuery.isError ? (
            <Alert tone="error" title={t("backupsFailed")}>
              {errorMessage(backupsQuery.error)}
            </Alert>
          ) : null}
          <DatabaseFields form={form} clean={clean} />
          <ObjectFields form={form} />
          <OverwriteFields form={form} clean={clean} database={database} />
          <WhatHappens
            values={{ clean, database, jobs, tables, schemas }}
            backup={backup}
            into={into}
            cluster={cluster}
          />

          <FormErrors root={errors.root?.message} failure={server.failure} />
          <FormActions
            submitLabel={t("start")}
            busy={busy}
            variant={clean ? "danger" : "primary"}
            cancelHref="/restores"
          />
        </form>
      </CardBody>
    </Card>
  );
}
