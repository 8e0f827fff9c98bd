"use client";

import Link from "next/link";
import { useId, useState } from "react";
import { useForm, useWatch, type UseFormRegisterReturn } from "react-hook-form";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { useFieldKit } from "@/components/forms/field-kit";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { errorMessage, fieldIssues } from "@/lib/client/fetcher";
import { useRequestBackup } from "@/lib/client/use-backups";
import { backupRequestSchema } from "@/lib/schemas/backup";
import { Hint, LogicalOptions, PhysicalOptions } from "./backup-fieldsets";
import { backupFieldOf, backupFormDefaults, toBackupRequest, type BackupFormValues } from "./backup-request";

export interface BackupClusterChoice {
  id: string;
  name: string;
  /** The database Walden connects to: what a logical backup dumps when none is named. */
  database: string;
}

function KindOption({
  value,
  title,
  hint,
  registration,
}: {
  value: BackupFormValues["kind"];
  title: string;
  hint: string;
  registration: UseFormRegisterReturn<"kind">;
}) {
  const hintId = useId();
  // The whole box is the click target; the name is the title alone, the hint its description.
  return (
    <label className="flex cursor-pointer items-start gap-2 rounded-md px-2 py-1.5 ring-1 ring-zinc-200 ring-inset has-checked:bg-emerald-50 has-checked:ring-emerald-300">
      <input
        type="radio"
        value={value}
        aria-label={title}
        aria-describedby={hintId}
        className="mt-0.5 accent-emerald-700"
        {...registration}
      />
      <span className="text-sm">
        <span className="font-medium text-zinc-900">{title}</span>
        <span id={hintId} className="block text-xs text-zinc-600">
          {hint}
        </span>
      </span>
    </label>
  );
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
  const {
    register,
    handleSubmit,
    setError,
    control,
    formState: { errors },
  } = useForm<BackupFormValues>({ defaultValues: backupFormDefaults(clusterId) });
  const kit = useFieldKit(register, errors);
  const { fid, text } = kit;
  const [kind, format, chosenCluster] = useWatch({ control, name: ["kind", "format", "clusterId"] });
  const defaultDatabase = clusters.find((cluster) => cluster.id === chosenCluster)?.database ?? "postgres";
  const busy = requestBackup.isPending;

  const onSubmit = handleSubmit((values) => {
    const parsed = backupRequestSchema.safeParse(toBackupRequest(values));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const { field, prefix } = backupFieldOf(values, issue.path);
        setError(field, { type: "validate", message: prefix + issue.message });
      }
      return;
    }
    requestBackup.mutate(parsed.data, {
      onSuccess: (queued) => onQueued(queued.id),
      onError: (error) => {
        for (const issue of fieldIssues(error)) {
          const { field, prefix } = backupFieldOf(
            values,
            issue.path.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
          );
          setError(field, { type: "server", message: prefix + issue.message });
        }
      },
    });
  });


  return (
    <form onSubmit={onSubmit} noValidate aria-label="Back up now" className="space-y-4">
      <Field id={fid("clusterId")} label="Cluster" error={errors.clusterId?.message}>
        <Select id={fid("clusterId")} {...text("clusterId")} {...register("clusterId")}>
          {clusters.map((cluster) => (
            <option key={cluster.id} value={cluster.id}>
              {cluster.name}
            </option>
          ))}
        </Select>
      </Field>

      <fieldset className="space-y-1.5">
        <legend className="mb-1 text-xs font-medium text-zinc-700">Kind</legend>
        <KindOption
          value="physical"
          title="Physical (pg_basebackup)"
          hint="The whole cluster, byte for byte; with the archived WAL it restores to any point in time."
          registration={register("kind")}
        />
        <KindOption
          value="logical"
          title="Logical (pg_dump)"
          hint="One database as SQL objects; restores tables selectively or into another major version."
          registration={register("kind")}
        />
      </fieldset>

      {kind === "physical" ? (
        <PhysicalOptions kit={kit} />
      ) : (
        <LogicalOptions kit={kit} format={format} defaultDatabase={defaultDatabase} />
      )}

      <Field
        id={fid("label")}
        label="Label"
        error={errors.label?.message}
        hint={<Hint>Optional; shown in the catalog, e.g. before-upgrade.</Hint>}
      >
        <Input
          id={fid("label")}
          autoComplete="off"
          maxLength={100}
          {...text("label", true)}
          {...register("label")}
        />
      </Field>

      {errors.root?.message ? <Alert tone="error">{errors.root.message}</Alert> : null}
      {requestBackup.isError && fieldIssues(requestBackup.error).length === 0 ? (
        <Alert tone="error">{errorMessage(requestBackup.error)}</Alert>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" disabled={busy}>
          {busy ? <Spinner /> : null}
          Start backup
        </Button>
      </div>
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
