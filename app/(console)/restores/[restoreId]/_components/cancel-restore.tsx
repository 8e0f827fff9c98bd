"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { useCancelRestore } from "@/lib/client/use-restores";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useErrorMessage } from "@/components/forms/error-message";

/** "Cancel" and its small confirmation: a queued restore stops at once, a running one at the worker's next check. */
export function CancelRestore({ restoreId, queued }: { restoreId: string; queued: boolean }) {
  const t = useTranslations("restores.cancel");
  const errorMessage = useErrorMessage();
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
        {t("button")}
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title={t("title")}
        description={queued ? t("queued") : t("running")}
      >
        <div className="space-y-4">
          {cancel.isError ? <Alert tone="error">{errorMessage(cancel.error)}</Alert> : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close} disabled={cancel.isPending}>
              {t("keep")}
            </Button>
            <Button
              variant="danger"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate(undefined, { onSuccess: () => setOpen(false) })}
            >
              {cancel.isPending ? <Spinner /> : null}
              {t("confirm")}
            </Button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
