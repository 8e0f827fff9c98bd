import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { z } from "zod";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/page";
import { listClusters } from "@/lib/clusters/queries";
import { PitrForm, type PitrPrefill } from "./_components/pitr-form";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("restores.pitrPage");
  return { title: t("metaTitle") };
}

// ?clusterId= preselects the cluster; ?target=xid&value=…&inclusive=false prefills the target
// (the event finder's and the alerts' "restore to just before" links). Anything unrecognised
// is ignored rather than an error page.
const prefillSchema = z.object({
  clusterId: z.uuid().optional().catch(undefined),
  target: z.enum(["time", "xid", "lsn", "name", "immediate", "latest"]).optional().catch(undefined),
  value: z.string().max(200).optional().catch(undefined),
  inclusive: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .catch(undefined),
});

export default async function NewRestorePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole("operator", "restores/new");
  const [query, clusters] = await Promise.all([
    searchParams.then((params) => prefillSchema.parse(params)),
    listClusters(),
  ]);
  const t = await getTranslations("restores");
  const prefill: PitrPrefill = {
    clusterId: query.clusterId,
    target: query.target ? { type: query.target, value: query.value, inclusive: query.inclusive } : undefined,
  };

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/restores" className="hover:underline">
            {t("list.title")}
          </Link>
        }
        title={t("pitrPage.title")}
        description={t("pitrPage.description")}
      />
      {clusters.length === 0 ? (
        <p className="text-sm text-zinc-600">
          {t.rich("pitrPage.noCluster", {
            link: (chunks) => (
              <Link href="/clusters/new" className="font-medium text-emerald-800 hover:underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      ) : (
        <PitrForm
          clusters={clusters.map((cluster) => ({
            id: cluster.id,
            name: cluster.name,
            database: cluster.primary.database,
          }))}
          prefill={prefill}
        />
      )}
    </>
  );
}
