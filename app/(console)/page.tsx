import type { Metadata } from "next";
import { Suspense } from "react";
import { FiringAlerts } from "@/components/alerts/firing-alerts";
import { PageHeader } from "@/components/ui/page-header";
import { FleetCard, FleetCardSkeleton } from "./_components/fleet-card";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Overview" };

export default function OverviewPage() {
  return (
    <>
      <PageHeader
        title="Overview"
        description="Are we safe? Each cluster's last backup, restorable window, replication, archiving, drills and alerts at a glance."
      />
      <div className="space-y-5">
        <FiringAlerts />
        <Suspense fallback={<FleetCardSkeleton />}>
          <FleetCard />
        </Suspense>
      </div>
    </>
  );
}
