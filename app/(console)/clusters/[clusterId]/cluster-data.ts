import { notFound } from "next/navigation";
import { cache } from "react";
import { getActiveClusterOrThrow } from "@/lib/clusters/queries";
import { AppError } from "@/lib/errors";
import type { ClusterSummary } from "@/lib/schemas/cluster";

// The cluster of /clusters/[clusterId]/**, read once per request: the layout (its header and
// tabs) and the tab's page share the same read.

const read = cache(async (id: string): Promise<ClusterSummary | null> => {
  try {
    return await getActiveClusterOrThrow(id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
});

/** The registered cluster, or null when there is none by that id (or it was deleted). */
export function findCluster(id: string): Promise<ClusterSummary | null> {
  return read(id);
}

/** The registered cluster; "No such cluster" (a 404) when there is none. */
export async function loadCluster(id: string): Promise<ClusterSummary> {
  const cluster = await read(id);
  if (!cluster) notFound();
  return cluster;
}
