"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import { livePolling } from "@/lib/client/live-query";
import { queryKeys } from "@/lib/client/query-keys";
import type { BackupFrom, ScheduleKind, ScheduleSummary, VerifyScheduleView } from "@/lib/schemas/schedule";

export type { ScheduleKind, ScheduleSummary, VerifyScheduleView };

/** What the schedule form sends; options left out are kept (an edit) or filled with defaults (a new one). */
export interface ScheduleUpdate {
  cron: string;
  timezone: string;
  enabled: boolean;
  name?: string | null;
  /** Physical schedules: which node the backups read from (absent: the primary). */
  backupFrom?: BackupFrom;
  options?: Record<string, unknown>;
}

function schedulesPath(clusterId: string, rest = ""): string {
  return `/api/v1/clusters/${encodeURIComponent(clusterId)}/schedules${rest}`;
}

/** The cluster's backup schedules with their previews; refetched every 30 s so "missed" stays current. */
export function useSchedules(clusterId: string) {
  return useQuery({
    queryKey: queryKeys.schedules(clusterId),
    queryFn: ({ signal }) => apiFetch<ScheduleSummary[]>(schedulesPath(clusterId), { signal }),
    ...livePolling(30_000),
    staleTime: 0,
  });
}

/**
 * Saves a schedule (admin): a new one of `kind` (POST) when scheduleId is null, else changes that
 * one (PATCH by id); 422 details name the field.
 */
export function useSaveSchedule(clusterId: string, kind: ScheduleKind, scheduleId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ScheduleUpdate) =>
      scheduleId
        ? apiFetch<ScheduleSummary>(schedulesPath(clusterId, `/by-id/${encodeURIComponent(scheduleId)}`), {
            method: "PATCH",
            body: input,
          })
        : apiFetch<ScheduleSummary>(schedulesPath(clusterId), { method: "POST", body: { kind, ...input } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.schedules(clusterId) }),
  });
}

/** Removes one schedule by its id (admin). */
export function useDeleteSchedule(clusterId: string, scheduleId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiFetch<void>(schedulesPath(clusterId, `/by-id/${encodeURIComponent(scheduleId)}`), {
        method: "DELETE",
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.schedules(clusterId) }),
  });
}

const verifyKey = (clusterId: string) => [...queryKeys.schedules(clusterId), "verify"] as const;

/** The cluster's verification schedule (null: its backups are verified only when asked). */
export function useVerifySchedule(clusterId: string) {
  return useQuery({
    queryKey: verifyKey(clusterId),
    queryFn: ({ signal }) =>
      apiFetch<VerifyScheduleView | null>(schedulesPath(clusterId, "/verify"), { signal }),
    staleTime: 0,
  });
}

export function useSaveVerifySchedule(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { cron: string; timezone: string; enabled: boolean }) =>
      apiFetch<VerifyScheduleView>(schedulesPath(clusterId, "/verify"), { method: "PUT", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: verifyKey(clusterId) }),
  });
}

export function useDeleteVerifySchedule(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<void>(schedulesPath(clusterId, "/verify"), { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: verifyKey(clusterId) }),
  });
}
