import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { buttonClasses } from "@/components/ui/button";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("shell.notFound"))("metaTitle") };
}

export default async function NotFound() {
  const t = await getTranslations("shell.notFound");
  return (
    <main className="mx-auto max-w-lg px-6 py-24">
      <p className="text-sm font-medium text-emerald-700">404</p>
      <h1 className="mt-1 text-xl font-semibold text-zinc-900">{t("title")}</h1>
      <p className="mt-2 text-sm text-zinc-600">{t("body")}</p>
      <Link href="/" className={`${buttonClasses({ variant: "secondary" })} mt-6`}>
        {t("home")}
      </Link>
    </main>
  );
}
