"use client";

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
    <form onSubmit={onSubmit} noValidate aria-label="Back up now" className="space-y-4">
      <ClusterField form={form} name="clusterId" clusters={clusters} />

      <fieldset className="space-y-1.5">
        <legend className="mb-1 text-xs font-medium text-zinc-700">Kind</legend>
        <RadioCard
          value="physical"
          title="Physical (pg_basebackup)"
          hint="The whole cluster, byte for byte; with the archived WAL it restores to any point in time."
          {...register("kind")}
        />
        <RadioCard
          value="logical"
          title="Logical (pg_dump)"
          hint="One database as SQL objects; restores tables selectively or into another major version."
          {...register("kind")}
        />
      </fieldset>

      {kind === "physical" ? (
        <PhysicalOptions form={form} />
      ) : (
        <LogicalOptions form={form} format={format} defaultDatabase={defaultDatabase} />
      )}

      <FormField
        form={form}
        name="label"
        label="Label"
        hint={<Hint>Optional; shown in the catalog, e.g. before-upgrade.</Hint>}
      >
        {(control) => <Input autoComplete="off" maxLength={100} {...control} />}
      </FormField>

      <FormErrors root={errors.root?.message} failure={server.failure} />
      <FormActions submitLabel="Start backup" busy={busy} onCancel={onCancel} />
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
  const [open, setOpen] = useState(false);
  const [queuedId, setQueuedId] = useState<string | null>(null);
  const first = defaultClusterId ?? clusters[0]?.id;

  return (
    <>
      {queuedId ? (
        <p role="status" className="text-xs text-zinc-600">
          Backup queued ·{" "}
          <Link href={`/backups/${queuedId}`} className="font-medium text-emerald-800 hover:underline">
            open it
          </Link>
        </p>
      ) : null}
      <Button
        variant="primary"
        size="sm"
        onClick={() => setOpen(true)}
        disabled={!first}
        title={first ? undefined : "Register a cluster first"}
      >
        Back up now
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Back up now"
        description="The worker takes the backup from the cluster's primary; the catalog shows its progress."
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
