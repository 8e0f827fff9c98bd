// The few statistics the monthly report uses, over plain numbers.

/**
 * Percentile by linear interpolation between closest ranks (the "R-7" rule numpy and
 * spreadsheets use): p of [1,2,3,4] at 0.5 is 2.5. null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  const highValue = sorted[high] as number;
  return lowValue + (highValue - lowValue) * (rank - low);
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

export function max(values: readonly number[]): number | null {
  return values.length ? Math.max(...values) : null;
}

/** Relative change in percent, one decimal; null when there is nothing to compare with. */
export function changePercent(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

/** part / whole to four decimals; null for nothing to divide by. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}
