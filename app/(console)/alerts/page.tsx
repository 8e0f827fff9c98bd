import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { listClusters } from "@/lib/clusters/queries";
import { AlertsHistory } from "./_components/alerts-history";
import { ChannelsEditor } from "./_components/channels-editor";
import { RulesEditor } from "./_components/rules-editor";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("alerts.page"))("metaTitle") };
}

export default async function AlertsPage() {
  const [user, clusters] = await Promise.all([requireUser(), listClusters()]);
  const clusterNames = clusters.map((cluster) => ({ id: cluster.id, name: cluster.name }));
  const isAdmin = hasRole(user.role, "admin");
  const t = await getTranslations("alerts.page");

  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
      />
      <div className="space-y-5">
        <AlertsHistory clusters={clusterNames} canAct={hasRole(user.role, "operator")} />
        {isAdmin ? (
          <>
            <ChannelsEditor />
            <RulesEditor clusters={clusterNames} />
          </>
        ) : null}
      </div>
    </>
  );
}
