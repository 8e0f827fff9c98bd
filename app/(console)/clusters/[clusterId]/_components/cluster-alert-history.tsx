"use client";

import { useTranslations } from "next-intl";
import { alertKindLabel, severityTone } from "@/components/alerts/alert-labels";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Spinner } from "@/components/ui/button";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { errorMessage } from "@/lib/client/fetcher";
import { useAlerts } from "@/lib/client/use-alerts";

const SHOWN = 50;

/** The cluster's alerts, firing and resolved, newest first; acknowledging and silencing live on /alerts. */
export function ClusterAlertHistory({ clusterId }: { clusterId: string }) {
  const t = useTranslations("cluster.alerts");
  const query = useAlerts({ clusterId }, 15_000);
  const alerts = query.data?.slice(0, SHOWN);

  return (
    <Card role="region" aria-label={t("historyTitle")}>
      <CardHeader title={t("historyTitle")} description={t("historyDescription", { count: SHOWN })} />
      {query.isError ? (
        <div className="px-4 py-3">
          <Alert tone="error" title={t("loadFailed")}>
            {errorMessage(query.error)}
          </Alert>
        </div>
      ) : null}
      {alerts ? (
        alerts.length === 0 ? (
          <EmptyState title={t("historyEmpty")} />
        ) : (
          <Table aria-label={t("historyTitle")}>
            <THead>
              <tr>
                <TH>{t("state")}</TH>
                <TH>{t("severity")}</TH>
                <TH>{t("alert")}</TH>
                <TH>{t("message")}</TH>
                <TH>{t("started")}</TH>
                <TH>{t("resolved")}</TH>
              </tr>
            </THead>
            <TBody>
              {alerts.map((alert) => (
                <TR key={alert.id} aria-label={`${alertKindLabel(alert.kind)} ${alert.subject}`.trim()}>
                  <TD>
                    <Badge
                      tone={
                        alert.state === "firing"
                          ? "danger"
                          : alert.state === "resolved"
                            ? "success"
                            : "neutral"
                      }
                    >
                      {alert.state}
                    </Badge>
                  </TD>
                  <TD>
                    <Badge tone={severityTone(alert.severity)}>{alert.severity}</Badge>
                  </TD>
                  <TD>
                    <span className="font-medium">{alertKindLabel(alert.kind)}</span>
                    {alert.subject ? (
                      <span className="block text-xs text-zinc-500">{alert.subject}</span>
                    ) : null}
                  </TD>
                  <TD className="max-w-md text-zinc-700">{alert.message}</TD>
                  <TD>
                    <Time value={alert.startedAt} />
                  </TD>
                  <TD>
                    <Time value={alert.resolvedAt} />
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )
      ) : query.isPending ? (
        <p className="flex items-center gap-2 px-4 py-3 text-sm text-zinc-500">
          <Spinner /> {t("loading")}
        </p>
      ) : null}
    </Card>
  );
}
