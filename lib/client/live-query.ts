import type { QueryState } from "@tanstack/react-query";

// How every live view polls (issue 17): one query per resource, shared by every component of the
// page that shows it (same key: react-query fetches once for all of them); no polling while the tab
// is hidden (react-query asks again as soon as the tab is shown); and, while the server fails,
// polls further apart (double each time, up to a limit) instead of hammering a server in trouble.

/** The longest wait between polls of a failing resource (a slower base interval is kept as it is). */
export const MAX_BACKOFF_MS = 30_000;

/** A fixed interval, or one read from the newest data (false: stop, e.g. a finished restore). */
export type LiveInterval<T> = number | false | ((data: T | undefined) => number | false);

// The error count at the last success of each query: failures since then are "consecutive".
const errorsAtLastSuccess = new WeakMap<object, number>();

/** Failed fetches since the query last succeeded (0 while it succeeds). */
export function consecutiveFailures(query: { state: QueryState<unknown, unknown> }): number {
  const { status, errorUpdateCount } = query.state;
  if (status === "success") {
    errorsAtLastSuccess.set(query, errorUpdateCount);
    return 0;
  }
  // "error", or "pending" again: a query without data goes back to pending at each new attempt.
  return errorUpdateCount - (errorsAtLastSuccess.get(query) ?? 0);
}

/** The first failure is asked again at the normal pace; each one after that doubles the wait. */
export function backedOffInterval(baseMs: number, failures: number): number {
  if (failures <= 1) return baseMs;
  return Math.max(baseMs, Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (failures - 1)));
}

/**
 * The polling options of a live view: spread them into useQuery's options.
 * `refetchIntervalInBackground: false` is react-query's default, stated so no one flips it.
 */
export function livePolling<T = unknown>(interval: LiveInterval<T>) {
  return {
    refetchInterval: (query: { state: QueryState<T, unknown> }) => {
      const base = typeof interval === "function" ? interval(query.state.data) : interval;
      return base === false ? false : backedOffInterval(base, consecutiveFailures(query));
    },
    refetchIntervalInBackground: false,
  } as const;
}
