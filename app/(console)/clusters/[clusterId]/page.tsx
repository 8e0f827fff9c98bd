import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { getReplicationSnapshot } from "@/lib/replication/queries";
import { requireUser } from "@/lib/auth/page";
import { loadCluster } from "./cluster-data";
import { ReplicationView } from "./_components/replication-view";
import { SandboxFailover } from "./_components/sandbox-failover";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("cluster.tabs");
  return { title: t("replication") };
}

/** The cluster's first tab: replication now and over time. */
export default async function ClusterReplicationPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const { clusterId } = await params;
  const [, cluster] = await Promise.all([requireUser(), loadCluster(clusterId)]);
  const snapshot = await getReplicationSnapshot(cluster.id);

  return (
    <div className="space-y-5">
      <ReplicationView clusterId={cluster.id} initialSnapshot={snapshot} />
      <SandboxFailover nodes={[cluster.primary, ...cluster.standbys].map((node) => node.name)} />
    </div>
  );
}
