import type { MonthRange } from "./report-inputs";

// UTC calendar months, the report's unit.

export function monthRange(month: string): MonthRange {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return {
    month,
    start: new Date(Date.UTC(year, monthNumber - 1, 1)),
    end: new Date(Date.UTC(year, monthNumber, 1)),
  };
}

export function previousMonth(month: string): string {
  const { start } = monthRange(month);
  const prev = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 1, 1));
  return `${prev.getUTCFullYear()}-${String(prev.getUTCMonth() + 1).padStart(2, "0")}`;
}

export function monthOf(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The end of what the report can see: the month's end, or now for the current month. */
export function observedEnd(range: MonthRange, now: Date): Date {
  return now < range.end ? now : range.end;
}
