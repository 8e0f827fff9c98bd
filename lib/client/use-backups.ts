"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { BackupDetail, BackupSummary } from "@/lib/schemas/backup";
import { apiFetch } from "@/lib/client/fetcher";
import { livePolling } from "@/lib/client/live-query";
import { queryKeys, type BackupFilters } from "@/lib/client/query-keys";
import type { BackupRequest } from "@/lib/schemas/backup";
import type { StoredRestoreWindow } from "@/lib/schemas/restore-window";

export type { BackupFilters };

type BackupStatus = BackupSummary["status"];

export function isBackupActive(status: BackupStatus): boolean {
  return status === "queued" || status === "running";
}

function backupsPath(filters: BackupFilters): string {
  const query = new URLSearchParams();
  if (filters.clusterId) query.set("clusterId", filters.clusterId);
  if (filters.kind) query.set("kind", filters.kind);
  if (filters.status) query.set("status", filters.status);
  if (filters.limit) query.set("limit", String(filters.limit));
  const search = query.toString();
  return search ? `/api/v1/backups?${search}` : "/api/v1/backups";
}

/**
 * The backup catalog, newest first. Polled every 2 s while a listed backup is queued or running
 * (its progress moves), every 15 s otherwise (a backup someone else starts still shows up).
 * `initialData` is the server render's list for these same filters, when there is one.
 */
export function useBackups(filters: BackupFilters, initialData?: BackupSummary[]) {
  return useQuery({
    queryKey: queryKeys.backups.list(filters),
    queryFn: ({ signal }) => apiFetch<BackupSummary[]>(backupsPath(filters), { signal }),
    initialData,
    initialDataUpdatedAt: initialData ? Date.now : undefined,
    ...livePolling<BackupSummary[]>((data) =>
      data?.some((backup) => isBackupActive(backup.status)) ? 2_000 : 15_000,
    ),
    staleTime: 0,
  });
}

/** One backup with its log: polled every second while it is queued or running, every 15 s after. */
export function useBackup(id: string, initialData?: BackupDetail) {
  return useQuery({
    queryKey: queryKeys.backups.detail(id),
    queryFn: ({ signal }) => apiFetch<BackupDetail>(`/api/v1/backups/${encodeURIComponent(id)}`, { signal }),
    initialData,
    initialDataUpdatedAt: initialData ? Date.now : undefined,
    ...livePolling<BackupDetail>((data) => (data && isBackupActive(data.status) ? 1_000 : 15_000)),
    staleTime: 0,
  });
}

/** Queues a backup (operator+); every cached list is refetched so the new row appears at once. */
export function useRequestBackup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: BackupRequest) =>
      apiFetch<{ id: string; status: "queued" }>("/api/v1/backups", { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.backups.all }),
  });
}

/** Queues a verification of a succeeded backup (operator+); the detail refetches to show the result. */
export function useVerifyBackup(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiFetch<{ id: string; status: "queued" }>(`/api/v1/backups/${encodeURIComponent(id)}/verify`, {
        method: "POST",
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.backups.all }),
  });
}

/**
 * The cluster's restorable window and archive coverage, as the worker last computed it (every
 * minute and after each backup); 503 until it has scanned the archive once.
 */
export function useRestoreWindow(clusterId: string) {
  return useQuery({
    queryKey: queryKeys.restoreWindow(clusterId),
    queryFn: ({ signal }) =>
      apiFetch<StoredRestoreWindow>(`/api/v1/clusters/${encodeURIComponent(clusterId)}/restore-window`, {
        signal,
      }),
    ...livePolling(15_000),
    staleTime: 0,
  });
}
