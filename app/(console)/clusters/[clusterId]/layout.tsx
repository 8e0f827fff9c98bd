import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { ClusterTabs } from "./_components/cluster-tabs";
import { findCluster } from "./cluster-data";
import { LiveClusterStatus } from "./_components/live-cluster-status";

export const dynamic = "force-dynamic";

/**
 * The cluster's header and its tabs (Replication, Backups, Restores & drills, Alerts, Settings),
 * each tab a route below /clusters/:id. Without such a cluster the page's "No such cluster"
 * (not-found.tsx) shows alone.
 */
export default async function ClusterLayout({
  params,
  children,
}: {
  params: Promise<{ clusterId: string }>;
  children: ReactNode;
}) {
  const { clusterId } = await params;
  const [cluster, t] = await Promise.all([findCluster(clusterId), getTranslations("cluster.header")]);
  if (!cluster) return children;
  const nodes = 1 + cluster.standbys.length;

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/clusters" className="hover:underline">
            {t("breadcrumb")}
          </Link>
        }
        title={
          <span className="flex items-center gap-2">
            {cluster.name} <LiveClusterStatus cluster={cluster} />
          </span>
        }
        description={
          <>
            {t("nodes", { count: nodes })} · {t("registered")} <Time value={cluster.createdAt} />
          </>
        }
      />
      <ClusterTabs clusterId={cluster.id} />
      {children}
    </>
  );
}
