import { ButtonLink } from "@/components/ui/button";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { listFleetStatus } from "@/lib/clusters/fleet-status";
import { FleetOverview } from "./fleet-overview";

export async function FleetCard() {
  const [user, clusters] = await Promise.all([requireUser(), listFleetStatus()]);
  const isAdmin = hasRole(user.role, "admin");

  return (
    <Card aria-labelledby="fleet-title">
      <CardHeader
        id="fleet-title"
        title="Are we safe?"
        description="Per cluster: the last backup against the RPO target, the restorable window, replication, archiving, the last drill and firing alerts; refreshed every 5 s"
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
        <FleetOverview initialClusters={clusters} />
      )}
    </Card>
  );
}

export function FleetCardSkeleton() {
  return (
    <Card aria-busy="true">
      <CardHeader title="Are we safe?" description="Loading…" />
      <div className="animate-pulse space-y-2 p-4">
        <div className="h-4 rounded bg-zinc-100" />
        <div className="h-4 rounded bg-zinc-100" />
      </div>
    </Card>
  );
}
