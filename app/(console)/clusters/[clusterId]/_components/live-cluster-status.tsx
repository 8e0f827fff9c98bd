"use client";

import { ClusterStatusBadge } from "@/components/clusters/cluster-status-badge";
import { useCluster } from "@/lib/client/use-clusters";
import type { ClusterSummary } from "@/lib/schemas/cluster";

/** The cluster's status badge, following the sampler without a reload. */
export function LiveClusterStatus({ cluster }: { cluster: ClusterSummary }) {
  const { data } = useCluster(cluster.id, cluster);
  return <ClusterStatusBadge status={data.status} />;
}
