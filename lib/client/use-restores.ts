"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { apiFetch } from "@/lib/client/fetcher";
import { livePolling } from "@/lib/client/live-query";
import type { DrillScheduleView, RestoreView } from "@/lib/schemas/restore-view";
import type { LogicalRestoreRequest, TableRestoreRequest } from "@/lib/schemas/restore";

// The restore pages' reads and commands against /api/v1/restores and /api/v1/clusters/:id/drills.
// Every key starts with "restores" or "drills", so one invalidation finds them all.

export type { DrillScheduleView, RestoreView };

export type RestoreStatus = RestoreView["status"];

export interface RestoreFilters {
  clusterId?: string;
  status?: RestoreStatus;
  kind?: RestoreView["kind"];
  purpose?: "restore" | "drill";
  limit?: number;
}

export interface DrillsView {
  schedule: DrillScheduleView;
  history: RestoreView[];
}

export const restoreKeys = {
  all: ["restores"] as const,
  list: (filters: RestoreFilters) => ["restores", "list", filters] as const,
  detail: (id: string) => ["restores", id] as const,
  drills: (clusterId: string) => ["drills", clusterId] as const,
};

export function isRestoreActive(status: RestoreStatus): boolean {
  return status === "queued" || status === "running";
}

function restoresPath(filters: RestoreFilters): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== "") query.set(key, String(value));
  }
  const search = query.toString();
  return search ? `/api/v1/restores?${search}` : "/api/v1/restores";
}

/** Restores and drills, newest first: every 2 s while one of them is queued or running, else every 15 s. */
export function useRestores(filters: RestoreFilters, initialData?: RestoreView[]) {
  return useQuery({
    queryKey: restoreKeys.list(filters),
    queryFn: ({ signal }) => apiFetch<RestoreView[]>(restoresPath(filters), { signal }),
    initialData,
    initialDataUpdatedAt: initialData ? Date.now : undefined,
    ...livePolling<RestoreView[]>((data) =>
      data?.some((restore) => isRestoreActive(restore.status)) ? 2_000 : 15_000,
    ),
    staleTime: 0,
  });
}

/**
 * How often one restore is re-read: every second while it runs; every 2 s while its instance
 * is being torn down (asked for, not yet gone); every 15 s otherwise (the TTL may end it).
 */
function restoreInterval(restore: RestoreView | undefined): number {
  if (!restore) return 15_000;
  if (isRestoreActive(restore.status)) return 1_000;
  const tearingDown =
    restore.instanceState !== null &&
    restore.instanceState !== "removed" &&
    restore.expiresAt !== null &&
    Date.parse(restore.expiresAt) <= Date.now();
  return tearingDown ? 2_000 : 15_000;
}

export function useRestore(id: string, initialData?: RestoreView) {
  return useQuery({
    queryKey: restoreKeys.detail(id),
    queryFn: ({ signal }) => apiFetch<RestoreView>(`/api/v1/restores/${encodeURIComponent(id)}`, { signal }),
    initialData,
    initialDataUpdatedAt: initialData ? Date.now : undefined,
    ...livePolling(restoreInterval),
    staleTime: 0,
  });
}

/** Stops a queued restore at once, or asks the worker to stop a running one (operator). */
export function useCancelRestore(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiFetch<{ id: string; status: string }>(`/api/v1/restores/${encodeURIComponent(id)}/cancel`, {
        method: "POST",
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: restoreKeys.all }),
  });
}

/** Stops and deletes a restored instance; `confirm` is its name, typed (operator). */
export function useTearDownRestore(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (confirm: string) =>
      apiFetch<{ id: string; status: string }>(`/api/v1/restores/${encodeURIComponent(id)}/teardown`, {
        method: "POST",
        body: { confirm },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: restoreKeys.all }),
  });
}

/** Queues a logical or table restore (operator); 202 {id}. */
export function useRequestRestore() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LogicalRestoreRequest | TableRestoreRequest) =>
      apiFetch<{ id: string; status: "queued" }>("/api/v1/restores", { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: restoreKeys.all }),
  });
}

/** The cluster's drill schedule and history: every 2 s while a drill runs, else every 30 s. */
export function useDrills(clusterId: string) {
  return useQuery({
    queryKey: restoreKeys.drills(clusterId),
    queryFn: ({ signal }) =>
      apiFetch<DrillsView>(`/api/v1/clusters/${encodeURIComponent(clusterId)}/drills`, { signal }),
    ...livePolling<DrillsView>((data) =>
      data?.history.some((drill) => isRestoreActive(drill.status)) ? 2_000 : 30_000,
    ),
    staleTime: 0,
  });
}

/** Starts a drill now (operator): a pitr restore to the latest point, verified, timed and torn down. */
export function useRunDrill(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiFetch<{ id: string; status: "queued" }>(`/api/v1/clusters/${encodeURIComponent(clusterId)}/drills`, {
        method: "POST",
      }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: restoreKeys.drills(clusterId) }),
        queryClient.invalidateQueries({ queryKey: restoreKeys.all }),
      ]),
  });
}

export interface DrillScheduleUpdate {
  cron: string;
  timezone: string;
  enabled: boolean;
}

/** When the cluster's drill runs (admin); 422 details name the cron or zone field. */
export function useSaveDrillSchedule(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: DrillScheduleUpdate) =>
      apiFetch<DrillScheduleView>(`/api/v1/clusters/${encodeURIComponent(clusterId)}/drills/schedule`, {
        method: "PUT",
        body: input,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: restoreKeys.drills(clusterId) }),
  });
}

function subscribeToSeconds(onTick: () => void): () => void {
  const timer = setInterval(onTick, 1_000);
  return () => clearInterval(timer);
}

/**
 * The time now, to the second, ticking while mounted; null in the server render and hydration,
 * so "running for 12 s" never differs between the two.
 */
export function useNow(): number | null {
  return useSyncExternalStore(
    subscribeToSeconds,
    () => Math.floor(Date.now() / 1_000) * 1_000,
    () => null,
  );
}
