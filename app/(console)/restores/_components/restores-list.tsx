"use client";

import { RestoresTable } from "@/components/restores/restores-table";
import { isRestoreActive, useRestores, type RestoreView } from "@/lib/client/use-restores";
import { Alert } from "@/components/ui/alert";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { errorMessage } from "@/lib/client/fetcher";

/** Every restore and drill, newest first; refreshed every 2 s while one is queued or running. */
export function RestoresList({
  clusterNames,
  limit,
  initialRestores,
  canRestore,
}: {
  clusterNames: Record<string, string>;
  limit: number;
  initialRestores: RestoreView[];
  canRestore: boolean;
}) {
  const query = useRestores({ limit }, initialRestores);
  const restores = query.data ?? initialRestores;
  const active = restores.some((restore) => isRestoreActive(restore.status));

  return (
    <Card aria-labelledby="restores-title">
      <CardHeader
        id="restores-title"
        title="Restores and drills"
        description={`${restores.length === limit ? `The newest ${limit}` : restores.length} shown · refreshed every ${
          active ? "2" : "15"
        } s · times in UTC`}
      />
      {query.isError ? (
        <div className="px-4 pt-3">
          <Alert tone="error" title="Could not refresh the restores">
            {errorMessage(query.error)}
          </Alert>
        </div>
      ) : null}
      {restores.length === 0 ? (
        <EmptyState title="No restores yet">
          {canRestore
            ? "Start a point-in-time restore or restore a logical backup; drills run on each cluster's schedule."
            : "Drills run on each cluster's schedule; operators start restores."}
        </EmptyState>
      ) : (
        <RestoresTable restores={restores} clusterNames={clusterNames} />
      )}
    </Card>
  );
}
