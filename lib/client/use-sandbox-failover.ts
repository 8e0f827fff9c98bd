"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/fetcher";
import { hasRole, type Role } from "@/lib/schemas/roles";
import type { SandboxFailoverAnswer, SandboxFailoverRequest } from "@/lib/schemas/sandbox";

const path = "/api/v1/sandbox/failover";

/**
 * Whether the demo's failover button applies here: the caller is an admin (GET /api/v1/me, so
 * nobody else's page sends a request that would be refused and audited), and a dry run says the
 * cluster is the sandbox's.
 */
export function useSandboxFailoverAvailable(clusterId: string) {
  const me = useQuery({
    queryKey: ["me"],
    queryFn: ({ signal }) => apiFetch<{ role: Role }>("/api/v1/me", { signal }),
    staleTime: 60_000,
  });
  const isAdmin = me.data !== undefined && hasRole(me.data.role, "admin");
  return useQuery({
    queryKey: ["sandbox-failover", clusterId],
    queryFn: () =>
      apiFetch<SandboxFailoverAnswer>(path, {
        method: "POST",
        body: { clusterId, node: "standby1", dryRun: true } satisfies SandboxFailoverRequest,
      }),
    enabled: isAdmin,
    retry: false,
    staleTime: Infinity,
  });
}

/** Queues the sandbox's failover to `node`; the topology shows it happen. */
export function useSandboxFailover(clusterId: string) {
  return useMutation({
    mutationFn: (node: SandboxFailoverRequest["node"]) =>
      apiFetch<SandboxFailoverAnswer>(path, { method: "POST", body: { clusterId, node } }),
  });
}
