"use client";

import { useTranslations } from "next-intl";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from "recharts";
import { DAY, MINUTE, timeTicks, valueTicks, type LagUnit } from "@/components/charts/ticks";
import { formatBytes, formatBytesExact, formatSeconds, formatUtcSeconds } from "@/components/ui/format";
import { Description, DescriptionList } from "@/components/ui/description-list";
import type { LagPoint, ReplicationEvent } from "@/lib/schemas/replication";

export type { LagUnit };

interface Row {
  t: number;
  value: number | null;
  /** [value, max over the bucket]: drawn as a band above the line when points are buckets. */
  band: [number, number] | null;
  point: LagPoint;
}

const LINE = "#047857";
const BAND = "#6ee7b7";

const eventColour: Record<ReplicationEvent["kind"], string> = {
  state_change: "#d97706",
  role_change: "#7c3aed",
  timeline_change: "#7c3aed",
  node_unreachable: "#dc2626",
  node_reachable: "#16a34a",
};

function toRows(points: LagPoint[], unit: LagUnit): Row[] {
  return points
    .map((point) => {
      const value = unit === "bytes" ? point.replayBytes : point.replaySeconds;
      const max = unit === "bytes" ? point.replayBytesMax : point.replaySecondsMax;
      return {
        t: new Date(point.t).getTime(),
        value,
        band: value !== null && max !== null ? ([value, Math.max(value, max)] as [number, number]) : null,
        point,
      };
    })
    .sort((a, b) => a.t - b.t);
}

/** The typical spacing of the points: a bucket's width, or the sampling interval for raw samples. */
function typicalStep(rows: Row[]): number {
  const gaps = rows
    .slice(1)
    .map((row, index) => row.t - rows[index]!.t)
    .filter((gap) => gap > 0)
    .sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? 1000;
}

function tickFormatter(spanMs: number) {
  return (value: number) => {
    const iso = new Date(value).toISOString();
    if (spanMs <= 15 * MINUTE) return iso.slice(11, 19);
    if (spanMs <= 2 * DAY) return iso.slice(11, 16);
    return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  };
}

/** "1.5 MiB (1,572,864 B)"; under 1 KiB the short form is already exact. */
function BytesWithExact({ value }: { value: number | null }) {
  if (value === null || Math.abs(value) < 1024) return <>{formatBytes(value)}</>;
  return (
    <>
      {formatBytes(value)} ({formatBytesExact(value)})
    </>
  );
}

function LagTooltip({
  active,
  payload,
  events,
  step,
}: Pick<TooltipContentProps, "active" | "payload"> & {
  events: ReplicationEvent[];
  step: number;
}) {
  const t = useTranslations("cluster.lagChart");
  const row = payload?.[0]?.payload as Row | undefined;
  if (!active || !row) return null;
  const { point } = row;
  const nearby = events.filter((event) => Math.abs(new Date(event.at).getTime() - row.t) <= step / 2);
  // Raw samples come back as one-sample buckets whose max equals the value: not worth a second line.
  const spreadBytes = point.replayBytesMax !== null && point.replayBytesMax !== point.replayBytes;
  const spreadSeconds = point.replaySecondsMax !== null && point.replaySecondsMax !== point.replaySeconds;
  const bucket = spreadBytes || spreadSeconds;

  return (
    <div className="max-w-xs rounded-md border border-zinc-200 bg-white px-3 py-2 text-xs text-zinc-800 shadow-lg">
      <p className="font-medium">{formatUtcSeconds(row.t)}</p>
      <DescriptionList termWidth="auto" size="xs" className="mt-1 [&_dd]:tabular-nums">
        <Description term={t("state")}>{point.state ?? t("unknown")}</Description>
        <Description term={bucket ? t("replayLagAvg") : t("replayLag")}>
          <BytesWithExact value={point.replayBytes} />
        </Description>
        {spreadBytes ? (
          <Description term={t("replayLagMax")}>
            <BytesWithExact value={point.replayBytesMax} />
          </Description>
        ) : null}
        <Description term={bucket ? t("behindAvg") : t("behind")}>
          {formatSeconds(point.replaySeconds)}
        </Description>
        {spreadSeconds ? (
          <Description term={t("behindMax")}>{formatSeconds(point.replaySecondsMax)}</Description>
        ) : null}
        {point.flushBytes !== null ? (
          <Description term={t("flushLag")}>{formatBytes(point.flushBytes)}</Description>
        ) : null}
        {point.writeBytes !== null ? (
          <Description term={t("writeLag")}>{formatBytes(point.writeBytes)}</Description>
        ) : null}
        <Description term={t("replayLsn")}>
          <code>{point.replayLsn ?? "—"}</code>
        </Description>
        <Description term={t("primaryLsn")}>
          <code>{point.primaryLsn ?? "—"}</code>
        </Description>
      </DescriptionList>
      {nearby.length > 0 ? (
        <ul className="mt-1.5 space-y-0.5 border-t border-zinc-100 pt-1.5">
          {nearby.map((event) => (
            <li key={event.id}>
              <span className="text-zinc-500">{formatUtcSeconds(event.at, true)}</span> {event.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A marker at the top of an event's line; the message is its native tooltip. */
function EventMarker({
  viewBox,
  event,
  showText,
  textLeft,
}: {
  viewBox?: { x?: number; y?: number };
  event: ReplicationEvent;
  showText: boolean;
  /** Near the right edge the text goes left of the line, or it would be cut off. */
  textLeft: boolean;
}) {
  const x = viewBox?.x ?? 0;
  const y = viewBox?.y ?? 0;
  const colour = eventColour[event.kind];
  return (
    <g className="cursor-help">
      <title>{`${formatUtcSeconds(event.at)}: ${event.message}`}</title>
      <path d={`M${x - 5},${y} L${x + 5},${y} L${x},${y + 7} Z`} fill={colour} />
      {showText ? (
        <text
          x={textLeft ? x - 6 : x + 6}
          y={y + 8}
          fontSize={10}
          fill={colour}
          textAnchor={textLeft ? "end" : "start"}
        >
          {event.node}
          {event.to ? ` → ${event.to}` : ""}
        </text>
      ) : null}
    </g>
  );
}

/**
 * A standby's replay lag over time: a line of the (average) value, a band up to the bucket's
 * maximum when points are rollups, and a marker per replication event.
 */
export function LagChart({
  points,
  events = [],
  unit,
  from,
  to,
  height = 260,
}: {
  points: LagPoint[];
  events?: ReplicationEvent[];
  unit: LagUnit;
  from: string;
  to: string;
  height?: number;
}) {
  const rows = toRows(points, unit);
  const start = new Date(from).getTime();
  const end = new Date(to).getTime();
  const step = typicalStep(rows);
  const hasBand = rows.some((row) => row.band !== null && row.band[1] > row.band[0]);
  const visibleEvents = events.filter((event) => {
    const at = new Date(event.at).getTime();
    return at >= start && at <= end;
  });
  const yTicks = valueTicks(
    Math.max(0, ...rows.map((row) => (hasBand && row.band ? row.band[1] : (row.value ?? 0)))),
    unit,
  );
  const format =
    unit === "bytes" ? (value: number) => formatBytes(value) : (value: number) => formatSeconds(value);
  const latest = rows.findLast((row) => row.value !== null);

  return (
    // The newest plotted value, for tests and scripts that read the chart rather than the API.
    <div data-lag-chart={unit} data-latest-value={latest?.value ?? ""} data-latest-at={latest?.point.t ?? ""}>
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart data={rows} margin={{ top: 12, right: 16, bottom: 0, left: 4 }}>
          <CartesianGrid stroke="#e4e4e7" strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[start, end]}
            allowDataOverflow
            ticks={timeTicks(start, end)}
            tickFormatter={tickFormatter(end - start)}
            tick={{ fontSize: 11, fill: "#71717a" }}
            tickLine={false}
            axisLine={{ stroke: "#d4d4d8" }}
            minTickGap={24}
          />
          <YAxis
            tickFormatter={format}
            tick={{ fontSize: 11, fill: "#71717a" }}
            tickLine={false}
            axisLine={false}
            width={72}
            ticks={yTicks}
            domain={[0, yTicks[yTicks.length - 1] ?? 1]}
          />
          <Tooltip
            isAnimationActive={false}
            content={(props) => (
              <LagTooltip active={props.active} payload={props.payload} events={visibleEvents} step={step} />
            )}
          />
          {hasBand ? (
            <Area
              dataKey="band"
              name="max over bucket"
              type="linear"
              stroke="none"
              fill={BAND}
              fillOpacity={0.45}
              isAnimationActive={false}
              connectNulls={false}
              activeDot={false}
            />
          ) : null}
          <Line
            dataKey="value"
            name={unit === "bytes" ? "replay lag (bytes)" : "replay lag (seconds)"}
            type="linear"
            stroke={LINE}
            strokeWidth={1.75}
            dot={false}
            activeDot={{ r: 3 }}
            isAnimationActive={false}
            connectNulls={false}
          />
          {visibleEvents.map((event) => (
            <ReferenceLine
              key={event.id}
              x={new Date(event.at).getTime()}
              stroke={eventColour[event.kind]}
              strokeDasharray="4 3"
              strokeOpacity={0.8}
              label={(props: { viewBox?: { x?: number; y?: number } }) => (
                <EventMarker
                  viewBox={props.viewBox}
                  event={event}
                  showText={visibleEvents.length <= 6}
                  textLeft={new Date(event.at).getTime() > start + (end - start) * 0.75}
                />
              )}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
