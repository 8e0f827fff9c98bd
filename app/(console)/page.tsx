import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Suspense } from "react";
import { FiringAlerts } from "@/components/alerts/firing-alerts";
import { PageHeader } from "@/components/ui/page-header";
import { FleetCard, FleetCardSkeleton } from "./_components/fleet-card";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("overview"))("title") };
}

export default async function OverviewPage() {
  const t = await getTranslations("overview");
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="space-y-5">
        <FiringAlerts />
        <Suspense fallback={<FleetCardSkeleton />}>
          <FleetCard />
        </Suspense>
      </div>
    </>
  );
}
