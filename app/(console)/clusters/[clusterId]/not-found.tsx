import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { buttonClasses } from "@/components/ui/button";

export default async function ClusterNotFound() {
  const t = await getTranslations("cluster.notFound");
  return (
    <div className="py-16 text-center">
      <h1 className="text-lg font-semibold text-zinc-900">{t("title")}</h1>
      <p className="mt-1 text-sm text-zinc-600">{t("description")}</p>
      <Link href="/clusters" className={`${buttonClasses()} mt-5`}>
        {t("back")}
      </Link>
    </div>
  );
}
