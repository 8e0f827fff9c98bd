import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/ui/page-header";
import { listAuditEvents } from "@/lib/audit/queries";
import { requirePageRole } from "@/lib/auth/page";
import { AuditLog } from "./_components/audit-log";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("settings.audit"))("title") };
}

const LIMIT = 200;

export default async function AuditPage() {
  await requirePageRole("admin", "settings/audit");
  const events = await listAuditEvents({ limit: LIMIT });
  const t = await getTranslations("settings");

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/settings" className="hover:underline">
            {t("title")}
          </Link>
        }
        title={t("audit.title")}
        description={t("audit.description", { limit: LIMIT })}
      />
      <AuditLog limit={LIMIT} initialEvents={events} />
    </>
  );
}
