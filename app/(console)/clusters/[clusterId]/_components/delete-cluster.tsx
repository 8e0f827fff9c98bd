"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { TypedConfirmDialog } from "@/components/ui/typed-confirm-dialog";
import { errorMessage } from "@/lib/client/fetcher";
import { useDeleteCluster } from "@/lib/client/use-clusters";

/**
 * Admin only. Retires the cluster after the name is typed: its evidence stays, Walden stops
 * acting for it, and the only change on the servers is Walden's own replication slot, dropped.
 */
export function DeleteCluster({
  clusterId,
  clusterName,
  streaming,
}: {
  clusterId: string;
  clusterName: string;
  /** Archive mode "stream": Walden's pg_receivewal has a replication slot on the primary. */
  streaming: boolean;
}) {
  const t = useTranslations("cluster.delete");
  const router = useRouter();
  const deleteCluster = useDeleteCluster(clusterId);
  const [open, setOpen] = useState(false);

  return (
    <Card aria-labelledby="danger-title" className="border-red-200">
      <CardHeader
        id="danger-title"
        title={t("title")}
        description={t("description")}
        actions={
          <Button variant="danger" size="sm" onClick={() => setOpen(true)}>
            {t("button")}
          </Button>
        }
      />
      <TypedConfirmDialog
        open={open}
        onClose={() => {
          setOpen(false);
          deleteCluster.reset();
        }}
        title={t("dialogTitle", { name: clusterName })}
        description={`${t("dialogBody")} ${streaming ? t("slotStreaming") : t("slotMaybe")} ${t("serversUntouched")}`}
        expected={clusterName}
        confirmLabel={t("confirm")}
        // Stays busy after success too: the page is navigating away.
        pending={deleteCluster.isPending || deleteCluster.isSuccess}
        error={deleteCluster.isError ? errorMessage(deleteCluster.error) : null}
        onConfirm={(typed) =>
          deleteCluster.mutate(typed, {
            onSuccess: () => {
              router.push("/clusters");
              router.refresh();
            },
          })
        }
      />
    </Card>
  );
}
