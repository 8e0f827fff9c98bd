// Grandfather-father-son tiers (pure): the newest backup of each of the last N days, ISO weeks,
// months and years, as restic's and borg's --keep-daily/weekly/monthly/yearly count them. A
// period counts only when it holds a backup (a week without one does not use up a weekly
// slot), and periods are read on the calendar of one time zone, so a backup finished at 01:00
// in Paris belongs to that Paris day.

import type { RetentionTiers } from "@/lib/schemas/retention";

export type { RetentionTiers };

export const NO_TIERS: RetentionTiers = { keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 };

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const calendars = new Map<string, Intl.DateTimeFormat>();

/** The date a wall clock in `timeZone` shows at `instant`. */
function calendarDate(instant: Date, timeZone: string): CalendarDate {
  let calendar = calendars.get(timeZone);
  if (!calendar) {
    calendar = new Intl.DateTimeFormat("en-US", {
      timeZone,
      calendar: "iso8601",
      numberingSystem: "latn",
      year: "numeric",
      month: "numeric",
      day: "numeric",
    });
    calendars.set(timeZone, calendar);
  }
  const parts: Record<string, number> = {};
  for (const part of calendar.formatToParts(instant))
    if (part.type === "year" || part.type === "month" || part.type === "day")
      parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day! };
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** ISO 8601 week: weeks start on Monday; week 1 holds the year's first Thursday. */
function isoWeek({ year, month, day }: CalendarDate): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  // The Thursday of this week decides the week's year.
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const weekYear = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return `${weekYear}-W${pad(week)}`;
}

const periods: { tier: keyof RetentionTiers; label: string; key: (date: CalendarDate) => string }[] = [
  { tier: "keepDaily", label: "daily", key: (d) => `${d.year}-${pad(d.month)}-${pad(d.day)}` },
  { tier: "keepWeekly", label: "weekly", key: isoWeek },
  { tier: "keepMonthly", label: "monthly", key: (d) => `${d.year}-${pad(d.month)}` },
  { tier: "keepYearly", label: "yearly", key: (d) => String(d.year) },
];

/**
 * The backups the tiers keep, each with the periods it stands for ("daily 2026-12-01",
 * "weekly 2026-W49"), in daily, weekly, monthly, yearly order. Backups are restorable physical
 * backups; the order they come in does not matter.
 */
export function keptByTiers(
  backups: { id: string; finishedAt: Date }[],
  tiers: RetentionTiers,
  timeZone = "UTC",
): Map<string, string[]> {
  const kept = new Map<string, string[]>();
  const newestFirst = [...backups].sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime());
  const dates = newestFirst.map((backup) => calendarDate(backup.finishedAt, timeZone));
  for (const period of periods) {
    // Newest first: the first backup seen in a period is its newest. A set rather than "the
    // previous period": where a clock falls back across midnight, a later instant can be on an
    // earlier date.
    const counted = new Set<string>();
    newestFirst.forEach((backup, index) => {
      const key = period.key(dates[index]!);
      if (counted.size >= tiers[period.tier] || counted.has(key)) return;
      counted.add(key);
      kept.set(backup.id, [...(kept.get(backup.id) ?? []), `${period.label} ${key}`]);
    });
  }
  return kept;
}
