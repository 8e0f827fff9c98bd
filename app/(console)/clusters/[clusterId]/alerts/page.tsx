import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { FiringAlerts } from "@/components/alerts/firing-alerts";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { ClusterAlertHistory } from "../_components/cluster-alert-history";
import { ClusterAlertRules } from "../_components/cluster-alert-rules";
import { loadCluster } from "../cluster-data";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("cluster.tabs");
  return { title: t("alerts") };
}

/** What fires for this cluster now, what fired before, and the rules that watch it. */
export default async function ClusterAlertsPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const { clusterId } = await params;
  const [user, cluster] = await Promise.all([requireUser(), loadCluster(clusterId)]);

  return (
    <div className="space-y-5">
      <FiringAlerts clusterId={cluster.id} />
      <ClusterAlertHistory clusterId={cluster.id} />
      <ClusterAlertRules clusterId={cluster.id} canEdit={hasRole(user.role, "admin")} />
    </div>
  );
}
