"use client";

import { useTranslations } from "next-intl";
import type { MouseEvent } from "react";
import { cx } from "@/components/ui/cx";
import type { WindowComputation } from "@/lib/schemas/restore-window";
import { formatInZone, instantToZonedWallTime } from "./zoned-time";

// The restorable window as a horizontal timeline for the restore form: restorable ranges in
// green, missing WAL in red, backups as ticks with their names, events the finder found as
// markers, and the chosen target as a line. Every time is shown on the chosen zone's clock.

export type TimelineWindow = Pick<WindowComputation, "earliest" | "latest" | "ranges" | "gaps" | "backups">;

export interface TimelineEvent {
  key: string;
  /** Commit time (ISO). */
  at: string;
  kind: "drop" | "truncate" | "delete";
  label: string;
  /** The event the target was set from. */
  active?: boolean;
}

function time(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

interface Axis {
  start: number;
  end: number;
}

/** Percent from the left, clamped to the bar. */
function at(axis: Axis, ms: number): number {
  const fraction = axis.end > axis.start ? (ms - axis.start) / (axis.end - axis.start) : 0.5;
  return Math.max(0, Math.min(1, fraction)) * 100;
}

function span(axis: Axis, from: number, to: number) {
  const left = at(axis, Math.min(from, to));
  const right = at(axis, Math.max(from, to));
  return { left: `${left}%`, width: `max(2px, ${right - left}%)` };
}

/** "11-26 14:52:07": enough to tell marks apart on a bar that spans days at most. */
function short(ms: number, timeZone: string): string {
  return instantToZonedWallTime(ms, timeZone).slice(5).replace("T", " ");
}

function backupName(backup: { id: string; label: string | null }): string {
  return backup.label ?? backup.id.slice(0, 8);
}

/** Keeps labels at least `gap` percent apart (left to right); the others are left to tooltips. */
function spread<T extends { at: number }>(items: T[], gap: number): T[] {
  const shown: T[] = [];
  for (const item of [...items].sort((a, b) => a.at - b.at)) {
    if (!shown.length || item.at - shown.at(-1)!.at >= gap) shown.push(item);
  }
  return shown;
}

function Label({ at: left, className, children }: { at: number; className?: string; children: string }) {
  return (
    <span
      className={cx("absolute top-0 text-[11px] whitespace-nowrap tabular-nums", className)}
      style={left < 50 ? { left: `${left}%` } : { right: `${100 - left}%` }}
    >
      {children}
    </span>
  );
}

const eventColours: Record<TimelineEvent["kind"], string> = {
  drop: "bg-red-700",
  truncate: "bg-orange-600",
  delete: "bg-amber-500",
};

export function RestoreWindowTimeline({
  restoreWindow,
  timeZone,
  target,
  targetLabel,
  events = [],
  onPick,
}: {
  restoreWindow: TimelineWindow;
  timeZone: string;
  /** The chosen target as an instant (ms), when it has a time. */
  target: number | null;
  targetLabel?: string;
  events?: TimelineEvent[];
  /** Clicking the bar picks that time (whole seconds). */
  onPick?: (ms: number) => void;
}) {
  const t = useTranslations("restores.timeline");
  const earliest = time(restoreWindow.earliest);
  const latest = time(restoreWindow.latest);
  // The axis spans what the archive knows; a target far outside it is pinned to the edge
  // instead of squeezing the window into a sliver.
  const known = [
    earliest,
    latest,
    ...restoreWindow.ranges.flatMap((range) => [time(range.from), time(range.to)]),
    ...restoreWindow.backups.map((backup) => time(backup.finishedAt)),
    ...restoreWindow.gaps.flatMap((gap) => [time(gap.from), time(gap.to)]),
    ...events.map((event) => time(event.at)),
  ].filter((ms): ms is number => ms !== null);

  if (known.length === 0 && target !== null) known.push(target);
  if (known.length === 0) {
    return (
      <p className="rounded-md bg-zinc-50 px-3 py-4 text-center text-sm text-zinc-500 ring-1 ring-zinc-200 ring-inset">
        {t("nothing")}
      </p>
    );
  }
  let first = Math.min(...known);
  let last = Math.max(...known);
  const reach = Math.max(60_000, (last - first) * 0.25);
  if (target !== null && target >= first - reach && target <= last + reach) {
    first = Math.min(first, target);
    last = Math.max(last, target);
  }
  const pad = Math.max(30_000, (last - first) * 0.04);
  const axis: Axis = { start: first - pad, end: last + pad };
  const targetOutside = target !== null && (target < axis.start || target > axis.end);

  const pick = onPick
    ? (event: MouseEvent<HTMLDivElement>) => {
        const box = event.currentTarget.getBoundingClientRect();
        if (box.width <= 0) return;
        const fraction = Math.max(0, Math.min(1, (event.clientX - box.left) / box.width));
        onPick(Math.round((axis.start + fraction * (axis.end - axis.start)) / 1000) * 1000);
      }
    : undefined;

  const backups = restoreWindow.backups
    .map((backup) => ({ backup, ms: time(backup.finishedAt) }))
    .filter(
      (item): item is { backup: (typeof restoreWindow.backups)[number]; ms: number } => item.ms !== null,
    )
    .map((item) => ({ ...item, at: at(axis, item.ms) }));
  const labelledBackups = spread(backups, 14);
  const summary = [
    earliest !== null && latest !== null
      ? t("summary.window", {
          from: formatInZone(earliest, timeZone),
          to: formatInZone(latest, timeZone),
          zone: timeZone,
        })
      : t("summary.noWindow"),
    t("summary.gaps", { count: restoreWindow.gaps.length }),
    t("summary.backups", { count: backups.length }),
    events.length ? t("summary.events", { count: events.length }) : null,
    target !== null ? t("summary.target", { time: formatInZone(target, timeZone) }) : t("summary.noTarget"),
  ]
    .filter(Boolean)
    .join("; ");

  return (
    <figure className="space-y-1">
      <div className="flex justify-between gap-4 text-[11px] text-zinc-500 tabular-nums">
        <span>{formatInZone(axis.start, timeZone)}</span>
        <span>{timeZone}</span>
        <span>{formatInZone(axis.end, timeZone)}</span>
      </div>
      <div className="relative h-5">
        {target !== null ? (
          <Label
            at={at(axis, target)}
            className={cx("font-medium", targetOutside ? "text-red-700" : "text-sky-800")}
          >
            {targetOutside
              ? `${target < axis.start ? "← " : ""}${t("targetOutside", { time: formatInZone(target, timeZone) })}${target > axis.end ? " →" : ""}`
              : `${t("target", { time: short(target, timeZone) })}${targetLabel ? ` · ${targetLabel}` : ""}`}
          </Label>
        ) : null}
      </div>
      <div
        role="img"
        aria-label={t("label", { summary })}
        title={onPick ? t("clickToPick") : undefined}
        onClick={pick}
        className={cx(
          "relative h-8 rounded bg-zinc-100 ring-1 ring-zinc-200 ring-inset",
          onPick && "cursor-crosshair",
        )}
      >
        {restoreWindow.ranges.map((range) => {
          const from = time(range.from);
          if (from === null) return null;
          const to = time(range.to);
          return (
            <div
              key={`${range.fromBackupId}-${range.timeline}`}
              title={t("rangeTitle", {
                timeline: String(range.timeline),
                from: formatInZone(from, timeZone),
                to: to === null ? t("rangeUnknownEnd") : formatInZone(to, timeZone),
              })}
              className={cx("absolute inset-y-1.5 bg-emerald-500", to === null && "opacity-40")}
              style={span(axis, from, to ?? axis.end)}
            />
          );
        })}
        {restoreWindow.gaps.map((gap) => {
          const from = time(gap.from) ?? time(gap.to);
          if (from === null) return null;
          const to = time(gap.to) ?? from;
          return (
            <div
              key={`${gap.fromWal}-${gap.toWal}`}
              title={t("gapTitle", {
                fromWal: gap.fromWal,
                toWal: gap.toWal,
                from: formatInZone(from, timeZone),
                to: formatInZone(to, timeZone),
              })}
              className="absolute inset-y-0 bg-red-500"
              style={span(axis, from, to)}
            />
          );
        })}
        {backups.map(({ backup, ms, at: left }) => (
          <div
            key={backup.id}
            title={
              backup.restorableFrom
                ? t("backupTitle", { name: backupName(backup), time: formatInZone(ms, timeZone) })
                : t("backupTitleNoPitr", { name: backupName(backup), time: formatInZone(ms, timeZone) })
            }
            className={cx(
              "absolute -inset-y-1 w-0.5 -translate-x-1/2",
              backup.restorableFrom ? "bg-zinc-900" : "bg-zinc-400",
            )}
            style={{ left: `${left}%` }}
          />
        ))}
        {events.map((event) => {
          const ms = time(event.at);
          if (ms === null) return null;
          return (
            <div
              key={event.key}
              title={t("eventTitle", { event: event.label, time: formatInZone(ms, timeZone) })}
              className={cx(
                "absolute top-0 size-2.5 -translate-x-1/2 -translate-y-1/2 rotate-45 ring-1 ring-white",
                eventColours[event.kind],
                event.active && "size-3.5 ring-2 ring-sky-600",
              )}
              style={{ left: `${at(axis, ms)}%` }}
            />
          );
        })}
        {target !== null ? (
          <div
            className={cx(
              "pointer-events-none absolute -inset-y-2 w-0.5 -translate-x-1/2",
              targetOutside ? "bg-red-600" : "bg-sky-600",
            )}
            style={{ left: `${at(axis, target)}%` }}
          />
        ) : null}
      </div>
      <div className="relative h-5 text-zinc-600">
        {labelledBackups.map(({ backup, ms, at: left }) => (
          <Label key={backup.id} at={left}>
            {`${backupName(backup)} · ${short(ms, timeZone)}`}
          </Label>
        ))}
      </div>
      <figcaption className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-500">
        <span className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-2.5 w-4 rounded-sm bg-emerald-500" />
          {t("legend.restorable")}
          {earliest !== null && latest !== null ? (
            <span className="tabular-nums">
              ({formatInZone(earliest, timeZone)} … {formatInZone(latest, timeZone)})
            </span>
          ) : null}
        </span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-2.5 w-4 rounded-sm bg-red-500" />
          {t("legend.missingWal")}
        </span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-3 w-0.5 bg-zinc-900" />
          {t("legend.backup")}
        </span>
        {events.length ? (
          <span className="flex items-center gap-1.5">
            <span aria-hidden="true" className="inline-block size-2 rotate-45 bg-red-700" />
            {t("legend.foundEvent")}
          </span>
        ) : null}
        <span className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-3 w-0.5 bg-sky-600" />
          {t("legend.target")}
        </span>
      </figcaption>
    </figure>
  );
}
