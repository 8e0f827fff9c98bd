import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { LiveClustersTable } from "@/components/clusters/live-clusters-table";
import { ButtonLink } from "@/components/ui/button";
import { Card, EmptyState } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { listClusters } from "@/lib/clusters/queries";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("clusters.list");
  return { title: t("title") };
}

export default async function ClustersPage() {
  const [user, clusters] = await Promise.all([requireUser(), listClusters()]);
  const isAdmin = hasRole(user.role, "admin");
  const t = await getTranslations("clusters.list");

  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          isAdmin ? (
            <ButtonLink href="/clusters/new" variant="primary">
              {t("register")}
            </ButtonLink>
          ) : null
        }
      />
      <Card>
        {clusters.length === 0 ? (
          <EmptyState title={t("empty")}>{isAdmin ? t("emptyAdmin") : t("emptyOther")}</EmptyState>
        ) : (
          <LiveClustersTable initialClusters={clusters} showArchive />
        )}
      </Card>
    </>
  );
}
