"use client";

import { useState } from "react";
import { useCancelRestore } from "@/lib/client/use-restores";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { errorMessage } from "@/lib/client/fetcher";

/** "Cancel" and its small confirmation: a queued restore stops at once, a running one at the worker's next check. */
export function CancelRestore({ restoreId, queued }: { restoreId: string; queued: boolean }) {
  const cancel = useCancelRestore(restoreId);
  const [open, setOpen] = useState(false);
  const close = () => {
    if (cancel.isPending) return;
    setOpen(false);
    cancel.reset();
  };
  return (
    <>
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        Cancel
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title="Cancel this restore?"
        description={
          queued
            ? "It has not started: it is marked cancelled and never runs."
            : "The worker stops it at its next check, stops the instance it started and removes its files. The restore ends as cancelled."
        }
      >
        <div className="space-y-4">
          {cancel.isError ? <Alert tone="error">{errorMessage(cancel.error)}</Alert> : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close} disabled={cancel.isPending}>
              Keep it running
            </Button>
            <Button
              variant="danger"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate(undefined, { onSuccess: () => setOpen(false) })}
            >
              {cancel.isPending ? <Spinner /> : null}
              Cancel restore
            </Button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
