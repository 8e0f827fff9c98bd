import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { loadCluster } from "../cluster-data";
import { ConfigCheckCard } from "../_components/config-check-card";
import { DeleteCluster } from "../_components/delete-cluster";
import { RepositoriesSection } from "../_components/repositories-section";
import { RetentionCard } from "../_components/retention-card";
import { SchedulesCard } from "../_components/schedules-card";
import { SettingsArchiveCard } from "../_components/settings-archive-card";
import { SettingsGeneralCard } from "../_components/settings-general-card";
import { SettingsNodesCard } from "../_components/settings-nodes-card";
import { TestStoredConnection } from "../_components/test-stored-connection";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("cluster.tabs");
  return { title: t("settings") };
}

/**
 * Everything registered for the cluster: its name, sampling and targets, the nodes' connections,
 * the WAL archive and repositories, the backup schedules and retention. Everyone reads them; an
 * admin edits them (secrets are never shown, only that one is set).
 */
export default async function ClusterSettingsPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const { clusterId } = await params;
  const [user, cluster] = await Promise.all([requireUser(), loadCluster(clusterId)]);
  const isAdmin = hasRole(user.role, "admin");
  const isOperator = hasRole(user.role, "operator");

  return (
    <div className="space-y-5">
      <SettingsGeneralCard initial={cluster} canEdit={isAdmin} />
      <SettingsNodesCard initial={cluster} canEdit={isAdmin} />
      {isOperator ? <TestStoredConnection clusterId={cluster.id} /> : null}
      {isOperator ? <ConfigCheckCard clusterId={cluster.id} /> : null}
      <SettingsArchiveCard initial={cluster} canEdit={isAdmin} />
      <RepositoriesSection clusterId={cluster.id} canEdit={isAdmin} />
      <SchedulesCard clusterId={cluster.id} canEdit={isAdmin} />
      <RetentionCard clusterId={cluster.id} clusterName={cluster.name} canEdit={isAdmin} />
      {isAdmin ? (
        <DeleteCluster
          clusterId={cluster.id}
          clusterName={cluster.name}
          streaming={cluster.archive.mode === "stream"}
        />
      ) : null}
    </div>
  );
}
