import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { BackupNowButton } from "@/components/backups/backup-now";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/roles";
import { listBackups } from "@/lib/backup/queries";
import { listClusters } from "@/lib/clusters/queries";
import { BackupCatalog } from "./_components/backup-catalog";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("backups.page"))("metaTitle") };
}

const CATALOG_LIMIT = 200;

// The filters live in the address (?cluster=&kind=&status=) so a filtered catalog can be linked;
// anything unrecognised is ignored rather than an error page.
const filtersSchema = z.object({
  cluster: z.uuid().optional().catch(undefined),
  kind: z.enum(["physical", "logical"]).optional().catch(undefined),
  status: z.enum(["queued", "running", "succeeded", "failed", "expired"]).optional().catch(undefined),
});

export default async function BackupsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const query = filtersSchema.parse(await searchParams);
  const filters = { clusterId: query.cluster, kind: query.kind, status: query.status, limit: CATALOG_LIMIT };
  const [user, clusters, backups] = await Promise.all([requireUser(), listClusters(), listBackups(filters)]);
  const t = await getTranslations("backups.page");
  const choices = clusters.map((cluster) => ({
    id: cluster.id,
    name: cluster.name,
    database: cluster.primary.database,
  }));

  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          hasRole(user.role, "operator") ? (
            <BackupNowButton clusters={choices} defaultClusterId={filters.clusterId} />
          ) : null
        }
      />
      <BackupCatalog
        clusters={choices.map(({ id, name }) => ({ id, name }))}
        initialFilters={filters}
        initialBackups={backups}
      />
    </>
  );
}
