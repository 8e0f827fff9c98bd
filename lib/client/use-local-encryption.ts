"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import { queryKeys } from "@/lib/client/query-keys";
import type { ClusterRepositoriesWithEncryption, LocalEncryptionInput } from "@/lib/schemas/local-encryption";

/** PUT …/repositories/local (admin): the local repository's encryption at rest. */
export function useSaveLocalEncryption(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LocalEncryptionInput) =>
      apiFetch<ClusterRepositoriesWithEncryption>(
        `/api/v1/clusters/${encodeURIComponent(clusterId)}/repositories/local`,
        { method: "PUT", body: input },
      ),
    onSuccess: (repositories) => {
      queryClient.setQueryData(queryKeys.clusters.repositories(clusterId), repositories);
    },
  });
}
