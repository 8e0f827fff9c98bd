"use client";

import { useTranslations } from "next-intl";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { TypedConfirmDialog } from "@/components/ui/typed-confirm-dialog";
import { apiFetch, errorMessage } from "@/lib/client/fetcher";
import { queryKeys } from "@/lib/client/query-keys";
import type { BackupDetail, BackupSummary } from "@/lib/schemas/backup";

// Pin, unpin and delete one backup (PATCH / DELETE /api/v1/backups/:id). A pinned backup is
// never expired by retention and cannot be deleted: the Delete button says so until it is unpinned.

/** What the API asks to be typed: the label, or the id's first 8 characters without one. */
export function backupConfirmationName(backup: Pick<BackupSummary, "id" | "label">): string {
  return backup.label ?? backup.id.slice(0, 8);
}

export function BackupKeepActions({
  backup,
  canPin,
  canDelete,
}: {
  backup: Pick<BackupSummary, "id" | "label" | "status" | "pinned">;
  /** Operators and admins pin and unpin. */
  canPin: boolean;
  /** Admins delete. */
  canDelete: boolean;
}) {
  const t = useTranslations("backups.keep");
  const queryClient = useQueryClient();
  const [confirmOpen, setConfirmOpen] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.backups.all });
  const path = `/api/v1/backups/${encodeURIComponent(backup.id)}`;
  const pin = useMutation({
    mutationFn: (pinned: boolean) => apiFetch<BackupDetail>(path, { method: "PATCH", body: { pinned } }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (typed: string) =>
      apiFetch<{ id: string; removed: string[]; offsiteCopiesKept: number }>(
        `${path}?confirm=${encodeURIComponent(typed)}`,
        { method: "DELETE" },
      ),
    onSuccess: () => {
      setConfirmOpen(false);
      return refresh();
    },
  });
  const name = backupConfirmationName(backup);
  if (remove.isSuccess)
    return (
      <span role="status" className="text-sm text-zinc-600">
        {t("deleted", { name })}
        {remove.data.offsiteCopiesKept ? t("offsiteKept") : ""}
        {t("catalogKeeps")}
      </span>
    );
  if (backup.status !== "succeeded" || !(canPin || canDelete)) return null;

  return (
    <>
      {canPin ? (
        <Button onClick={() => pin.mutate(!backup.pinned)} disabled={pin.isPending}>
          {backup.pinned ? t("unpin") : t("pin")}
        </Button>
      ) : null}
      {canDelete ? (
        <Button
          variant="danger"
          onClick={() => {
            remove.reset();
            setConfirmOpen(true);
          }}
          disabled={backup.pinned}
          aria-describedby={backup.pinned ? `pinned-${backup.id}` : undefined}
        >
          {t("delete")}
        </Button>
      ) : null}
      {canDelete && backup.pinned ? (
        <span id={`pinned-${backup.id}`} className="text-sm text-zinc-600">
          {t("pinnedHint")}
        </span>
      ) : null}
      {pin.isError ? <span className="text-sm text-red-700">{errorMessage(pin.error)}</span> : null}

      <TypedConfirmDialog
        open={confirmOpen}
        onClose={() => setConfirmOpen(false)}
        title={t("confirmTitle", { name })}
        description={t("confirmDescription")}
        expected={name}
        fieldLabel={backup.label ? t("fieldLabel") : t("fieldId")}
        confirmLabel={t("delete")}
        pending={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : null}
        onConfirm={(typed) => remove.mutate(typed)}
      />
    </>
  );
}
