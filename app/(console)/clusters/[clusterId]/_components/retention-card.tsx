"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { TypedConfirmDialog } from "@/components/ui/typed-confirm-dialog";
import { useFormat } from "@/components/ui/use-format";
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
import { describeTiers } from "./retention-decisions";
import { RetentionPreviewView } from "./retention-preview";

export function PolicySummary({ policy }: { policy: RetentionPolicy }) {
  const t = useTranslations("cluster.retention");
  const tiers = describeTiers(policy, t);
  const summary = t("summary", {
    days: policy.recoveryWindowDays,
    min: policy.minRedundancy,
    logical: policy.logicalKeep,
  });
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm text-zinc-800">
      <span>{tiers ? `${summary} · ${t("tiers", { tiers })}` : summary}</span>
      {policy.isDefault ? <Badge>{t("defaults")}</Badge> : null}
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
  const t = useTranslations("cluster.retention");
  const { formatBytes } = useFormat();
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
    <Card role="region" aria-label={t("title")}>
      <CardHeader
        title={t("title")}
        description={t("description")}
        actions={
          <>
            {canEdit && !editing && policy.data ? (
              <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
                {t("editPolicy")}
              </Button>
            ) : null}
            <Button variant="secondary" size="sm" onClick={runPreview} disabled={preview.isFetching}>
              {preview.isFetching ? <Spinner /> : null}
              {t("preview")}
            </Button>
          </>
        }
      />
      <CardBody className="space-y-4">
        {policy.isError ? (
          <Alert tone="error" title={t("loadFailed")}>
            {errorMessage(policy.error)}
          </Alert>
        ) : policy.data ? (
          <PolicySummary policy={policy.data} />
        ) : (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <Spinner /> {t("loadingPolicy")}
          </p>
        )}

        {editing && policy.data ? (
          <RetentionPolicyForm clusterId={clusterId} policy={policy.data} onDone={() => setEditing(false)} />
        ) : null}

        {applied ? (
          <Alert tone="success" title={t("appliedTitle")}>
            {t("applied", {
              backups: applied.expire.length,
              wal: applied.wal.count,
              bytes: formatBytes(applied.wal.bytes),
            })}{" "}
            <Time value={applied.earliestRestorable.after} empty={t("none")} />.
          </Alert>
        ) : null}

        {previewing ? (
          <div className="space-y-3 border-t border-zinc-200 pt-4">
            <div className="flex items-center justify-between gap-2">
              <h3 className="text-sm font-medium text-zinc-900">{t("previewTitle")}</h3>
              {canEdit && data && somethingToApply && !preview.isFetching ? (
                <Button variant="danger" size="sm" onClick={() => setConfirmOpen(true)}>
                  {t("apply")}
                </Button>
              ) : null}
            </div>
            {preview.isError ? (
              <Alert tone="error" title={t("previewFailed")}>
                {errorMessage(preview.error)}
              </Alert>
            ) : data ? (
              <RetentionPreviewView preview={data} />
            ) : (
              <p className="flex items-center gap-2 text-sm text-zinc-500">
                <Spinner /> {t("computing")}
              </p>
            )}
          </div>
        ) : null}
      </CardBody>

      <TypedConfirmDialog
        open={confirmOpen}
        onClose={closeConfirm}
        title={t("confirmTitle", { name: clusterName })}
        description={t("confirmDescription")}
        expected={clusterName}
        confirmLabel={t("confirm")}
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
            {t("willDelete", {
              backups: data.expire.length,
              wal: data.wal.count,
              bytes: formatBytes(data.wal.bytes),
            })}
          </p>
        ) : null}
      </TypedConfirmDialog>
    </Card>
  );
}
