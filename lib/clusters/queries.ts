import { db } from "@/lib/db";
import { appError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { clusterStatus, toReplicationView, worstLag } from "@/lib/replication/snapshot";
import { sslModeSchema, type ClusterSummary, type NodeSummary } from "@/lib/schemas/cluster";

export const clusterWithNodes = {
  nodes: { orderBy: [{ role: "asc" }, { name: "asc" }] },
  snapshot: true,
} satisfies Prisma.ClusterInclude;
type ClusterRow = Prisma.ClusterGetPayload<{ include: typeof clusterWithNodes }>;
type NodeRow = ClusterRow["nodes"][number];

function toNodeSummary(node: NodeRow): NodeSummary {
  return {
    id: node.id,
    name: node.name,
    role: node.role,
    host: node.host,
    port: node.port,
    user: node.username,
    database: node.database,
    hasPassword: node.passwordEncrypted !== null,
    sslmode: sslModeSchema.parse(node.sslMode),
    hasSslRootCert: node.sslRootCertEncrypted !== null,
  };
}

/** The one mapper from catalog rows to what leaves the server: it has no password field to leak. */
export function toClusterSummary(cluster: ClusterRow): ClusterSummary {
  const primary = cluster.nodes.find((node) => node.role === "primary");
  if (!primary) throw new Error(`cluster ${cluster.name} has no primary node in the catalog`);
  const replication = cluster.snapshot ? toReplicationView(cluster.snapshot) : null;
  return {
    id: cluster.id,
    name: cluster.name,
    status: clusterStatus(replication),
    worstLag: worstLag(replication),
    sampledAt: replication?.sampledAt ?? null,
    sampleIntervalSeconds: cluster.sampleIntervalSeconds,
    rpoTargetSeconds: cluster.rpoTargetSeconds,
    rtoTargetSeconds: cluster.rtoTargetSeconds,
    primary: toNodeSummary(primary),
    standbys: cluster.nodes.filter((node) => node.role === "standby").map(toNodeSummary),
    archive: { mode: cluster.archiveMode, path: cluster.archivePath },
    repository: {
      path: cluster.repositoryPath,
      secondaryPath: cluster.secondaryRepositoryPath,
      secondaryOffsite: cluster.secondaryOffsite,
    },
    lastBackup: null,
    retiredAt: cluster.retiredAt?.toISOString() ?? null,
    createdAt: cluster.createdAt.toISOString(),
    updatedAt: cluster.updatedAt.toISOString(),
  };
}

export async function listClusters(): Promise<ClusterSummary[]> {
  return (await listClusterRows()).map(toClusterSummary);
}

/** The registered clusters' rows (nodes and snapshot included), by name: for server-side use only. */
export async function listClusterRows(): Promise<ClusterRow[]> {
  const clusters = await db().cluster.findMany({
    where: { retiredAt: null },
    include: clusterWithNodes,
    orderBy: { name: "asc" },
  });
  // The API cannot create a cluster without a primary; a row like that (written by hand) must
  // not take the whole list down with it.
  const complete = clusters.filter((cluster) => cluster.nodes.some((node) => node.role === "primary"));
  if (complete.length < clusters.length)
    console.error(
      `[clusters] ${clusters.length - complete.length} cluster rows have no primary node; not listed`,
    );
  return complete;
}

/** Any cluster, retired ones included: the pages of a deleted cluster's backups and restores still name it. */
export async function getClusterOrThrow(id: string): Promise<ClusterSummary> {
  return toClusterSummary(await getClusterRowOrThrow(id));
}

/** A cluster that is still registered: a deleted (retired) one is a 404 that says so. */
export async function getActiveClusterOrThrow(id: string): Promise<ClusterSummary> {
  return toClusterSummary(await getActiveClusterRowOrThrow(id));
}

/**
 * The row of a cluster that is still registered. A deleted cluster is kept (retired) for its
 * evidence; starting new work on it, or changing it, is a 404 naming when it was deleted.
 */
export async function getActiveClusterRowOrThrow(id: string): Promise<ClusterRow> {
  const cluster = await getClusterRowOrThrow(id);
  if (cluster.retiredAt)
    throw appError("not_found", "clusters.deleted", { id, at: cluster.retiredAt.toISOString() });
  return cluster;
}

/** Catalog row with nodes (encrypted passwords included), retired clusters included: for server-side use only. */
export async function getClusterRowOrThrow(id: string): Promise<ClusterRow> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const cluster = uuid.test(id)
    ? await db().cluster.findUnique({ where: { id }, include: clusterWithNodes })
    : null;
  if (!cluster) throw appError("not_found", "clusters.noCluster", { id });
  return cluster;
}

export type { ClusterRow, NodeRow };
