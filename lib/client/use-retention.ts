"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  RetentionPolicy as StoredRetentionPolicy,
  RetentionPolicyInput,
  RetentionPolicyUpdate,
  RetentionPreview,
} from "@/lib/schemas/retention";
import { apiFetch } from "@/lib/client/fetcher";
import { queryKeys } from "@/lib/client/query-keys";

export type { RetentionPolicyInput, RetentionPolicyUpdate, RetentionPreview };
export type RetentionPolicy = StoredRetentionPolicy & { isDefault: boolean };

function retentionPath(clusterId: string, rest = ""): string {
  return `/api/v1/clusters/${encodeURIComponent(clusterId)}/retention${rest}`;
}

/** The cluster's retention policy (the defaults when none is set). */
export function useRetentionPolicy(clusterId: string) {
  return useQuery({
    queryKey: queryKeys.retention.policy(clusterId),
    queryFn: ({ signal }) => apiFetch<RetentionPolicy>(retentionPath(clusterId), { signal }),
    staleTime: 0,
  });
}

/** The dry run: fetched only once `enabled` (the Preview button), never polled. */
export function useRetentionPreview(clusterId: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.retention.preview(clusterId),
    queryFn: ({ signal }) => apiFetch<RetentionPreview>(retentionPath(clusterId, "/preview"), { signal }),
    enabled,
    staleTime: 0,
    refetchOnWindowFocus: false,
  });
}

/** Sets the policy (admin); a shown preview is recomputed under the new policy. */
export function useSaveRetention(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: RetentionPolicyUpdate) =>
      apiFetch<RetentionPolicy>(retentionPath(clusterId), { method: "PUT", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.retention.all(clusterId) }),
  });
}

/**
 * Expires what the preview lists and prunes the WAL it names (admin, the cluster's name typed to
 * confirm). Backups, the restore window and the preview are refetched afterwards.
 */
export function useApplyRetention(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (confirm: string) =>
      apiFetch<RetentionPreview>(retentionPath(clusterId, `/apply?confirm=${encodeURIComponent(confirm)}`), {
        method: "POST",
      }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.backups.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.restoreWindow(clusterId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.retention.all(clusterId) }),
      ]),
  });
}
