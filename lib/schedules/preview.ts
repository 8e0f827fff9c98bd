import cronParser from "cron-parser";
import cronstrue from "cronstrue";
import type { SchedulePreview } from "@/lib/schemas/schedule";

// Pure: everything here is a function of the expression, the zone and the clock passed in.

/** A firing counts as missed once it is this late without a run (pg-boss fires within a minute). */
export const MISSED_AFTER_MS = 10 * 60_000;
/**
 * pg-boss fires by the database's clock and lastRunAt is the worker's: a run up to a minute
 * "before" its firing is that firing. Schedules are at least 15 minutes apart, so this cannot
 * mistake the run of an earlier firing for it.
 */
const CLOCK_TOLERANCE_MS = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "longOffset",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function zoneParts(date: Date, timeZone: string) {
  const parts: Record<string, string> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(date)) parts[part.type] = part.value;
  // longOffset reads "GMT+02:00", or plain "GMT" at offset zero.
  const offset = (parts.timeZoneName ?? "GMT").replace(/^GMT/, "") || "+00:00";
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
    seconds: parts.second ?? "00",
    offset,
  };
}

/** ISO-8601 in the zone's local time with its offset: 2026-03-29T03:00:00+02:00. */
export function isoInZone(date: Date, timeZone: string): string {
  const parts = zoneParts(date, timeZone);
  return `${parts.date}T${parts.time}:${parts.seconds}${parts.offset}`;
}

/** What a person reads in a list: 2026-11-27 02:00, in the schedule's zone. */
export function localInZone(date: Date, timeZone: string): string {
  const parts = zoneParts(date, timeZone);
  return `${parts.date} ${parts.time}`;
}

/** cronstrue's reading of the expression with the zone it is read in: "At 02:00 (UTC)". */
export function cronText(cron: string, timeZone: string): string {
  let reading = cron;
  try {
    reading = cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false });
  } catch {
    // cronstrue reads less than cron-parser accepts; the expression itself is still true.
  }
  return `${reading} (${timeZone})`;
}

export interface DescribeOptions {
  /** Paused schedules have no next or expected firings, so they are never missed. Default true. */
  enabled?: boolean;
  /**
   * Since when the schedule has fired as it does now (its last change): a firing expected
   * before that is not missed. Default: always.
   */
  activeSince?: Date | null;
  /** The schedule's lastOutcome; "skipped: …" marks an overlap. */
  lastOutcome?: string | null;
}

/**
 * The human preview of a schedule at `now`: cronstrue's text plus the zone, the next three
 * firings, the previous expected one, and whether that one was missed (more than 10 minutes
 * ago, no run since, and the schedule already existed then).
 */
export function describeSchedule(
  cron: string,
  timeZone: string,
  now: Date,
  lastRunAt: Date | null,
  options: DescribeOptions = {},
): SchedulePreview {
  const text = cronText(cron, timeZone);
  const overlapped = options.lastOutcome?.startsWith("skipped") ?? false;
  if (options.enabled === false) {
    return { text, summary: `${text} — paused`, next: [], previousExpected: null, missed: false, overlapped };
  }

  const next: Date[] = [];
  try {
    const upcoming = cronParser.parseExpression(cron, { tz: timeZone, currentDate: now });
    for (let index = 0; index < 3; index += 1) next.push(upcoming.next().toDate());
  } catch (error) {
    // Only a catalog row edited by hand (or a zone this server's ICU dropped) gets here; a list
    // of schedules must still render.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      text,
      summary: `${text} — cannot compute its firings: ${reason}`,
      next: [],
      previousExpected: null,
      missed: false,
      overlapped,
    };
  }

  // prev() is strictly before currentDate; a firing exactly at `now` is the previous one too.
  let previous: Date | null = null;
  try {
    previous = cronParser
      .parseExpression(cron, { tz: timeZone, currentDate: new Date(now.getTime() + 1000) })
      .prev()
      .toDate();
  } catch {
    previous = null;
  }

  const missed =
    previous !== null &&
    now.getTime() - previous.getTime() > MISSED_AFTER_MS &&
    (lastRunAt === null || lastRunAt.getTime() < previous.getTime() - CLOCK_TOLERANCE_MS) &&
    (options.activeSince == null || options.activeSince.getTime() <= previous.getTime());

  const first = next[0];
  return {
    text,
    summary: first ? `${text} — next ${localInZone(first, timeZone)}` : text,
    next: next.map((date) => isoInZone(date, timeZone)),
    previousExpected: previous ? isoInZone(previous, timeZone) : null,
    missed,
    overlapped,
  };
}
