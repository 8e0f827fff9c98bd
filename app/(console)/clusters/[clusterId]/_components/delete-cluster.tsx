"use client";

import { useRouter } from "next/navigation";
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
  const router = useRouter();
  const deleteCluster = useDeleteCluster(clusterId);
  const [open, setOpen] = useState(false);

  return (
    <Card aria-labelledby="danger-title" className="border-red-200">
      <CardHeader
        id="danger-title"
        title="Delete registration"
        description="Removes this cluster from Walden's lists. Its backups, restores, reports and audit stay; the PostgreSQL servers and their data are not touched."
        actions={
          <Button variant="danger" size="sm" onClick={() => setOpen(true)}>
            Delete registration
          </Button>
        }
      />
      <TypedConfirmDialog
        open={open}
        onClose={() => {
          setOpen(false);
          deleteCluster.reset();
        }}
        title={`Delete the registration of ${clusterName}?`}
        description={
          <>
            Walden stops sampling, backing up and drilling this cluster, tears down its restored instances and
            disables its schedules. Its backups, WAL archive, restores, reports and audit stay (its files too,
            until an admin removes them), and its name can be registered again.{" "}
            {streaming
              ? "Walden's replication slot on the primary is dropped, so the primary no longer keeps WAL for it. "
              : "If Walden ever streamed WAL for it, its replication slot on the primary is dropped. "}
            The servers keep running, otherwise untouched.
          </>
        }
        expected={clusterName}
        confirmLabel="Confirm delete"
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
