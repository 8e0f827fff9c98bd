"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import type {
  ClusterRepositories,
  OffsiteRepositoryInput,
  OffsiteRepositoryView,
  RepositoryTestResult,
} from "@/lib/schemas/offsite";
import { ApiError, apiFetch } from "@/lib/client/fetcher";
import { queryKeys } from "@/lib/client/query-keys";

export type { OffsiteRepositoryView, RepositoryTestResult };

/** PUT …/repositories/offsite: the secret may be left out to keep the stored one (same storage and key). */
export type OffsiteRepositoryUpdate = Omit<OffsiteRepositoryInput, "secretAccessKey"> & {
  secretAccessKey?: string;
};

export const repositoriesKey = queryKeys.clusters.repositories;

function offsitePath(clusterId: string, rest = ""): string {
  return `/api/v1/clusters/${encodeURIComponent(clusterId)}/repositories${rest}`;
}

/** Where the cluster's backups live: the local folder and the offsite repository (never its secret). */
export function useClusterRepositories(clusterId: string) {
  return useQuery({
    queryKey: repositoriesKey(clusterId),
    queryFn: ({ signal }) => apiFetch<ClusterRepositories>(offsitePath(clusterId), { signal }),
    staleTime: 0,
  });
}

/** Sets the offsite repository (admin); the restore window's offsite lag is refetched with it. */
export function useSaveOffsiteRepository(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: OffsiteRepositoryUpdate) =>
      apiFetch<ClusterRepositories>(offsitePath(clusterId, "/offsite"), { method: "PUT", body: input }),
    onSuccess: (repositories) => {
      queryClient.setQueryData(repositoriesKey(clusterId), repositories);
      return queryClient.invalidateQueries({ queryKey: queryKeys.restoreWindow(clusterId) });
    },
  });
}

const checksSchema = z.object({
  checks: z.array(
    z.object({ name: z.enum(["write", "read", "list", "delete"]), ok: z.boolean(), message: z.string() }),
  ),
});

/**
 * A failed test is a 422 whose details hold every check: read them back so the card shows each
 * result, not only the first failure.
 */
export function failedTestResult(error: unknown): RepositoryTestResult | null {
  if (!(error instanceof ApiError)) return null;
  const parsed = checksSchema.safeParse(error.details);
  return parsed.success ? { ok: false, checks: parsed.data.checks } : null;
}

/** "Test" (admin): write, read, list and delete a probe with the stored settings. */
export function useTestOffsiteRepository(clusterId: string) {
  return useMutation({
    mutationFn: () =>
      apiFetch<RepositoryTestResult>(offsitePath(clusterId, "/offsite/test"), { method: "POST", body: {} }),
  });
}
