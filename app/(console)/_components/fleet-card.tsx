import { LiveClustersTable } from "@/components/clusters/live-clusters-table";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { listClusters } from "@/lib/clusters/queries";

export async function FleetCard() {
  const [user, clusters] = await Promise.all([requireUser(), listClusters()]);
  const isAdmin = hasRole(user.role, "admin");

  return (
    <Card aria-labelledby="fleet-title">
      <CardHeader
        id="fleet-title"
        title="Clusters"
        description={`${clusters.length} registered · status and worst replay lag refresh every 2 s`}
        actions={
          clusters.length > 0 ? (
            <ButtonLink href="/clusters" size="sm">
              All clusters
            </ButtonLink>
          ) : null
        }
      />
      {clusters.length === 0 ? (
        <EmptyState title="No clusters registered yet">
          {isAdmin ? (
            <ButtonLink href="/clusters/new" variant="primary" size="sm" className="mt-3">
              Register cluster
            </ButtonLink>
          ) : (
            <p>An admin can register one.</p>
          )}
        </EmptyState>
      ) : (
        <LiveClustersTable initialClusters={clusters} />
      )}
    </Card>
  );
}

export function FleetCardSkeleton() {
  return (
    <Card aria-busy="true">
      <CardHeader title="Clusters" description="Loading…" />
      <div className="animate-pulse space-y-2 p-4">
        <div className="h-4 rounded bg-zinc-100" />
        <div className="h-4 rounded bg-zinc-100" />
      </div>
    </Card>
  );
}
