"use client";

import { useMutation } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import type { NodeConnectionInput } from "@/lib/schemas/cluster";
import type { DiscoveryReport } from "@/lib/schemas/cluster-discovery";

/** Asks one node which standbys stream from it (and its upstream); nothing is stored. */
export function useDiscoverCluster() {
  return useMutation({
    mutationFn: (input: NodeConnectionInput) =>
      apiFetch<DiscoveryReport>("/api/v1/clusters/discover", { method: "POST", body: input }),
  });
}
