"use client";

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

const sourceLabel: Record<LagSeries["source"], string> = {
  raw: "raw samples",
  "1m": "1-minute rollups",
  "1h": "1-hour rollups",
};

const rangeOptions = lagRanges.map((range) => ({ value: range, label: range }));
const unitOptions = [
  { value: "bytes", label: "Bytes" },
  { value: "seconds", label: "Seconds" },
] as const satisfies readonly { value: LagUnit; label: string }[];

/** A standby's replay lag over the last 5 minutes to 30 days, refreshed while it is on screen. */
export function LagHistory({ clusterId, standbys }: { clusterId: string; standbys: string[] }) {
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
        title="Lag history"
        description={
          data ? (
            <>
              Replay lag of <span className="font-medium text-zinc-700">{data.standby}</span> ·{" "}
              {data.points.length} points from {sourceLabel[data.source]}
              {series.isPlaceholderData ? (
                <Spinner className="ml-1.5 size-2.5 align-[-1px] text-zinc-400" />
              ) : null}
            </>
          ) : (
            "Replay lag over time"
          )
        }
        actions={
          standbys.length > 0 ? (
            <div className="flex flex-wrap items-center justify-end gap-2">
              <label className="sr-only" htmlFor="lag-standby">
                Standby
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
              <ToggleGroup label="Unit" options={unitOptions} value={unit} onChange={setUnit} />
              <ToggleGroup label="Range" options={rangeOptions} value={range} onChange={setRange} />
            </div>
          ) : null
        }
      />
      {standbys.length === 0 ? (
        <EmptyState title="No standbys">This cluster has no standbys to chart.</EmptyState>
      ) : (
        <CardBody>
          {series.isError ? (
            <Alert tone="error" className="mb-3">
              {data ? "Could not refresh the lag history: " : "Could not load the lag history: "}
              {errorMessage(series.error)}
            </Alert>
          ) : null}
          {data ? (
            <figure className="relative">
              <figcaption className="sr-only">
                Replay lag of {data.standby} over the last {range}, in {unit}
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
                  No samples in this window yet.
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
            <p className="mt-2 text-xs text-zinc-500">
              Dashed lines mark replication events; hover a marker or the line for details.
            </p>
          ) : null}
        </CardBody>
      )}
    </Card>
  );
}
