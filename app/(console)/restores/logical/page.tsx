import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { z } from "zod";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/page";
import { listBackups } from "@/lib/backup/queries";
import { listClusters } from "@/lib/clusters/queries";
import { listRestores } from "@/lib/restore/queries";
import { LogicalRestoreForm } from "./_components/logical-restore-form";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("restores.logical");
  return { title: t("title") };
}

// ?clusterId=&backupId=&into= preselect (from a backup's page or a restored instance's).
const prefillSchema = z.object({
  clusterId: z.uuid().optional().catch(undefined),
  backupId: z.uuid().optional().catch(undefined),
  into: z.uuid().optional().catch(undefined),
});

export default async function LogicalRestorePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageRole("operator", "/restores/logical");
  const prefill = prefillSchema.parse(await searchParams);
  const [clusters, backups, instances] = await Promise.all([
    listClusters(),
    listBackups({ kind: "logical", status: "succeeded", limit: 500 }),
    listRestores({ kind: "pitr", status: "succeeded", limit: 100 }, actor.role),
  ]);
  const t = await getTranslations("restores");
  const chosenBackup = backups.find((backup) => backup.id === prefill.backupId);
  const clusterId =
    chosenBackup?.clusterId ??
    clusters.find((cluster) => cluster.id === prefill.clusterId)?.id ??
    clusters[0]?.id ??
    "";

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/restores" className="hover:underline">
            {t("list.title")}
          </Link>
        }
        title={t("logical.title")}
        description={t("logical.description")}
      />
      {clusters.length === 0 ? (
        <p className="text-sm text-zinc-600">
          {t.rich("logical.noCluster", {
            link: (chunks) => (
              <Link href="/clusters/new" className="text-emerald-800 hover:underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      ) : (
        <LogicalRestoreForm
          clusters={clusters.map((cluster) => ({
            id: cluster.id,
            name: cluster.name,
            primary: `${cluster.primary.host}:${cluster.primary.port}`,
          }))}
          initialClusterId={clusterId}
          initialBackupId={chosenBackup?.id}
          initialIntoRestoreId={prefill.into}
          initialBackups={backups.filter((backup) => backup.clusterId === clusterId)}
          initialPitrRestores={instances}
        />
      )}
    </>
  );
}
