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
        description="The PostgreSQL clusters Walden knows about and how their replication is doing."
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
