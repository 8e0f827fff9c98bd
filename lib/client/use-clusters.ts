"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import { livePolling } from "@/lib/client/live-query";
import { queryKeys } from "@/lib/client/query-keys";
import type { NodeTestResult } from "@/lib/schemas/cluster";
import type {
  ClusterCreateInput,
  ClusterSummary,
  ClusterUpdateInput,
  ConnectionReport,
  NodeConnectionInput,
} from "@/lib/schemas/cluster";

/** Every registered cluster with its sampled status and worst lag, refreshed every 2 s. */
export function useClusters(initialData: ClusterSummary[]) {
  return useQuery({
    queryKey: queryKeys.clusters.list,
    queryFn: ({ signal }) => apiFetch<ClusterSummary[]>("/api/v1/clusters", { signal }),
    initialData,
    initialDataUpdatedAt: Date.now,
    ...livePolling(2_000),
    staleTime: 0,
  });
}

/** One cluster, refreshed every 2 s (its status follows the replication sampler). */
export function useCluster(id: string, initialData: ClusterSummary) {
  return useQuery({
    queryKey: queryKeys.clusters.detail(id),
    queryFn: ({ signal }) =>
      apiFetch<ClusterSummary>(`/api/v1/clusters/${encodeURIComponent(id)}`, { signal }),
    initialData,
    initialDataUpdatedAt: Date.now,
    ...livePolling(2_000),
    staleTime: 0,
  });
}

export function useRegisterCluster() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ClusterCreateInput) =>
      apiFetch<ClusterSummary>("/api/v1/clusters", { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.clusters.all }),
  });
}

export function useUpdateCluster(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ClusterUpdateInput) =>
      apiFetch<ClusterSummary>(`/api/v1/clusters/${encodeURIComponent(id)}`, {
        method: "PATCH",
        body: input,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.clusters.all }),
  });
}

export function useDeleteCluster(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (confirmName: string) =>
      apiFetch<void>(
        `/api/v1/clusters/${encodeURIComponent(id)}?confirm=${encodeURIComponent(confirmName)}`,
        {
          method: "DELETE",
        },
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.clusters.all }),
  });
}

/** Tests connection settings typed into a form (nothing is stored). */
export function useTestConnection() {
  return useMutation({
    mutationFn: (input: NodeConnectionInput) =>
      apiFetch<ConnectionReport>("/api/v1/clusters/test-connection", { method: "POST", body: input }),
  });
}

/** Tests every node of a registered cluster with its stored credentials. */
export function useTestStoredConnection(id: string) {
  return useMutation({
    mutationFn: () =>
      apiFetch<{ nodes: NodeTestResult[] }>(`/api/v1/clusters/${encodeURIComponent(id)}/test-connection`, {
        method: "POST",
      }),
  });
}
