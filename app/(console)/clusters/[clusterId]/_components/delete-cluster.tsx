"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { TypedConfirmDialog } from "@/components/ui/typed-confirm-dialog";
import { errorMessage } from "@/lib/client/fetcher";
import { useDeleteCluster } from "@/lib/client/use-clusters";

/** Admin only. Removes the registration (never touches the servers) after the name is typed. */
export function DeleteCluster({ clusterId, clusterName }: { clusterId: string; clusterName: string }) {
  const router = useRouter();
  const deleteCluster = useDeleteCluster(clusterId);
  const [open, setOpen] = useState(false);

  return (
    <Card aria-labelledby="danger-title" className="border-red-200">
      <CardHeader
        id="danger-title"
        title="Delete registration"
        description="Removes this cluster from Walden's catalog. The PostgreSQL servers and their data are not touched."
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
        description="Walden forgets this cluster's nodes and stored passwords. The servers keep running, untouched."
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
