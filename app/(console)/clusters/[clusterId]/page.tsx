import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { FiringAlerts } from "@/components/alerts/firing-alerts";
import { RepositoryImportCard } from "@/components/backups/repository-import";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { Description, DescriptionList } from "@/components/ui/description-list";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { listBackups } from "@/lib/backup/queries";
import { getActiveClusterOrThrow } from "@/lib/clusters/queries";
import { AppError } from "@/lib/errors";
import { getReplicationSnapshot } from "@/lib/replication/queries";
import type { ClusterSummary } from "@/lib/schemas/cluster";
import { ClusterBackups } from "./_components/cluster-backups";
import { ConfigCheckCard } from "./_components/config-check-card";
import { DeleteCluster } from "./_components/delete-cluster";
import { DrillsCard } from "./_components/drills-card";
import { LiveClusterStatus } from "./_components/live-cluster-status";
import { NodesTable } from "./_components/nodes-table";
import { OffsiteRepositoryCard } from "./_components/offsite-repository-card";
import { ReplicationView } from "./_components/replication-view";
import { RetentionCard } from "./_components/retention-card";
import { SchedulesCard } from "./_components/schedules-card";
import { TestStoredConnection } from "./_components/test-stored-connection";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Cluster" };

const BACKUPS_SHOWN = 10;

async function loadCluster(id: string): Promise<ClusterSummary> {
  try {
    return await getActiveClusterOrThrow(id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
}

export default async function ClusterPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const { clusterId } = await params;
  const [user, cluster] = await Promise.all([requireUser(), loadCluster(clusterId)]);
  const [snapshot, backups] = await Promise.all([
    getReplicationSnapshot(cluster.id),
    listBackups({ clusterId: cluster.id, limit: BACKUPS_SHOWN }),
  ]);
  const nodes = [cluster.primary, ...cluster.standbys];

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/clusters" className="hover:underline">
            Clusters
          </Link>
        }
        title={
          <span className="flex items-center gap-2">
            {cluster.name} <LiveClusterStatus cluster={cluster} />
          </span>
        }
        description={
          <>
            {nodes.length} {nodes.length === 1 ? "node" : "nodes"} · registered{" "}
            <Time value={cluster.createdAt} />
          </>
        }
      />
      <div className="space-y-5">
        <FiringAlerts clusterId={cluster.id} />

        <ReplicationView clusterId={cluster.id} initialSnapshot={snapshot} />

        <Card aria-labelledby="nodes-title">
          <CardHeader
            id="nodes-title"
            title="Nodes"
            description="Connection settings as registered. Passwords are stored encrypted and never shown."
          />
          <NodesTable nodes={nodes} />
        </Card>

        {hasRole(user.role, "operator") ? <TestStoredConnection clusterId={cluster.id} /> : null}
        {hasRole(user.role, "operator") ? <ConfigCheckCard clusterId={cluster.id} /> : null}

        <ClusterBackups
          cluster={{ id: cluster.id, name: cluster.name, database: cluster.primary.database }}
          initialBackups={backups}
          newest={BACKUPS_SHOWN}
          canBackUp={hasRole(user.role, "operator")}
        />

        <SchedulesCard clusterId={cluster.id} canEdit={hasRole(user.role, "admin")} />

        <RetentionCard
          clusterId={cluster.id}
          clusterName={cluster.name}
          canEdit={hasRole(user.role, "admin")}
        />

        <OffsiteRepositoryCard clusterId={cluster.id} canEdit={hasRole(user.role, "admin")} />
        {hasRole(user.role, "admin") ? <RepositoryImportCard clusterId={cluster.id} /> : null}

        <Card aria-labelledby="archive-title">
          <CardHeader id="archive-title" title="WAL archive" />
          <CardBody>
            <DescriptionList termWidth="8rem">
              <Description term="Mode">
                <code>{cluster.archive.mode}</code>
                <span className="ml-2 text-zinc-500">
                  {cluster.archive.mode === "stream"
                    ? "Walden receives WAL with pg_receivewal and a replication slot"
                    : "the server's archive_command copies WAL into the path below"}
                </span>
              </Description>
              <Description term="Path">
                {cluster.archive.path ? (
                  <code className="break-all">{cluster.archive.path}</code>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </Description>
            </DescriptionList>
          </CardBody>
        </Card>

        <DrillsCard
          clusterId={cluster.id}
          clusterName={cluster.name}
          canRun={hasRole(user.role, "operator")}
          canEditSchedule={hasRole(user.role, "admin")}
        />

        {hasRole(user.role, "admin") ? (
          <DeleteCluster
            clusterId={cluster.id}
            clusterName={cluster.name}
            streaming={cluster.archive.mode === "stream"}
          />
        ) : null}
      </div>
    </>
  );
}
