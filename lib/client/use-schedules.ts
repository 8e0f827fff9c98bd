"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import { queryKeys } from "@/lib/client/query-keys";
import type { BackupFrom, ScheduleKind, ScheduleSummary } from "@/lib/schemas/schedule";

export type { ScheduleKind, ScheduleSummary };

/** What the schedule form sends; options are left out, so the server keeps or fills in defaults. */
export interface ScheduleUpdate {
  cron: string;
  timezone: string;
  enabled: boolean;
  /** Physical schedules: which node the backups read from (absent: the primary). */
  backupFrom?: BackupFrom;
}

function schedulesPath(clusterId: string, kind?: ScheduleKind): string {
  const base = `/api/v1/clusters/${encodeURIComponent(clusterId)}/schedules`;
  return kind ? `${base}/${kind}` : base;
}

/** The cluster's backup schedules with their previews; refetched every 30 s so "missed" stays current. */
export function useSchedules(clusterId: string) {
  return useQuery({
    queryKey: queryKeys.schedules(clusterId),
    queryFn: ({ signal }) => apiFetch<ScheduleSummary[]>(schedulesPath(clusterId), { signal }),
    refetchInterval: 30_000,
    staleTime: 0,
  });
}

/** Creates or replaces the schedule of one kind (admin); 422 details name the cron or zone field. */
export function useSaveSchedule(clusterId: string, kind: ScheduleKind) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ScheduleUpdate) =>
      apiFetch<ScheduleSummary>(schedulesPath(clusterId, kind), { method: "PUT", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.schedules(clusterId) }),
  });
}

/** Removes the schedule of one kind (admin). */
export function useDeleteSchedule(clusterId: string, kind: ScheduleKind) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<void>(schedulesPath(clusterId, kind), { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.schedules(clusterId) }),
  });
}
