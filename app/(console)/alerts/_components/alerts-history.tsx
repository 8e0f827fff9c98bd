"use client";

import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { severityTone, useAlertKindLabel, useSeverityLabel } from "@/components/alerts/alert-labels";
import { useAcknowledgeAlert, useAlerts, useSilenceAlert, type AlertSummary } from "@/lib/client/use-alerts";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, Spinner } from "@/components/ui/button";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { Label } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { ToggleGroup } from "@/components/ui/toggle-group";
import { errorMessage } from "@/lib/client/fetcher";

type StateFilter = "firing" | "resolved" | "all";

const stateValues = ["firing", "resolved", "all"] as const;

const silenceHours = [1, 4, 24, 168] as const;

function StateBadge({ alert }: { alert: AlertSummary }) {
  const t = useTranslations("alerts.history.badges");
  if (alert.state === "firing") return <Badge tone="danger">{t("firing")}</Badge>;
  if (alert.state === "resolved") return <Badge tone="success">{t("resolved")}</Badge>;
  return <Badge>{t("pending")}</Badge>;
}

function AlertActions({ alert }: { alert: AlertSummary }) {
  const t = useTranslations("alerts.history");
  const acknowledge = useAcknowledgeAlert();
  const silence = useSilenceAlert();
  const [hours, setHours] = useState<number>(1);
  const selectId = useId();
  const busy = acknowledge.isPending || silence.isPending;
  if (alert.state === "resolved") return null;
  const failed = acknowledge.error ?? silence.error;

  return (
    <div className="flex flex-wrap items-center justify-end gap-1.5">
      {alert.acknowledgedAt ? null : (
        <Button size="sm" disabled={busy} onClick={() => acknowledge.mutate(alert.id)}>
          {acknowledge.isPending ? <Spinner /> : null}
          {t("acknowledge")}
        </Button>
      )}
      <label htmlFor={selectId} className="sr-only">
        {t("silenceFor")}
      </label>
      <Select
        id={selectId}
        className="h-7 w-24 text-xs"
        value={hours}
        onChange={(event) => setHours(Number(event.target.value))}
        disabled={busy}
      >
        {silenceHours.map((value) => (
          <option key={value} value={value}>
            {t(`durations.h${value}`)}
          </option>
        ))}
      </Select>
      <Button
        size="sm"
        variant="ghost"
        disabled={busy}
        onClick={() =>
          silence.mutate({ id: alert.id, until: new Date(Date.now() + hours * 3_600_000).toISOString() })
        }
      >
        {silence.isPending ? <Spinner /> : null}
        {t("silence")}
      </Button>
      {failed ? <p className="w-full text-right text-xs text-red-600">{errorMessage(failed)}</p> : null}
    </div>
  );
}

/** Firing alerts and the history, filtered by state and cluster; operators acknowledge and silence. */
export function AlertsHistory({
  clusters,
  canAct,
}: {
  clusters: { id: string; name: string }[];
  canAct: boolean;
}) {
  const t = useTranslations("alerts.history");
  const alertKindLabel = useAlertKindLabel();
  const severityLabel = useSeverityLabel();
  const stateOptions = stateValues.map((value) => ({ value, label: t(`states.${value}`) }));
  const [state, setState] = useState<StateFilter>("firing");
  const [clusterId, setClusterId] = useState("");
  const clusterSelectId = useId();
  const query = useAlerts({
    state: state === "all" ? undefined : state,
    clusterId: clusterId || undefined,
  });
  const alerts = query.data;
  // When the list was read: "silenced" is judged against it, so rendering stays pure.
  const readAt = query.dataUpdatedAt;
  const clusterName = (id: string) => clusters.find((cluster) => cluster.id === id)?.name ?? id.slice(0, 8);

  return (
    <Card role="region" aria-label={t("label")}>
      <CardHeader
        title={t("title")}
        description={t("description")}
        actions={
          <>
            <ToggleGroup label={t("stateLabel")} options={stateOptions} value={state} onChange={setState} />
            <Label htmlFor={clusterSelectId} className="sr-only">
              {t("cluster")}
            </Label>
            <Select
              id={clusterSelectId}
              className="h-7 w-40 text-xs"
              value={clusterId}
              onChange={(event) => setClusterId(event.target.value)}
            >
              <option value="">{t("allClusters")}</option>
              {clusters.map((cluster) => (
                <option key={cluster.id} value={cluster.id}>
                  {cluster.name}
                </option>
              ))}
            </Select>
          </>
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
          <EmptyState title={state === "firing" ? t("nothingFiring") : t("none")} />
        ) : (
          <Table>
            <THead>
              <tr>
                <TH>{t("state")}</TH>
                <TH>{t("severity")}</TH>
                <TH>{t("alert")}</TH>
                <TH>{t("cluster")}</TH>
                <TH>{t("message")}</TH>
                <TH>{t("started")}</TH>
                <TH>{t("resolved")}</TH>
                {canAct ? (
                  <TH>
                    <span className="sr-only">{t("actions")}</span>
                  </TH>
                ) : null}
              </tr>
            </THead>
            <TBody>
              {alerts.map((alert) => (
                <TR key={alert.id} aria-label={`${alertKindLabel(alert.kind)} ${alert.subject}`.trim()}>
                  <TD>
                    <div className="flex flex-wrap gap-1">
                      <StateBadge alert={alert} />
                      {alert.acknowledgedAt ? <Badge tone="info">{t("badges.acknowledged")}</Badge> : null}
                      {alert.silencedUntil && Date.parse(alert.silencedUntil) > readAt ? (
                        <Badge>{t("badges.silenced")}</Badge>
                      ) : null}
                    </div>
                  </TD>
                  <TD>
                    <Badge tone={severityTone(alert.severity)}>{severityLabel(alert.severity)}</Badge>
                  </TD>
                  <TD>
                    <span className="font-medium">{alertKindLabel(alert.kind)}</span>
                    {alert.subject ? (
                      <span className="block text-xs text-zinc-500">{alert.subject}</span>
                    ) : null}
                  </TD>
                  <TD>{clusterName(alert.clusterId)}</TD>
                  <TD className="max-w-md text-zinc-700">
                    {alert.message}
                    {alert.silencedUntil && Date.parse(alert.silencedUntil) > readAt ? (
                      <span className="block text-xs text-zinc-500">
                        {t("silencedUntil")} <Time value={alert.silencedUntil} />
                      </span>
                    ) : null}
                  </TD>
                  <TD>
                    <Time value={alert.startedAt} />
                  </TD>
                  <TD>
                    <Time value={alert.resolvedAt} />
                  </TD>
                  {canAct ? (
                    <TD>
                      <AlertActions alert={alert} />
                    </TD>
                  ) : null}
                </TR>
              ))}
            </TBody>
          </Table>
        )
      ) : query.isPending ? (
        <p className="flex items-center gap-2 px-4 py-4 text-sm text-zinc-500">
          <Spinner /> {t("loading")}
        </p>
      ) : null}
    </Card>
  );
}
