import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import { describeTarget, restoreTitle } from "@/components/restores/describe";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { getClusterOrThrow } from "@/lib/clusters/queries";
import { AppError } from "@/lib/errors";
import { getRestoreOrThrow, type RestoreView } from "@/lib/restore/queries";
import { LiveRestoreStatus } from "./_components/live-restore-status";
import { RestoreDetailView } from "./_components/restore-detail-view";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("restores.detail");
  return { title: t("metaTitle") };
}

async function loadRestore(id: string): Promise<RestoreView> {
  const reader = await requireUser();
  try {
    return await getRestoreOrThrow(id, reader.role);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
}

export default async function RestorePage({ params }: { params: Promise<{ restoreId: string }> }) {
  const { restoreId } = await params;
  const [actor, restore] = await Promise.all([requireUser(), loadRestore(restoreId)]);
  // Restores are deleted with their cluster, so it exists.
  const cluster = await getClusterOrThrow(restore.clusterId);
  const t = await getTranslations("restores");

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/restores" className="hover:underline">
            {t("list.title")}
          </Link>
        }
        title={
          <span className="flex flex-wrap items-center gap-2">
            {restoreTitle(t, restore)} <LiveRestoreStatus initialRestore={restore} />
          </span>
        }
        description={
          <>
            {t.rich(restore.purpose === "drill" ? "detail.drillOf" : "detail.restoreOf", {
              cluster: cluster.name,
              link: (chunks) => (
                <Link
                  href={`/clusters/${cluster.id}`}
                  className="font-medium text-emerald-800 hover:underline"
                >
                  {chunks}
                </Link>
              ),
            })}{" "}
            · {describeTarget(t, restore)} · {t("detail.requestedBy", { user: restore.requestedBy })} ·{" "}
            <Time value={restore.createdAt} />
          </>
        }
      />
      <RestoreDetailView
        initialRestore={restore}
        clusterName={cluster.name}
        liveDatabase={cluster.primary.database}
        canOperate={hasRole(actor.role, "operator")}
      />
    </>
  );
}
