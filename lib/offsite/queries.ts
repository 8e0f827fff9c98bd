import { repositoryRootFor } from "@/lib/backup/repository";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import type { ClusterRepositories } from "@/lib/schemas/offsite";
import { toOffsiteView } from "./stored-settings";

// GET /api/v1/clusters/:id/repositories: where a cluster's backups live, local and offsite,
// without any secret.

export async function getClusterRepositories(clusterId: string): Promise<ClusterRepositories> {
  const cluster = await getClusterRowOrThrow(clusterId);
  const offsite = await db().offsiteRepository.findUnique({ where: { clusterId } });
  return {
    local: {
      kind: "folder",
      path: repositoryRootFor(cluster),
      secondary: cluster.secondaryRepositoryPath
        ? { path: cluster.secondaryRepositoryPath, offsite: cluster.secondaryOffsite }
        : null,
    },
    offsite: offsite ? toOffsiteView(offsite) : null,
  };
}
