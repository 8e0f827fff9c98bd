"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { cx } from "@/components/ui/cx";
import { formatUtcSeconds } from "@/components/ui/format";
import { errorMessage } from "@/lib/client/fetcher";
import { useRestoreWindow } from "@/lib/client/use-backups";
import type { RestoreWindow, StoredRestoreWindow } from "@/lib/schemas/restore-window";

// The bar's time axis runs from the oldest time the window knows of to now. Archived WAL older
// than the first backup has no known time (no commit was read there), so it gets a fixed
// lead-in at the left rather than a made-up position.
const LEAD_IN = 6;

/** Segment order regardless of timeline: the log and segment parts of the file name. */
const segmentKey = (wal: string) => wal.slice(8);

function time(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

interface Axis {
  start: number;
  end: number;
  lead: number;
}

function position(axis: Axis, ms: number): number {
  const fraction = axis.end > axis.start ? (ms - axis.start) / (axis.end - axis.start) : 1;
  return axis.lead + Math.max(0, Math.min(1, fraction)) * (100 - axis.lead);
}

function span(axis: Axis, from: number, to: number): { left: string; width: string } {
  const left = position(axis, Math.min(from, to));
  const right = position(axis, Math.max(from, to));
  return { left: `${left}%`, width: `max(2px, ${right - left}%)` };
}

function backupName(backup: { id: string; label: string | null }): string {
  return backup.label ? `"${backup.label}"` : backup.id.slice(0, 8);
}

/** Where on the bar a label sits: from its mark rightwards in the left half, leftwards in the right. */
// On a phone the label flows (and wraps) below the bar: placed under its end, a long label ran
// past the screen's edge. From sm up it sits under the end it names.
function EndLabel({ at, children }: { at: number; children: ReactNode }) {
  return (
    <div className="relative sm:h-5">
      <span
        className="block text-xs text-zinc-700 sm:absolute sm:top-0 sm:whitespace-nowrap"
        style={at < 50 ? { left: `${at}%` } : { right: `${100 - at}%` }}
      >
        {children}
      </span>
    </div>
  );
}

/**
 * The archive as a timeline ending now: restorable ranges in green, missing WAL in red, each
 * succeeded physical backup as a mark, and the restorable window's two ends labelled in UTC.
 */
export function CoverageBar({ restoreWindow, now }: { restoreWindow: RestoreWindow; now: string }) {
  const t = useTranslations("backups.coverage");
  const end = time(now) ?? 0;
  const known = [
    restoreWindow.earliest,
    restoreWindow.latest,
    ...restoreWindow.ranges.map((range) => range.from),
    ...restoreWindow.backups.map((backup) => backup.finishedAt),
    ...restoreWindow.gaps.flatMap((gap) => [gap.from, gap.to]),
  ]
    .map(time)
    .filter((ms): ms is number => ms !== null && ms <= end);
  const firstKnown = known.length ? Math.min(...known) : null;
  // A little room before the first mark, so it does not sit on the edge.
  const start =
    firstKnown === null ? end - 3_600_000 : firstKnown - Math.max(60_000, (end - firstKnown) * 0.03);

  const firstBackupWal = restoreWindow.backups
    .map((backup) => backup.startWal)
    .filter((wal): wal is string => !!wal)
    .sort((a, b) => segmentKey(a).localeCompare(segmentKey(b)))[0];
  const firstWal = restoreWindow.archive?.firstWal ?? null;
  const olderWal = !!firstWal && (!firstBackupWal || segmentKey(firstWal) < segmentKey(firstBackupWal));
  const axis: Axis = { start, end, lead: olderWal ? LEAD_IN : 0 };

  const earliest = time(restoreWindow.earliest);
  const latest = time(restoreWindow.latest);
  const placedGaps = restoreWindow.gaps.filter((gap) => gap.from || gap.to);
  const summary = [
    earliest !== null && latest !== null
      ? t("restorableFromTo", { from: formatUtcSeconds(earliest), to: formatUtcSeconds(latest) })
      : t("noWindow"),
    t("physicalBackups", { count: restoreWindow.backups.length }),
    t("gaps", { count: restoreWindow.gaps.length }),
  ].join("; ");

  return (
    <figure className="space-y-1">
      <div className="flex justify-between gap-4 text-xs text-zinc-500">
        <span>
          {firstWal ? (
            <>
              {t("oldestWal")} <code className="text-zinc-700">{firstWal}</code>
            </>
          ) : (
            t("noWal")
          )}
        </span>
        <span>{t("now", { time: formatUtcSeconds(end) })}</span>
      </div>
      <div
        role="img"
        aria-label={t("ariaLabel", { summary })}
        className="relative h-6 overflow-hidden rounded bg-zinc-100 ring-1 ring-zinc-200 ring-inset"
      >
        {olderWal ? (
          <div
            title={t("olderWal")}
            className="absolute inset-y-0 left-0 bg-[repeating-linear-gradient(135deg,var(--color-zinc-200)_0_4px,transparent_4px_8px)]"
            style={{ width: `${LEAD_IN}%` }}
          />
        ) : null}
        {restoreWindow.ranges.map((range) => {
          const from = time(range.from);
          if (from === null) return null;
          const to = time(range.to);
          return (
            <div
              key={`${range.fromBackupId}-${range.timeline}`}
              title={`Restorable on timeline ${range.timeline} from ${formatUtcSeconds(from)} to ${
                to === null ? "an unknown time (no commit could be read)" : formatUtcSeconds(to)
              }`}
              className={cx("absolute inset-y-1 bg-emerald-500", to === null && "opacity-40")}
              style={span(axis, from, to ?? end)}
            />
          );
        })}
        {placedGaps.map((gap) => {
          const from = time(gap.from) ?? time(gap.to)!;
          const to = time(gap.to) ?? from;
          return (
            <div
              key={`${gap.timeline}-${gap.fromWal}`}
              title={`Missing WAL ${gap.fromWal} … ${gap.toWal} (${gap.segments} segments, timeline ${gap.timeline})`}
              className="absolute inset-y-0 bg-red-500"
              style={span(axis, from, to)}
            />
          );
        })}
        {restoreWindow.backups.map((backup) => {
          const at = time(backup.finishedAt);
          if (at === null) return null;
          return (
            <div
              key={backup.id}
              title={`Backup ${backupName(backup)} finished ${formatUtcSeconds(at)}${
                backup.restorableFrom ? "" : " — not restorable"
              }`}
              className={cx(
                "absolute inset-y-0 w-0.5 -translate-x-1/2",
                backup.restorableFrom ? "bg-zinc-900" : "bg-amber-500",
              )}
              style={{ left: `${position(axis, at)}%` }}
            />
          );
        })}
        {[earliest, latest].map((ms, index) =>
          ms === null ? null : (
            <div
              key={index}
              className="absolute inset-y-0 w-px border-l border-dashed border-emerald-900"
              style={{ left: `${position(axis, ms)}%` }}
            />
          ),
        )}
      </div>
      {earliest !== null ? (
        <EndLabel at={position(axis, earliest)}>
          <span className="text-zinc-500">{t("earliest")}</span>{" "}
          <span className="font-medium tabular-nums">{formatUtcSeconds(earliest)}</span>
        </EndLabel>
      ) : null}
      {latest !== null ? (
        <EndLabel at={position(axis, latest)}>
          <span className="text-zinc-500">{t("latest")}</span>{" "}
          <span className="font-medium tabular-nums">{formatUtcSeconds(latest)}</span>
        </EndLabel>
      ) : null}
      <figcaption className="flex flex-wrap gap-x-4 gap-y-1 pt-1 text-xs text-zinc-500">
        <span className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-2.5 w-4 rounded-sm bg-emerald-500" />
          {t("legendRestorable")}
        </span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-2.5 w-4 rounded-sm bg-red-500" />
          {t("legendMissing")}
        </span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-3 w-0.5 bg-zinc-900" />
          {t("legendBackup")}
        </span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-3 w-0.5 bg-amber-500" />
          {t("legendNotRestorable")}
        </span>
      </figcaption>
    </figure>
  );
}

/** The cluster's archive coverage, fed by GET /api/v1/clusters/:id/restore-window. */
export function ArchiveCoverage({ clusterId }: { clusterId: string }) {
  const t = useTranslations("backups.coverage");
  const query = useRestoreWindow(clusterId);
  const restoreWindow: StoredRestoreWindow | undefined = query.data;

  if (!restoreWindow) {
    return query.isError ? (
      <Alert tone="warning" title={t("notAvailable")}>
        {errorMessage(query.error)}
      </Alert>
    ) : (
      <div aria-busy="true" className="h-20 animate-pulse rounded bg-zinc-50" />
    );
  }

  // The window is as of the worker's last scan; the bar still ends at now (when it was fetched).
  const now = new Date(Math.max(query.dataUpdatedAt, Date.parse(restoreWindow.computedAt))).toISOString();
  return (
    <div className="space-y-3">
      {query.isError ? (
        <Alert tone="warning" title={t("refreshFailed")}>
          {errorMessage(query.error)}
        </Alert>
      ) : null}
      <CoverageBar restoreWindow={restoreWindow} now={now} />
      <p className="text-xs text-zinc-500">
        {restoreWindow.archive ? (
          <>
            {t("segmentsArchived", { count: restoreWindow.archive.segments })}{" "}
            <code className="break-all">{restoreWindow.archive.path}</code> ·{" "}
          </>
        ) : null}
        {t("scanned", { time: formatUtcSeconds(restoreWindow.computedAt) })}
      </p>
      {restoreWindow.gaps.length > 0 ? (
        <ul aria-label={t("missingList")} className="space-y-0.5 text-xs text-red-700">
          {restoreWindow.gaps.map((gap) => (
            <li key={`${gap.timeline}-${gap.fromWal}`}>
              Missing <code>{gap.fromWal === gap.toWal ? gap.fromWal : `${gap.fromWal} … ${gap.toWal}`}</code>{" "}
              ({gap.segments} {gap.segments === 1 ? "segment" : "segments"}, timeline {gap.timeline})
              {gap.from || gap.to
                ? ` between ${gap.from ? formatUtcSeconds(gap.from) : "?"} and ${gap.to ? formatUtcSeconds(gap.to) : "?"}`
                : ""}
            </li>
          ))}
        </ul>
      ) : null}
      {restoreWindow.problems.length > 0 ? (
        <Alert tone="warning" title={t("problems")}>
          <ul className="list-disc space-y-0.5 pl-4">
            {restoreWindow.problems.map((problem, index) => (
              <li key={index}>{problem}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
    </div>
  );
}
