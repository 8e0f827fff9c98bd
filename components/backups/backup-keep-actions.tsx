"use client";

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
        Backup {name} deleted: its files are gone
        {remove.data.offsiteCopiesKept ? " (the offsite copy stays until offsite retention removes it)" : ""};
        the catalog keeps its row.
      </span>
    );
  if (backup.status !== "succeeded" || !(canPin || canDelete)) return null;

  return (
    <>
      {canPin ? (
        <Button onClick={() => pin.mutate(!backup.pinned)} disabled={pin.isPending}>
          {backup.pinned ? "Unpin" : "Pin"}
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
          Delete backup
        </Button>
      ) : null}
      {canDelete && backup.pinned ? (
        <span id={`pinned-${backup.id}`} className="text-sm text-zinc-600">
          Pinned: unpin it before deleting.
        </span>
      ) : null}
      {pin.isError ? <span className="text-sm text-red-700">{errorMessage(pin.error)}</span> : null}

      <TypedConfirmDialog
        open={confirmOpen}
        onClose={() => setConfirmOpen(false)}
        title={`Delete backup ${name}?`}
        description="Its files and its copies in the second local repository are deleted; it can no longer be restored. The catalog keeps its row (expired) and the audit log records who deleted it."
        expected={name}
        fieldLabel={backup.label ? "Backup label" : "Backup id (first 8 characters)"}
        confirmLabel="Delete backup"
        pending={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : null}
        onConfirm={(typed) => remove.mutate(typed)}
      />
    </>
  );
}
