import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { getBackupOrThrow, type BackupDetail } from "@/lib/backup/queries";
import { getClusterOrThrow } from "@/lib/clusters/queries";
import { AppError } from "@/lib/errors";
import { BackupDetailView } from "./_components/backup-detail-view";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("backups.backupPage"))("metaTitle") };
}

async function loadBackup(id: string): Promise<BackupDetail> {
  try {
    return await getBackupOrThrow(id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
}

export default async function BackupPage({ params }: { params: Promise<{ backupId: string }> }) {
  const { backupId } = await params;
  const [actor, backup] = await Promise.all([requireUser(), loadBackup(backupId)]);
  // Backups are deleted with their cluster, so it exists.
  const cluster = await getClusterOrThrow(backup.clusterId);
  const t = await getTranslations("backups.backupPage");

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/backups" className="hover:underline">
            {t("breadcrumb")}
          </Link>
        }
        title={
          backup.label
            ? t("titleLabel", { label: backup.label })
            : t("titleId", { id: backup.id.slice(0, 8) })
        }
        description={
          <>
            {backup.kind === "physical" ? t("physicalOf") : t("logicalOf")}{" "}
            <Link href={`/clusters/${cluster.id}`} className="font-medium text-emerald-800 hover:underline">
              {cluster.name}
            </Link>{" "}
            {t("requestedBy", { name: backup.requestedBy })} <Time value={backup.createdAt} />
          </>
        }
      />
      <BackupDetailView
        initialBackup={backup}
        clusterName={cluster.name}
        canVerify={hasRole(actor.role, "operator")}
        canDelete={hasRole(actor.role, "admin")}
      />
    </>
  );
}
