"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import { livePolling } from "@/lib/client/live-query";
import { queryKeys } from "@/lib/client/query-keys";
import type { LagSeries, ReplicationEvent, ReplicationSnapshot } from "@/lib/schemas/replication";

/** What GET /api/v1/clusters/:id/replication answers: the newest sample, and whether it is old. */
export type LiveReplicationSnapshot = ReplicationSnapshot & { stale: boolean };

export const lagRanges = ["5m", "1h", "24h", "7d", "30d"] as const;
export type LagRange = (typeof lagRanges)[number];

export const lagRangeSeconds: Record<LagRange, number> = {
  "5m": 5 * 60,
  "1h": 60 * 60,
  "24h": 24 * 60 * 60,
  "7d": 7 * 24 * 60 * 60,
  "30d": 30 * 24 * 60 * 60,
};

// A short window moves visibly every sample; a month-long one does not move in a minute.
const lagRefetchMs: Record<LagRange, number> = {
  "5m": 2_000,
  "1h": 10_000,
  "24h": 60_000,
  "7d": 60_000,
  "30d": 60_000,
};

function clusterPath(clusterId: string, rest: string): string {
  return `/api/v1/clusters/${encodeURIComponent(clusterId)}/${rest}`;
}

/** The window ending now, as ISO times with an offset (what the API expects). */
function windowEndingNow(range: LagRange): { from: string; to: string } {
  const to = new Date();
  return { from: new Date(to.getTime() - lagRangeSeconds[range] * 1000).toISOString(), to: to.toISOString() };
}

/**
 * The cluster's replication state, polled every second so a change on a server reaches the
 * browser within two. Polling is the retry: a 503 (no sample yet) is asked again next second.
 */
export function useReplicationSnapshot(clusterId: string, initialData: LiveReplicationSnapshot | null) {
  return useQuery({
    queryKey: queryKeys.replication.snapshot(clusterId),
    queryFn: ({ signal }) =>
      apiFetch<LiveReplicationSnapshot>(clusterPath(clusterId, "replication"), { signal }),
    initialData: initialData ?? undefined,
    initialDataUpdatedAt: initialData ? Date.now : undefined,
    ...livePolling(1_000),
    staleTime: 0,
    retry: false,
  });
}

/** One standby's lag over a window ending now, downsampled by the server to at most `points`. */
export function useLagSeries(clusterId: string, standby: string | null, range: LagRange, points = 300) {
  return useQuery({
    queryKey: queryKeys.replication.lag(clusterId, standby, range, points),
    queryFn: ({ signal }) => {
      const { from, to } = windowEndingNow(range);
      const query = new URLSearchParams({ from, to, points: String(points) });
      if (standby) query.set("standby", standby);
      return apiFetch<LagSeries>(clusterPath(clusterId, `lag?${query}`), { signal });
    },
    enabled: standby !== null,
    ...livePolling(lagRefetchMs[range]),
    staleTime: 0,
    // While another range loads, keep showing the same standby's chart rather than a blank box.
    placeholderData: (previous) => (previous && previous.standby === standby ? previous : undefined),
  });
}

/** Replication events (state, role and timeline changes) in a window ending now, newest first. */
export function useReplicationEvents(clusterId: string, range: LagRange = "24h") {
  return useQuery({
    queryKey: queryKeys.replication.events(clusterId, range),
    queryFn: ({ signal }) => {
      const { from, to } = windowEndingNow(range);
      return apiFetch<ReplicationEvent[]>(
        clusterPath(clusterId, `events?${new URLSearchParams({ from, to })}`),
        {
          signal,
        },
      );
    },
    ...livePolling(5_000),
    staleTime: 0,
  });
}
