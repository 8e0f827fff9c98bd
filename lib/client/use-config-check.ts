"use client";

import { useMutation } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import type { ConfigCheckRequest, NodeConfigReport, NodeConfigResult } from "@/lib/schemas/config-check";

/** The configuration check of every registered node, run on demand (it dials the servers). */
export function useClusterConfigCheck(clusterId: string) {
  return useMutation({
    mutationFn: () => apiFetch<{ nodes: NodeConfigResult[] }>(`/api/v1/clusters/${clusterId}/config-check`),
  });
}

/** The register form's check of typed settings; nothing is stored. */
export function useConfigCheckSettings() {
  return useMutation({
    mutationFn: (input: ConfigCheckRequest) =>
      apiFetch<NodeConfigReport>("/api/v1/clusters/config-check", { method: "POST", body: input }),
  });
}
