import type { Metadata } from "next";
import { LiveClustersTable } from "@/components/clusters/live-clusters-table";
import { ButtonLink } from "@/components/ui/button";
import { Card, EmptyState } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { listClusters } from "@/lib/clusters/queries";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Clusters" };

export default async function ClustersPage() {
  const [user, clusters] = await Promise.all([requireUser(), listClusters()]);
  const isAdmin = hasRole(user.role, "admin");

  return (
    <>
      <PageHeader
        title="Clusters"
        description="Each cluster is a primary and its standbys, reached with the connection settings registered here."
        actions={
          isAdmin ? (
            <ButtonLink href="/clusters/new" variant="primary">
              Register cluster
            </ButtonLink>
          ) : null
        }
      />
      <Card>
        {clusters.length === 0 ? (
          <EmptyState title="No clusters registered yet">
            {isAdmin ? "Register one to start." : "An admin can register one."}
          </EmptyState>
        ) : (
          <LiveClustersTable initialClusters={clusters} showArchive />
        )}
      </Card>
    </>
  );
}
