"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { errorMessage } from "@/lib/client/fetcher";
import { useDeleteCluster } from "@/lib/client/use-clusters";

/** Admin only. Removes the registration (never touches the servers) after the name is typed. */
export function DeleteCluster({ clusterId, clusterName }: { clusterId: string; clusterName: string }) {
  const router = useRouter();
  const deleteCluster = useDeleteCluster(clusterId);
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const matches = typed === clusterName;
  const busy = deleteCluster.isPending || deleteCluster.isSuccess;

  const close = () => {
    if (busy) return;
    setOpen(false);
    setTyped("");
    deleteCluster.reset();
  };

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
      <Dialog
        open={open}
        onClose={close}
        title={`Delete the registration of ${clusterName}?`}
        description="Walden forgets this cluster's nodes and stored passwords. The servers keep running, untouched."
      >
        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (!matches) return;
            deleteCluster.mutate(typed, {
              onSuccess: () => {
                router.push("/clusters");
                router.refresh();
              },
            });
          }}
        >
          <p className="text-sm text-zinc-700">
            Type <code className="rounded bg-zinc-100 px-1 font-semibold">{clusterName}</code> below to
            confirm.
          </p>
          <Field id="confirm-cluster-name" label="Cluster name">
            <Input
              id="confirm-cluster-name"
              autoComplete="off"
              spellCheck={false}
              autoFocus
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
            />
          </Field>
          {deleteCluster.isError ? <Alert tone="error">{errorMessage(deleteCluster.error)}</Alert> : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={!matches || busy}>
              {busy ? <Spinner /> : null}
              Confirm delete
            </Button>
          </div>
        </form>
      </Dialog>
    </Card>
  );
}
