import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { listClusters } from "@/lib/clusters/queries";
import { listRestores } from "@/lib/restore/queries";
import { RestoresList } from "./_components/restores-list";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("restores.list");
  return { title: t("title") };
}

const LIST_LIMIT = 100;

export default async function RestoresPage() {
  const user = await requireUser();
  const [clusters, restores] = await Promise.all([
    listClusters(),
    listRestores({ limit: LIST_LIMIT }, user.role),
  ]);
  const canRestore = hasRole(user.role, "operator");
  const t = await getTranslations("restores.list");

  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          canRestore ? (
            <>
              <ButtonLink href="/restores/logical">{t("logical")}</ButtonLink>
              <ButtonLink href="/restores/new" variant="primary">
                {t("pitr")}
              </ButtonLink>
            </>
          ) : null
        }
      />
      <RestoresList
        clusterNames={Object.fromEntries(clusters.map((cluster) => [cluster.id, cluster.name]))}
        limit={LIST_LIMIT}
        initialRestores={restores}
        canRestore={canRestore}
      />
    </>
  );
}
