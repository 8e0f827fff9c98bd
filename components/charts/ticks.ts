// Axis ticks for time-series charts: pure, so they can be tested without drawing anything.

export type LagUnit = "bytes" | "seconds";

const SECOND = 1000;
export const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const TICK_STEPS = [
  10 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];

/** Round UTC times across the whole window (recharts would only tick where there is data). */
export function timeTicks(start: number, end: number, most = 7): number[] {
  const span = end - start;
  const step = TICK_STEPS.find((candidate) => span / candidate <= most) ?? Math.ceil(span / most / DAY) * DAY;
  const ticks: number[] = [];
  for (let tick = Math.ceil(start / step) * step; tick <= end; tick += step) ticks.push(tick);
  return ticks;
}

const SECONDS_STEPS = [
  0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
];

/**
 * Y ticks from 0 past `max` in steps that read well: powers of two for bytes (256 B, 512 B,
 * 768 B, 1 KiB), clock-like steps for seconds. At least 1 KiB or 1 s, so a flat zero line is
 * not drawn on a 0–4 B axis.
 */
export function valueTicks(max: number, unit: LagUnit, most = 5): number[] {
  const top = Math.max(max, unit === "bytes" ? 1024 : 1);
  const step =
    unit === "bytes"
      ? 2 ** Math.ceil(Math.log2(top / most))
      : (SECONDS_STEPS.find((candidate) => top / candidate <= most) ?? Math.ceil(top / most / 86400) * 86400);
  const ticks: number[] = [];
  for (let tick = 0; tick < top + step; tick += step) ticks.push(tick);
  return ticks;
}
