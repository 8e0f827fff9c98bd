import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/page";
import { ClusterForm } from "./_components/cluster-form";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("clusters.register");
  return { title: t("title") };
}

export default async function NewClusterPage() {
  await requirePageRole("admin", "clusters/new");
  const t = await getTranslations("clusters");
  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/clusters" className="hover:underline">
            {t("list.title")}
          </Link>
        }
        title={t("register.title")}
        description={t("register.description")}
      />
      <ClusterForm />
    </>
  );
}
