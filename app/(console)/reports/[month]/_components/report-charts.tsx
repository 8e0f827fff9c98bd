"use client";

import type { ReactElement, ReactNode } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatBytes, formatCount, formatSeconds } from "@/components/ui/format";

// The report's charts: data in, svg out. No animation, so the printed PDF shows the final bars.
// Each one marks its box with data-report-chart; ReportReady waits for their svg.

const HEIGHT = 210;

/** Axis ticks only: short enough for the axis ("20.8 h"); tooltips and tables keep the exact form. */
function shortDuration(seconds: number): string {
  const trim = (value: number) => String(Number(value.toFixed(1)));
  if (seconds < 60) return `${trim(seconds)} s`;
  if (seconds < 3600) return `${trim(seconds / 60)} m`;
  if (seconds < 86_400) return `${trim(seconds / 3600)} h`;
  return `${trim(seconds / 86_400)} d`;
}
const AXIS = { fontSize: 11, fill: "#52525b" };
const LEGEND = { fontSize: 11 };

function ChartBox({ title, note, children }: { title: string; note?: ReactNode; children: ReactElement }) {
  return (
    <figure className="min-w-0 break-inside-avoid rounded-lg border border-zinc-200 bg-white px-3 pt-3 pb-2 print:border-zinc-300">
      <figcaption className="mb-2 text-xs font-semibold text-zinc-900">{title}</figcaption>
      <div data-report-chart="" className="h-[210px] w-full">
        <ResponsiveContainer width="100%" height={HEIGHT}>
          {children}
        </ResponsiveContainer>
      </div>
      {note ? <p className="mt-1 text-[11px] leading-snug text-zinc-500">{note}</p> : null}
    </figure>
  );
}

export interface BackupBar {
  label: string;
  scheduled: number;
  succeeded: number;
  failed: number;
}

/** Backups scheduled, succeeded and failed: one group per cluster and kind. */
export function BackupsChart({ rows }: { rows: BackupBar[] }) {
  return (
    <ChartBox
      title="Backups: scheduled, succeeded, failed"
      note="Scheduled counts cron firings in the month."
    >
      <BarChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e4e4e7" vertical={false} />
        <XAxis dataKey="label" tick={AXIS} interval={0} />
        <YAxis allowDecimals={false} tick={AXIS} width={36} />
        <Tooltip formatter={(value) => formatCount(Number(value))} />
        <Legend wrapperStyle={LEGEND} />
        <Bar dataKey="scheduled" name="Scheduled" fill="#71717a" isAnimationActive={false} />
        <Bar dataKey="succeeded" name="Succeeded" fill="#047857" isAnimationActive={false} />
        <Bar dataKey="failed" name="Failed" fill="#dc2626" isAnimationActive={false} />
      </BarChart>
    </ChartBox>
  );
}

export interface LagBar {
  label: string;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** Replay lag per standby in bytes: p50, p95 and the largest sample. */
export function LagChart({ rows, thresholdBytes }: { rows: LagBar[]; thresholdBytes: number }) {
  return (
    <ChartBox
      title="Replication lag per standby (replay, bytes)"
      note={`Percentiles of per-minute averages; max is the largest sample. Threshold ${formatBytes(thresholdBytes)}.`}
    >
      <BarChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e4e4e7" vertical={false} />
        <XAxis dataKey="label" tick={AXIS} interval={0} />
        <YAxis tick={AXIS} width={72} tickFormatter={(value: number) => formatBytes(value)} />
        <Tooltip formatter={(value) => formatBytes(Number(value))} />
        <Legend wrapperStyle={LEGEND} />
        <Bar dataKey="p50" name="p50" fill="#6ee7b7" isAnimationActive={false} />
        <Bar dataKey="p95" name="p95" fill="#047857" isAnimationActive={false} />
        <Bar dataKey="max" name="max" fill="#d97706" isAnimationActive={false} />
      </BarChart>
    </ChartBox>
  );
}

export interface RtoBar {
  label: string;
  median: number | null;
  max: number | null;
  target: number;
}

/** Restore drills' RTO (median and max) against each cluster's target. */
export function RtoChart({ rows }: { rows: RtoBar[] }) {
  const targets = [...new Set(rows.map((row) => row.target))];
  const target = targets.length === 1 ? targets[0] : undefined;
  const maxima = rows.flatMap((row) => (row.max === null ? [] : [row.max]));
  const longest = maxima.length ? Math.max(...maxima) : null;
  // Drawn to scale with the target unless every drill is far below it: bars of a few seconds
  // under a one-hour line would be invisible.
  const offScale = target !== undefined && longest !== null && longest < target / 2;
  return (
    <ChartBox
      title="Restore drills: RTO against the target"
      note={
        target === undefined
          ? "Target per cluster (grey bar)."
          : offScale
            ? `Target ${formatSeconds(target)}: far above every drill, so off this scale.`
            : `Target ${formatSeconds(target)} (dashed line).`
      }
    >
      <BarChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e4e4e7" vertical={false} />
        <XAxis dataKey="label" tick={AXIS} interval={0} />
        <YAxis tick={AXIS} width={52} tickFormatter={shortDuration} />
        <Tooltip formatter={(value) => formatSeconds(Number(value))} />
        <Legend wrapperStyle={LEGEND} />
        <Bar dataKey="median" name="RTO median" fill="#6ee7b7" isAnimationActive={false} />
        <Bar dataKey="max" name="RTO max" fill="#047857" isAnimationActive={false} />
        {target !== undefined ? (
          <ReferenceLine
            y={target}
            stroke="#dc2626"
            strokeDasharray="4 3"
            ifOverflow={offScale ? "hidden" : "extendDomain"}
          />
        ) : (
          <Bar dataKey="target" name="Target" fill="#a1a1aa" isAnimationActive={false} />
        )}
      </BarChart>
    </ChartBox>
  );
}

export interface RpoBar {
  label: string;
  worstGap: number | null;
  target: number;
}

/** The achieved RPO (largest gap between successful physical backups) against the target, per cluster. */
export function RpoChart({ rows }: { rows: RpoBar[] }) {
  return (
    <ChartBox title="Achieved RPO (largest gap between backups) against the target">
      <BarChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e4e4e7" vertical={false} />
        <XAxis dataKey="label" tick={AXIS} interval={0} />
        <YAxis tick={AXIS} width={52} tickFormatter={shortDuration} />
        <Tooltip formatter={(value) => formatSeconds(Number(value))} />
        <Legend wrapperStyle={LEGEND} />
        <Bar dataKey="worstGap" name="Largest gap" fill="#047857" isAnimationActive={false} />
        <Bar dataKey="target" name="RPO target" fill="#a1a1aa" isAnimationActive={false} />
      </BarChart>
    </ChartBox>
  );
}
