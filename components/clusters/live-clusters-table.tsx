"use client";

import { ClustersTable } from "@/components/clusters/clusters-table";
import { useClusters } from "@/lib/client/use-clusters";
import type { ClusterSummary } from "@/lib/schemas/cluster";

/** The clusters table, seeded by the server render and refreshed every 2 s (status and lag move). */
export function LiveClustersTable({
  initialClusters,
  showArchive,
}: {
  initialClusters: ClusterSummary[];
  showArchive?: boolean;
}) {
  const { data } = useClusters(initialClusters);
  return <ClustersTable clusters={data} showArchive={showArchive} />;
}
