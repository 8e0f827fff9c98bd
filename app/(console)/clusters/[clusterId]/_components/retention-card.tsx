"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { TypedConfirmDialog } from "@/components/ui/typed-confirm-dialog";
import { formatBytes } from "@/components/ui/format";
import { Time } from "@/components/ui/time";
import { errorMessage } from "@/lib/client/fetcher";
import {
  useApplyRetention,
  useRetentionPolicy,
  useRetentionPreview,
  type RetentionPolicy,
  type RetentionPreview,
} from "@/lib/client/use-retention";
import { RetentionPolicyForm } from "./retention-policy-form";
import { describeTiers, plural } from "./retention-decisions";
import { RetentionPreviewView } from "./retention-preview";

export function PolicySummary({ policy }: { policy: RetentionPolicy }) {
  const tiers = describeTiers(policy);
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm text-zinc-800">
      <span>
        {plural(policy.recoveryWindowDays, "day")} recovery window · minimum{" "}
        {plural(policy.minRedundancy, "physical backup")} · {plural(policy.logicalKeep, "logical backup")}{" "}
        kept{tiers ? <> · tiers: {tiers}</> : null}
      </span>
      {policy.isDefault ? <Badge>defaults</Badge> : null}
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
          <RetentionPolicyForm clusterId={clusterId} policy={policy.data} onDone={() => setEditing(false)} />
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
              <RetentionPreviewView preview={data} verb="would be" />
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
