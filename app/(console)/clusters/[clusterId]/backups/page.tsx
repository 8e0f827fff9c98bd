import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { RepositoryImportCard } from "@/components/backups/repository-import";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { listBackups } from "@/lib/backup/queries";
import { ClusterBackups } from "../_components/cluster-backups";
import { loadCluster } from "../cluster-data";

export const dynamic = "force-dynamic";

const BACKUPS_SHOWN = 10;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("cluster.tabs");
  return { title: t("backups") };
}

/** The cluster's backups, its archive coverage, and (admin) importing a repository's backups. */
export default async function ClusterBackupsPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const { clusterId } = await params;
  const [user, cluster] = await Promise.all([requireUser(), loadCluster(clusterId)]);
  const backups = await listBackups({ clusterId: cluster.id, limit: BACKUPS_SHOWN });

  return (
    <div className="space-y-5">
      <ClusterBackups
        cluster={{ id: cluster.id, name: cluster.name, database: cluster.primary.database }}
        initialBackups={backups}
        newest={BACKUPS_SHOWN}
        canBackUp={hasRole(user.role, "operator")}
      />
      {hasRole(user.role, "admin") ? <RepositoryImportCard clusterId={cluster.id} /> : null}
    </div>
  );
}
