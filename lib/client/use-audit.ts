"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import { livePolling } from "@/lib/client/live-query";
import { queryKeys } from "@/lib/client/query-keys";
import type { AuditEventSummary } from "@/lib/schemas/user";

/** The newest audit events, seeded by the server render and refreshed in the background. */
export function useAuditEvents(limit: number, initialData: AuditEventSummary[]) {
  return useQuery({
    queryKey: queryKeys.audit.list(limit),
    queryFn: ({ signal }) => apiFetch<AuditEventSummary[]>(`/api/v1/audit?limit=${limit}`, { signal }),
    initialData,
    initialDataUpdatedAt: Date.now,
    ...livePolling(30_000),
  });
}
