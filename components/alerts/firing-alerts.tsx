"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { severityTone, useAlertKindLabel, useSeverityLabel } from "@/components/alerts/alert-labels";
import { useAlerts } from "@/lib/client/use-alerts";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { errorMessage } from "@/lib/client/fetcher";

/** The alerts firing now (of one cluster, or of the fleet), polled every 5 s; details live on /alerts. */
export function FiringAlerts({ clusterId }: { clusterId?: string }) {
  const t = useTranslations("alerts.firing");
  const alertKindLabel = useAlertKindLabel();
  const severityLabel = useSeverityLabel();
  const query = useAlerts({ state: "firing", clusterId });
  const alerts = query.data;

  return (
    <Card role="region" aria-label={t("title")}>
      <CardHeader
        title={
          <span className="flex items-center gap-2">
            {t("title")}
            {alerts && alerts.length > 0 ? <Badge tone="danger">{alerts.length}</Badge> : null}
          </span>
        }
        description={t("description")}
        actions={
          <Link href="/alerts" className="text-xs font-medium text-emerald-800 hover:underline">
            {t("all")}
          </Link>
        }
      />
      {query.isError ? (
        <div className="px-4 py-3">
          <Alert tone="error" title={t("loadFailed")}>
            {errorMessage(query.error)}
          </Alert>
        </div>
      ) : null}
      {alerts ? (
        alerts.length === 0 ? (
          <p className="px-4 py-3 text-sm text-zinc-500">{t("none")}</p>
        ) : (
          <ul className="divide-y divide-zinc-100">
            {alerts.map((alert) => (
              <li
                key={alert.id}
                aria-label={t("rowLabel", { kind: alertKindLabel(alert.kind) })}
                className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-4 py-2 text-sm"
              >
                <Badge tone={severityTone(alert.severity)}>{severityLabel(alert.severity)}</Badge>
                <span className="font-medium text-zinc-900">{alertKindLabel(alert.kind)}</span>
                {alert.subject ? <span className="text-zinc-600">{alert.subject}</span> : null}
                <span className="min-w-0 flex-1 text-zinc-700">{alert.message}</span>
                {alert.acknowledgedAt ? <Badge tone="info">{t("acknowledged")}</Badge> : null}
                <span className="text-xs text-zinc-500">
                  {t("since")} <Time value={alert.startedAt} />
                </span>
              </li>
            ))}
          </ul>
        )
      ) : query.isPending ? (
        <p className="flex items-center gap-2 px-4 py-3 text-sm text-zinc-500">
          <Spinner /> {t("loading")}
        </p>
      ) : null}
    </Card>
  );
}
