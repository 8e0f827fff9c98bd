import Link from "next/link";
import { useTranslations } from "next-intl";
import { buttonClasses } from "@/components/ui/button";

export default function RestoreNotFound() {
  const t = useTranslations("restores.notFound");
  return (
    <div className="py-16 text-center">
      <h1 className="text-lg font-semibold text-zinc-900">{t("title")}</h1>
      <p className="mt-1 text-sm text-zinc-600">{t("description")}</p>
      <Link href="/restores" className={`${buttonClasses()} mt-5`}>
        {t("back")}
      </Link>
    </div>
  );
}
