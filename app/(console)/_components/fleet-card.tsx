import { useTranslations } from "next-intl";
import { getTranslations } from "next-intl/server";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardHeader, EmptyState } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { listFleetStatus } from "@/lib/clusters/fleet-status";
import { FleetOverview } from "./fleet-overview";

export async function FleetCard() {
  const [user, clusters] = await Promise.all([requireUser(), listFleetStatus()]);
  const isAdmin = hasRole(user.role, "admin");
  const t = await getTranslations("overview.card");

  return (
    <Card aria-labelledby="fleet-title">
      <CardHeader
        id="fleet-title"
        title={t("title")}
        description={t("description")}
        actions={
          clusters.length > 0 ? (
            <ButtonLink href="/clusters" size="sm">
              {t("allClusters")}
            </ButtonLink>
          ) : null
        }
      />
      {clusters.length === 0 ? (
        <EmptyState title={t("empty")}>
          {isAdmin ? (
            <ButtonLink href="/clusters/new" variant="primary" size="sm" className="mt-3">
              {t("register")}
            </ButtonLink>
          ) : (
            <p>{t("askAdmin")}</p>
          )}
        </EmptyState>
      ) : (
        <FleetOverview initialClusters={clusters} />
      )}
    </Card>
  );
}

export function FleetCardSkeleton() {
  const t = useTranslations("overview.card");
  return (
    <Card aria-busy="true">
      <CardHeader title={t("title")} description={t("loading")} />
      <div className="animate-pulse space-y-2 p-4">
        <div className="h-4 rounded bg-zinc-100" />
        <div className="h-4 rounded bg-zinc-100" />
      </div>
    </Card>
  );
}
