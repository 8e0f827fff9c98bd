"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { LagChart, type LagUnit } from "@/components/charts/lag-chart";
import { Alert } from "@/components/ui/alert";
import { Spinner } from "@/components/ui/button";
import { Card, CardBody, CardHeader, EmptyState } from "@/components/ui/card";
import { Select } from "@/components/ui/input";
import { ToggleGroup } from "@/components/ui/toggle-group";
import { errorMessage } from "@/lib/client/fetcher";
import { lagRanges, useLagSeries, type LagRange } from "@/lib/client/use-replication";
import type { LagSeries } from "@/lib/schemas/replication";

const CHART_HEIGHT = 260;

const rangeOptions = lagRanges.map((range) => ({ value: range, label: range }));
const units = ["bytes", "seconds"] as const satisfies readonly LagUnit[];

/** A standby's replay lag over the last 5 minutes to 30 days, refreshed while it is on screen. */
export function LagHistory({ clusterId, standbys }: { clusterId: string; standbys: string[] }) {
  const t = useTranslations("cluster.replication.lagHistory");
  const unitOptions = units.map((value) => ({ value, label: t(value) }));
  const sourceLabel = (source: LagSeries["source"]) => t(source);
  const [chosen, setChosen] = useState<string | null>(null);
  const [unit, setUnit] = useState<LagUnit>("bytes");
  const [range, setRange] = useState<LagRange>("5m");
  // A standby removed from the registration falls back to the first one left.
  const standby = chosen !== null && standbys.includes(chosen) ? chosen : (standbys[0] ?? null);
  const series = useLagSeries(clusterId, standby, range);
  const data = series.data;

  return (
    <Card aria-labelledby="lag-history-title">
      <CardHeader
        id="lag-history-title"
        title={t("title")}
        description={
          data ? (
            <>
              {t("replayLagOf")} <span className="font-medium text-zinc-700">{data.standby}</span> ·{" "}
              {t("points", { count: data.points.length, source: sourceLabel(data.source) })}
              {series.isPlaceholderData ? (
                <Spinner className="ml-1.5 size-2.5 align-[-1px] text-zinc-400" />
              ) : null}
            </>
          ) : (
            t("overTime")
          )
        }
        actions={
          standbys.length > 0 ? (
            <div className="flex flex-wrap items-center justify-end gap-2">
              <label className="sr-only" htmlFor="lag-standby">
                {t("standby")}
              </label>
              <div className="w-32">
                <Select
                  id="lag-standby"
                  className="h-7 py-0 text-xs"
                  value={standby ?? ""}
                  onChange={(event) => setChosen(event.target.value)}
                >
                  {standbys.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </Select>
              </div>
              <ToggleGroup label={t("unit")} options={unitOptions} value={unit} onChange={setUnit} />
              <ToggleGroup label={t("range")} options={rangeOptions} value={range} onChange={setRange} />
            </div>
          ) : null
        }
      />
      {standbys.length === 0 ? (
        <EmptyState title={t("noStandbys")}>{t("noStandbysBody")}</EmptyState>
      ) : (
        <CardBody>
          {series.isError ? (
            <Alert tone="error" className="mb-3">
              {data ? t("refreshFailed") : t("loadFailed")}
              {errorMessage(series.error)}
            </Alert>
          ) : null}
          {data ? (
            <figure className="relative">
              <figcaption className="sr-only">
                {t("caption", { standby: data.standby, range, unit })}
              </figcaption>
              <LagChart
                points={data.points}
                events={data.events}
                unit={unit}
                from={data.from}
                to={data.to}
                height={CHART_HEIGHT}
              />
              {data.points.length === 0 ? (
                <p className="pointer-events-none absolute inset-0 flex items-center justify-center text-sm text-zinc-500">
                  {t("noSamples")}
                </p>
              ) : null}
            </figure>
          ) : series.isError ? null : (
            <div
              aria-busy="true"
              className="animate-pulse rounded bg-zinc-50"
              style={{ height: CHART_HEIGHT }}
            />
          )}
          {data && data.events.length > 0 ? (
            <p className="mt-2 text-xs text-zinc-500">{t("eventsHint")}</p>
          ) : null}
        </CardBody>
      )}
    </Card>
  );
}
