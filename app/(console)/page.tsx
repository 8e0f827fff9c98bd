import type { Metadata } from "next";
import { Suspense } from "react";
import { NotBuilt } from "@/components/shell/not-built";
import { PageHeader } from "@/components/ui/page-header";
import { FleetCard, FleetCardSkeleton } from "./_components/fleet-card";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Overview" };

export default function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" description="The PostgreSQL clusters Walden knows about." />
      <div className="space-y-5">
        <Suspense fallback={<FleetCardSkeleton />}>
          <FleetCard />
        </Suspense>
        <NotBuilt title="Live replication monitoring is not built yet">
          <p>
            Walden does not sample the clusters yet, so this page shows no replication lag, standby states,
            replication slots or archiver status. Nothing here is estimated: when monitoring is built, the
            figures will come from <code>pg_stat_replication</code> and the standbys themselves.
          </p>
        </NotBuilt>
      </div>
    </>
  );
}
