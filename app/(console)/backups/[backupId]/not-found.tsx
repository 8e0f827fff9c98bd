import { useTranslations } from "next-intl";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export default function BackupNotFound() {
  const t = useTranslations("backups.backupPage");
  return (
    <div className="py-16 text-center">
      <h1 className="text-lg font-semibold text-zinc-900">{t("notFoundTitle")}</h1>
      <p className="mt-1 text-sm text-zinc-600">{t("notFound")}</p>
      <Link href="/backups" className={`${buttonClasses()} mt-5`}>
        {t("back")}
      </Link>
    </div>
  );
}
