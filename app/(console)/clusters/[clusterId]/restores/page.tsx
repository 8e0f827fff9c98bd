import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { loadCluster } from "../cluster-data";
import { DrillsCard } from "../_components/drills-card";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("cluster.tabs");
  return { title: t("restores") };
}

/** Restoring the cluster: the drills (history, schedule, run now) and the way to a point-in-time restore. */
export default async function ClusterRestoresPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const { clusterId } = await params;
  const [user, cluster] = await Promise.all([requireUser(), loadCluster(clusterId)]);

  return (
    <div className="space-y-5">
      <DrillsCard
        clusterId={cluster.id}
        clusterName={cluster.name}
        canRun={hasRole(user.role, "operator")}
        canEditSchedule={hasRole(user.role, "admin")}
      />
    </div>
  );
}
