import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { listClusters } from "@/lib/clusters/queries";
import { AlertsHistory } from "./_components/alerts-history";
import { ChannelsEditor } from "./_components/channels-editor";
import { RulesEditor } from "./_components/rules-editor";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage() {
  const [user, clusters] = await Promise.all([requireUser(), listClusters()]);
  const clusterNames = clusters.map((cluster) => ({ id: cluster.id, name: cluster.name }));
  const isAdmin = hasRole(user.role, "admin");

  return (
    <>
      <PageHeader
        title="Alerts"
        description="What is firing now and what fired before; admins set the rules and where notifications go."
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
