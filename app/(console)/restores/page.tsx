import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { listClusters } from "@/lib/clusters/queries";
import { listRestores } from "@/lib/restore/queries";
import { RestoresList } from "./_components/restores-list";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Restores" };

const LIST_LIMIT = 100;

export default async function RestoresPage() {
  const user = await requireUser();
  const [clusters, restores] = await Promise.all([
    listClusters(),
    listRestores({ limit: LIST_LIMIT }, user.role),
  ]);
  const canRestore = hasRole(user.role, "operator");

  return (
    <>
      <PageHeader
        title="Restores"
        description="Point-in-time restores into a new instance, logical restores into a new database, tables copied back, and the drills that prove it works. A restore never touches a running server's data directory."
        actions={
          canRestore ? (
            <>
              <ButtonLink href="/restores/logical">Restore a logical backup</ButtonLink>
              <ButtonLink href="/restores/new" variant="primary">
                Point-in-time restore
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
