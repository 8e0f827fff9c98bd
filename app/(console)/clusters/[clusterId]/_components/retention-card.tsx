"use client";

import Link from "next/link";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { FormField } from "@/components/forms/form-field";
import { FormErrors, useServerErrors } from "@/components/forms/server-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { FormActions } from "@/components/ui/form-actions";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { TypedConfirmDialog } from "@/components/ui/typed-confirm-dialog";
import { formatBytes, formatCount } from "@/components/ui/format";
import { Input } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { errorMessage } from "@/lib/client/fetcher";
import {
  useApplyRetention,
  useRetentionPolicy,
  useRetentionPreview,
  useSaveRetention,
  type RetentionPolicy,
  type RetentionPolicyInput,
  type RetentionPreview,
} from "@/lib/client/use-retention";
import { retentionPolicySchema } from "@/lib/schemas/retention";

const policyFields = [
  {
    name: "recoveryWindowDays",
    label: "Recovery window (days)",
    hint: "Keep what a restore to any point in these days needs; 0: no window.",
    min: 0,
    max: 3650,
  },
  {
    name: "minRedundancy",
    label: "Minimum physical backups",
    hint: "Always keep at least this many, however old.",
    min: 1,
    max: 1000,
  },
  {
    name: "logicalKeep",
    label: "Logical backups kept",
    hint: "The newest ones; 0 expires every unpinned logical backup.",
    min: 0,
    max: 10000,
  },
] as const;

function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

function PolicySummary({ policy }: { policy: RetentionPolicy }) {
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm text-zinc-800">
      <span>
        {plural(policy.recoveryWindowDays, "day")} recovery window · minimum{" "}
        {plural(policy.minRedundancy, "physical backup")} · {plural(policy.logicalKeep, "logical backup")}{" "}
        kept
      </span>
      {policy.isDefault ? <Badge>defaults</Badge> : null}
    </div>
  );
}

function PolicyForm({
  clusterId,
  policy,
  onDone,
}: {
  clusterId: string;
  policy: RetentionPolicy;
  onDone: () => void;
}) {
  const save = useSaveRetention(clusterId);
  const form = useForm<RetentionPolicyInput>({
    defaultValues: {
      recoveryWindowDays: policy.recoveryWindowDays,
      minRedundancy: policy.minRedundancy,
      logicalKeep: policy.logicalKeep,
    },
  });
  const {
    handleSubmit,
    setError,
    formState: { errors },
  } = form;
  const server = useServerErrors(
    save,
    setError,
    policyFields.map((field) => field.name),
  );
  const busy = save.isPending;

  const onSubmit = handleSubmit((values) => {
    const parsed = retentionPolicySchema.safeParse(values);
    if (!parsed.success) {
      server.show(parsed.error.issues);
      return;
    }
    save.mutate(parsed.data, { onSuccess: onDone, onError: server.onError });
  });

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label="Edit the retention policy"
      className="space-y-3 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200 ring-inset"
    >
      <div className="grid gap-3 sm:grid-cols-3">
        {policyFields.map((field) => (
          <FormField
            key={field.name}
            form={form}
            name={field.name}
            options={{ valueAsNumber: true }}
            label={field.label}
            hint={field.hint}
          >
            {(control) => (
              <Input
                type="number"
                inputMode="numeric"
                min={field.min}
                max={field.max}
                step={1}
                {...control}
              />
            )}
          </FormField>
        ))}
      </div>
      <FormErrors root={errors.root?.message} failure={server.failure} />
      <FormActions submitLabel="Save policy" busy={busy} onCancel={onDone} size="sm" />
    </form>
  );
}

function WalSummary({ wal }: { wal: RetentionPreview["wal"] }) {
  if (wal.skipped) return <>Archived WAL is not pruned: {wal.skipped}.</>;
  if (wal.count === 0) {
    return (
      <>
        No archived WAL to prune
        {wal.keepFrom ? (
          <>
            {" "}
            (all of it is from <code>{wal.keepFrom}</code> on)
          </>
        ) : null}
        .
      </>
    );
  }
  return (
    <>
      {plural(wal.count, "WAL file")} ({formatBytes(wal.bytes)}) pruned, <code>{wal.fromWal}</code> to{" "}
      <code>{wal.toWal}</code>; WAL from <code>{wal.keepFrom}</code> on is kept.
    </>
  );
}

function PreviewView({ preview, verb }: { preview: RetentionPreview; verb: "would be" | "were" }) {
  return (
    <div className="space-y-3 text-sm">
      <p className="text-zinc-600">
        Recovery window starts <Time value={preview.windowStart} />. {plural(preview.keep.length, "backup")}{" "}
        kept.
      </p>
      {preview.expire.length === 0 ? (
        <p>No backup {verb} expired.</p>
      ) : (
        <div className="rounded-md ring-1 ring-zinc-200 ring-inset">
          <Table aria-label={`Backups that ${verb} expired`}>
            <THead>
              <TR>
                <TH>Backup</TH>
                <TH>Kind</TH>
                <TH>Finished</TH>
                <TH className="text-right">Size</TH>
                <TH>Reason</TH>
              </TR>
            </THead>
            <TBody>
              {preview.expire.map((backup) => (
                <TR key={backup.id}>
                  <TD>
                    <Link
                      href={`/backups/${backup.id}`}
                      className="font-mono text-xs text-emerald-800 hover:underline"
                    >
                      {backup.id.slice(0, 8)}
                    </Link>
                  </TD>
                  <TD>{backup.kind}</TD>
                  <TD>
                    <Time value={backup.finishedAt} />
                  </TD>
                  <TD className="text-right tabular-nums">{formatBytes(backup.sizeBytes)}</TD>
                  <TD className="text-zinc-600">{backup.reason}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      )}
      <p>
        <WalSummary wal={preview.wal} />
      </p>
      <p>
        Earliest restorable: <Time value={preview.earliestRestorable.before} empty="none" /> →{" "}
        <Time value={preview.earliestRestorable.after} empty="none" />
      </p>
    </div>
  );
}

/**
 * The cluster's retention policy, a dry-run preview of what it would expire for everyone, and
 * for admins an editor and "Apply" behind the cluster's name typed to confirm.
 */
export function RetentionCard({
  clusterId,
  clusterName,
  canEdit,
}: {
  clusterId: string;
  clusterName: string;
  canEdit: boolean;
}) {
  const policy = useRetentionPolicy(clusterId);
  const [previewing, setPreviewing] = useState(false);
  const preview = useRetentionPreview(clusterId, previewing);
  const apply = useApplyRetention(clusterId);
  const [editing, setEditing] = useState(false);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [applied, setApplied] = useState<RetentionPreview | null>(null);

  const closeConfirm = () => {
    setConfirmOpen(false);
    apply.reset();
  };

  const runPreview = () => {
    setApplied(null);
    if (previewing) void preview.refetch();
    else setPreviewing(true);
  };

  const data = preview.data;
  const somethingToApply = data ? data.expire.length > 0 || data.wal.count > 0 : false;

  return (
    <Card role="region" aria-label="Retention">
      <CardHeader
        title="Retention"
        description="Which backups and archived WAL Walden keeps. Pinned backups are never expired."
        actions={
          <>
            {canEdit && !editing && policy.data ? (
              <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
                Edit policy
              </Button>
            ) : null}
            <Button variant="secondary" size="sm" onClick={runPreview} disabled={preview.isFetching}>
              {preview.isFetching ? <Spinner /> : null}
              Preview
            </Button>
          </>
        }
      />
      <CardBody className="space-y-4">
        {policy.isError ? (
          <Alert tone="error" title="Could not load the retention policy">
            {errorMessage(policy.error)}
          </Alert>
        ) : policy.data ? (
          <PolicySummary policy={policy.data} />
        ) : (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <Spinner /> Loading the policy…
          </p>
        )}

        {editing && policy.data ? (
          <PolicyForm clusterId={clusterId} policy={policy.data} onDone={() => setEditing(false)} />
        ) : null}

        {applied ? (
          <Alert tone="success" title="Retention applied">
            {plural(applied.expire.length, "backup")} expired; {plural(applied.wal.count, "WAL file")} (
            {formatBytes(applied.wal.bytes)}) deleted. Earliest restorable now{" "}
            <Time value={applied.earliestRestorable.after} empty="none" />.
          </Alert>
        ) : null}

        {previewing ? (
          <div className="space-y-3 border-t border-zinc-200 pt-4">
            <div className="flex items-center justify-between gap-2">
              <h3 className="text-sm font-medium text-zinc-900">Preview (dry run)</h3>
              {canEdit && data && somethingToApply && !preview.isFetching ? (
                <Button variant="danger" size="sm" onClick={() => setConfirmOpen(true)}>
                  Apply
                </Button>
              ) : null}
            </div>
            {preview.isError ? (
              <Alert tone="error" title="Could not compute the preview">
                {errorMessage(preview.error)}
              </Alert>
            ) : data ? (
              <PreviewView preview={data} verb="would be" />
            ) : (
              <p className="flex items-center gap-2 text-sm text-zinc-500">
                <Spinner /> Computing…
              </p>
            )}
          </div>
        ) : null}
      </CardBody>

      <TypedConfirmDialog
        open={confirmOpen}
        onClose={closeConfirm}
        title={`Apply retention to ${clusterName}?`}
        description="The backups listed are expired and their files deleted, and the WAL named is removed from the archive. This cannot be undone."
        expected={clusterName}
        confirmLabel="Apply retention"
        pending={apply.isPending}
        error={apply.isError ? errorMessage(apply.error) : null}
        onConfirm={(typed) =>
          apply.mutate(typed, {
            onSuccess: (result) => {
              setApplied(result);
              setConfirmOpen(false);
              setPreviewing(false);
            },
          })
        }
      >
        {data ? (
          <p className="text-sm text-zinc-700">
            {plural(data.expire.length, "backup")} and {plural(data.wal.count, "WAL file")} (
            {formatBytes(data.wal.bytes)}) will be deleted.
          </p>
        ) : null}
      </TypedConfirmDialog>
    </Card>
  );
}
