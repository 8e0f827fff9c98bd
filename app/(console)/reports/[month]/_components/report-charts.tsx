"use client";

import { useTranslations } from "next-intl";
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
import {
  distribution,
  ratioToTarget,
  TARGET_RATIO_EDGES,
  truncateLabel,
  worstRows,
  type Selection,
} from "./chart-selection";

// The report's charts: data in, svg out. No animation, so the printed PDF shows the final bars.
// Each one marks its box with data-report-chart; ReportReady waits for their svg. A large fleet
// draws its worst clusters (chart-selection.ts) and, below, how the whole fleet is distributed;
// axis labels are cut short, the tooltip and the table keep full names.

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

/** The x axis of every chart: labels cut short (the tooltip shows the full name), never overlapping. */
function LabelAxis() {
  return (
    <XAxis
      dataKey="label"
      tick={AXIS}
      interval={0}
      tickFormatter={(label: string) => truncateLabel(label)}
      angle={-25}
      textAnchor="end"
      height={48}
    />
  );
}

/** How many clusters fall in each band, drawn as plain bars under the chart (prints as is). */
function DistributionBars({ title, bands }: { title: string; bands: { key: string; count: number }[] }) {
  const largest = Math.max(1, ...bands.map((band) => band.count));
  return (
    <div className="mt-2 border-t border-zinc-100 pt-2" data-report-distribution="">
      <p className="mb-1 text-[11px] font-semibold text-zinc-700">{title}</p>
      <ul className="space-y-0.5">
        {bands.map((band) => (
          <li key={band.key} className="grid grid-cols-[7rem_1fr_2.5rem] items-center gap-2 text-[11px]">
            <span className="truncate text-zinc-600" title={band.key}>
              {band.key}
            </span>
            <span className="h-2 rounded-sm bg-zinc-100">
              <span
                className="block h-2 rounded-sm bg-emerald-700"
                style={{ width: `${(band.count / largest) * 100}%` }}
              />
            </span>
            <span className="text-right tabular-nums text-zinc-700">{formatCount(band.count)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Bands of a figure against its target, with the clusters that have no figure. */
function targetBands(t: ReturnType<typeof useTranslations<"reportCharts">>, ratios: (number | null)[]) {
  const { counts, missing } = distribution(ratios, TARGET_RATIO_EDGES);
  const keys = [t("bandHalf"), t("bandMet"), t("bandTwice"), t("bandFive"), t("bandBeyond")];
  const bands = keys.map((key, index) => ({ key, count: counts[index]! }));
  return missing ? [...bands, { key: t("bandNone"), count: missing }] : bands;
}

function ChartBox({
  title,
  note,
  selection,
  distributionTitle,
  bands,
  children,
}: {
  title: string;
  note?: ReactNode;
  selection?: Selection<unknown>;
  distributionTitle?: string;
  bands?: { key: string; count: number }[];
  children: ReactElement;
}) {
  const t = useTranslations("reportCharts");
  const partial = selection && selection.hidden > 0;
  return (
    <figure className="min-w-0 break-inside-avoid rounded-lg border border-zinc-200 bg-white px-3 pt-3 pb-2 print:border-zinc-300">
      <figcaption className="mb-2 text-xs font-semibold text-zinc-900">{title}</figcaption>
      <div data-report-chart="" className="h-[210px] w-full">
        <ResponsiveContainer width="100%" height={HEIGHT}>
          {children}
        </ResponsiveContainer>
      </div>
      {note ? <p className="mt-1 text-[11px] leading-snug text-zinc-500">{note}</p> : null}
      {partial ? (
        <p className="mt-1 text-[11px] leading-snug text-zinc-500" data-report-worst="">
          {t("worstShown", { shown: selection.shown.length, total: selection.total })}
        </p>
      ) : null}
      {partial && bands && distributionTitle ? (
        <DistributionBars title={distributionTitle} bands={bands} />
      ) : null}
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
  const t = useTranslations("reportCharts");
  // Worst: the most failures, then the most firings without a success.
  const selection = worstRows(
    rows,
    (row) => row.failed * 1_000_000 + Math.max(0, row.scheduled - row.succeeded),
  );
  const { counts } = distribution(
    rows.map((row) => row.failed),
    [0, 1, 5],
  );
  const bands = [t("failedNone"), t("failedOne"), t("failedFew"), t("failedMany")].map((key, index) => ({
    key,
    count: counts[index]!,
  }));
  return (
    <ChartBox
      title={t("backupsTitle")}
      note={t("backupsNote")}
      selection={selection}
      distributionTitle={t("backupsDistribution")}
      bands={bands}
    >
      <BarChart data={selection.shown} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e4e4e7" vertical={false} />
        <LabelAxis />
        <YAxis allowDecimals={false} tick={AXIS} width={36} />
        <Tooltip formatter={(value) => formatCount(Number(value))} />
        <Legend wrapperStyle={LEGEND} />
        <Bar dataKey="scheduled" name={t("scheduled")} fill="#71717a" isAnimationActive={false} />
        <Bar dataKey="succeeded" name={t("succeeded")} fill="#047857" isAnimationActive={false} />
        <Bar dataKey="failed" name={t("failed")} fill="#dc2626" isAnimationActive={false} />
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
  const t = useTranslations("reportCharts");
  const selection = worstRows(rows, (row) => row.p95 ?? row.max);
  return (
    <ChartBox
      title={t("lagTitle")}
      note={t("lagNote", { threshold: formatBytes(thresholdBytes) })}
      selection={selection}
      distributionTitle={t("lagDistribution", { threshold: formatBytes(thresholdBytes) })}
      bands={targetBands(
        t,
        rows.map((row) => ratioToTarget(row.p95, thresholdBytes)),
      )}
    >
      <BarChart data={selection.shown} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e4e4e7" vertical={false} />
        <LabelAxis />
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
export function RtoChart({ rows: allRows }: { rows: RtoBar[] }) {
  const t = useTranslations("reportCharts");
  const selection = worstRows(allRows, (row) => ratioToTarget(row.max, row.target));
  const rows = selection.shown;
  const targets = [...new Set(rows.map((row) => row.target))];
  const target = targets.length === 1 ? targets[0] : undefined;
  const maxima = rows.flatMap((row) => (row.max === null ? [] : [row.max]));
  const longest = maxima.length ? Math.max(...maxima) : null;
  // Drawn to scale with the target unless every drill is far below it: bars of a few seconds
  // under a one-hour line would be invisible.
  const offScale = target !== undefined && longest !== null && longest < target / 2;
  return (
    <ChartBox
      title={t("rtoTitle")}
      note={
        target === undefined
          ? t("rtoTargetPerCluster")
          : offScale
            ? t("rtoTargetOffScale", { target: formatSeconds(target) })
            : t("rtoTargetLine", { target: formatSeconds(target) })
      }
      selection={selection}
      distributionTitle={t("rtoDistribution")}
      bands={targetBands(
        t,
        allRows.map((row) => ratioToTarget(row.max, row.target)),
      )}
    >
      <BarChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e4e4e7" vertical={false} />
        <LabelAxis />
        <YAxis tick={AXIS} width={52} tickFormatter={shortDuration} />
        <Tooltip formatter={(value) => formatSeconds(Number(value))} />
        <Legend wrapperStyle={LEGEND} />
        <Bar dataKey="median" name={t("rtoMedian")} fill="#6ee7b7" isAnimationActive={false} />
        <Bar dataKey="max" name={t("rtoMax")} fill="#047857" isAnimationActive={false} />
        {target !== undefined ? (
          <ReferenceLine
            y={target}
            stroke="#dc2626"
            strokeDasharray="4 3"
            ifOverflow={offScale ? "hidden" : "extendDomain"}
          />
        ) : (
          <Bar dataKey="target" name={t("target")} fill="#a1a1aa" isAnimationActive={false} />
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
  const t = useTranslations("reportCharts");
  const selection = worstRows(rows, (row) => ratioToTarget(row.worstGap, row.target));
  return (
    <ChartBox
      title={t("rpoTitle")}
      selection={selection}
      distributionTitle={t("rpoDistribution")}
      bands={targetBands(
        t,
        rows.map((row) => ratioToTarget(row.worstGap, row.target)),
      )}
    >
      <BarChart data={selection.shown} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e4e4e7" vertical={false} />
        <LabelAxis />
        <YAxis tick={AXIS} width={52} tickFormatter={shortDuration} />
        <Tooltip formatter={(value) => formatSeconds(Number(value))} />
        <Legend wrapperStyle={LEGEND} />
        <Bar dataKey="worstGap" name={t("largestGap")} fill="#047857" isAnimationActive={false} />
        <Bar dataKey="target" name={t("rpoTarget")} fill="#a1a1aa" isAnimationActive={false} />
      </BarChart>
    </ChartBox>
  );
}
