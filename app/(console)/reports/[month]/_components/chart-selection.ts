// What a report chart draws when the fleet is large: one bar per cluster reads for a handful of
// clusters, but 100 bars make unreadable, overlapping labels. So a chart draws at most
// WORST_SHOWN rows, the worst first by the chart's own measure, and the fleet's distribution
// (how many clusters fall in each band) beside them; the table below the charts keeps every
// cluster with its full name.

/** The most rows a bar chart draws; beyond that it draws the worst ones and the distribution. */
export const WORST_SHOWN = 10;
/** Axis labels longer than this are cut with an ellipsis; the full name is in the tooltip. */
export const LABEL_MAX_CHARS = 14;

/** "a-very-long-cluster-name" → "a-very-long-c…" (at most `max` characters, ellipsis included). */
export function truncateLabel(label: string, max = LABEL_MAX_CHARS): string {
  const chars = [...label];
  return chars.length <= max ? label : `${chars.slice(0, Math.max(1, max - 1)).join("")}…`;
}

export interface Selection<T> {
  /** The rows drawn: the worst first, at most `limit`. */
  shown: T[];
  /** Rows left out of the bars (still counted in the distribution and listed in the table). */
  hidden: number;
  total: number;
}

/**
 * The `limit` worst rows by `badness` (higher is worse; null, no figure, counts as least bad),
 * ties broken by label so the choice is stable. With `limit` rows or fewer, all of them in their
 * original order.
 */
export function worstRows<T extends { label: string }>(
  rows: readonly T[],
  badness: (row: T) => number | null,
  limit = WORST_SHOWN,
): Selection<T> {
  if (rows.length <= limit) return { shown: [...rows], hidden: 0, total: rows.length };
  const ranked = [...rows].sort((a, b) => {
    const x = badness(a);
    const y = badness(b);
    if (x === null && y === null) return a.label.localeCompare(b.label);
    if (x === null) return 1;
    if (y === null) return -1;
    return y - x || a.label.localeCompare(b.label);
  });
  return { shown: ranked.slice(0, limit), hidden: rows.length - limit, total: rows.length };
}

export interface Band {
  /** "≤ 50%", "50–100%", … as the caller words it. */
  key: string;
  /** How many rows fall in the band. */
  count: number;
}

/**
 * How many values fall in each band of `edges` (ascending upper bounds; a value falls in the
 * first band whose edge it does not exceed, above the last edge in the last band), plus a band
 * for rows without a figure when there are any.
 */
export function distribution(
  values: readonly (number | null)[],
  edges: readonly number[],
): { counts: number[]; missing: number } {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let missing = 0;
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) {
      missing += 1;
      continue;
    }
    const index = edges.findIndex((edge) => value <= edge);
    counts[index === -1 ? edges.length : index]! += 1;
  }
  return { counts, missing };
}

/** Ratio bands of a figure against its target: met (≤ 100%), up to 2×, up to 5×, beyond. */
export const TARGET_RATIO_EDGES = [0.5, 1, 2, 5] as const;

/** A figure as a fraction of its target, null without a figure or a target. */
export function ratioToTarget(value: number | null, target: number | null): number | null {
  if (value === null || target === null || target <= 0) return null;
  return value / target;
}

/** Past this many clusters a fleet report gives a section (a printed page) only to the ones that need attention most. */
export const DETAIL_SHOWN = 12;

/**
 * The clusters a report gives a section of their own: all of a small fleet, in its order; of a
 * larger one the `limit` that missed their RPO (then their RTO) first, so the PDF stays a few pages.
 */
export function clustersForDetail<
  T extends { name: string; rpo: { met: boolean | null }; drills: { met: boolean | null } },
>(clusters: readonly T[], limit = DETAIL_SHOWN): Selection<T> {
  const picked = worstRows(
    clusters.map((cluster) => ({ cluster, label: cluster.name })),
    ({ cluster }) => 2 * Number(cluster.rpo.met === false) + Number(cluster.drills.met === false),
    limit,
  );
  return { ...picked, shown: picked.shown.map(({ cluster }) => cluster) };
}
