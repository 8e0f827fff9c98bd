"use client";

import { useTranslations } from "next-intl";
import { RestoresTable } from "@/components/restores/restores-table";
import { isRestoreActive, useRestores, type RestoreView } from "@/lib/client/use-restores";
import { Alert } from "@/components/ui/alert";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { useErrorMessage } from "@/components/forms/error-message";

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
  const t = useTranslations("restores.list");
  const errorMessage = useErrorMessage();
  const query = useRestores({ limit }, initialRestores);
  const restores = query.data ?? initialRestores;
  const active = restores.some((restore) => isRestoreActive(restore.status));

  return (
    <Card aria-labelledby="restores-title">
      <CardHeader
        id="restores-title"
        title={t("cardTitle")}
        description={
          restores.length === limit
            ? t("shownNewest", { limit, seconds: active ? 2 : 15 })
            : t("shown", { count: restores.length, seconds: active ? 2 : 15 })
        }
      />
      {query.isError ? (
        <div className="px-4 pt-3">
          <Alert tone="error" title={t("refreshFailed")}>
            {errorMessage(query.error)}
          </Alert>
        </div>
      ) : null}
      {restores.length === 0 ? (
        <EmptyState title={t("empty")}>{canRestore ? t("emptyOperator") : t("emptyViewer")}</EmptyState>
      ) : (
        <RestoresTable restores={restores} clusterNames={clusterNames} />
      )}
    </Card>
  );
}
