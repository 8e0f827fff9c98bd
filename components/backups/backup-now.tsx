"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { ClusterField } from "@/components/clusters/cluster-field";
import { FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { Button } from "@/components/ui/button";
import { FormActions } from "@/components/ui/form-actions";
import { RadioCard } from "@/components/ui/choice";
import { Dialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { useRequestBackup } from "@/lib/client/use-backups";
import { backupRequestSchema } from "@/lib/schemas/backup";
import { Hint, LogicalOptions, PhysicalOptions } from "./backup-fieldsets";
import {
  backupFormDefaults,
  placeBackupIssue,
  toBackupRequest,
  type BackupFormValues,
} from "./backup-request";

export interface BackupClusterChoice {
  id: string;
  name: string;
  /** The database Walden connects to: what a logical backup dumps when none is named. */
  database: string;
}

function BackupForm({
  clusters,
  clusterId,
  onCancel,
  onQueued,
}: {
  clusters: BackupClusterChoice[];
  clusterId: string;
  onCancel: () => void;
  onQueued: (id: string) => void;
}) {
  const t = useTranslations("backups.now");
  const requestBackup = useRequestBackup();
  const form = useForm<BackupFormValues>({ defaultValues: backupFormDefaults(clusterId) });
  const {
    register,
    handleSubmit,
    setError,
    getValues,
    control,
    formState: { errors },
  } = form;
  const server = useServerErrors(requestBackup, setError, (issue) => placeBackupIssue(getValues(), issue));
  const [kind, format, chosenCluster] = useWatch({ control, name: ["kind", "format", "clusterId"] });
  const defaultDatabase = clusters.find((cluster) => cluster.id === chosenCluster)?.database ?? "postgres";
  const busy = requestBackup.isPending;

  const onSubmit = handleSubmit((values) => {
    const parsed = backupRequestSchema.safeParse(toBackupRequest(values));
    if (!parsed.success) {
      server.show(parsed.error.issues);
      return;
    }
    requestBackup.mutate(parsed.data, {
      onSuccess: (queued) => onQueued(queued.id),
      onError: server.onError,
    });
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-label={t("formLabel")} className="space-y-4">
      <ClusterField form={form} name="clusterId" clusters={clusters} />

      <fieldset className="space-y-1.5">
        <legend className="mb-1 text-xs font-medium text-zinc-700">{t("kind")}</legend>
        <RadioCard
          value="physical"
          title={t("physicalTitle")}
          hint={t("physicalHint")}
          {...register("kind")}
        />
        <RadioCard value="logical" title={t("logicalTitle")} hint={t("logicalHint")} {...register("kind")} />
      </fieldset>

      {kind === "physical" ? (
        <PhysicalOptions form={form} />
      ) : (
        <LogicalOptions form={form} format={format} defaultDatabase={defaultDatabase} />
      )}

      <FormField form={form} name="label" label={t("label")} hint={<Hint>{t("labelHint")}</Hint>}>
        {(control) => <Input autoComplete="off" maxLength={100} {...control} />}
      </FormField>

      <FormErrors root={errors.root?.message} failure={server.failure} />
      <FormActions submitLabel={t("start")} busy={busy} onCancel={onCancel} />
    </form>
  );
}

/**
 * "Back up now" and its dialog (operators and admins; the page leaves it out for viewers).
 * The backup is queued; the catalog's polling shows it appear and its progress move.
 */
export function BackupNowButton({
  clusters,
  defaultClusterId,
}: {
  clusters: BackupClusterChoice[];
  defaultClusterId?: string;
}) {
  const t = useTranslations("backups.now");
  const [open, setOpen] = useState(false);
  const [queuedId, setQueuedId] = useState<string | null>(null);
  const first = defaultClusterId ?? clusters[0]?.id;

  return (
    <>
      {queuedId ? (
        <p role="status" className="text-xs text-zinc-600">
          {t("queued")}{" "}
          <Link href={`/backups/${queuedId}`} className="font-medium text-emerald-800 hover:underline">
            {t("open")}
          </Link>
        </p>
      ) : null}
      <Button
        variant="primary"
        size="sm"
        onClick={() => setOpen(true)}
        disabled={!first}
        title={first ? undefined : t("registerFirst")}
      >
        {t("button")}
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={t("dialogTitle")}
        description={t("dialogDescription")}
      >
        {first ? (
          <BackupForm
            clusters={clusters}
            clusterId={first}
            onCancel={() => setOpen(false)}
            onQueued={(id) => {
              setQueuedId(id);
              setOpen(false);
            }}
          />
        ) : null}
      </Dialog>
    </>
  );
}
