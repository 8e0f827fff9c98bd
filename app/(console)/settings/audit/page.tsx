import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { listAuditEvents } from "@/lib/audit/queries";
import { requirePageRole } from "@/lib/auth/page";
import { AuditLog } from "./_components/audit-log";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit log" };

const LIMIT = 200;

export default async function AuditPage() {
  await requirePageRole("admin", "settings/audit");
  const events = await listAuditEvents({ limit: LIMIT });

  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/settings" className="hover:underline">
            Settings
          </Link>
        }
        title="Audit log"
        description={`The newest ${LIMIT} events: every change made through Walden and every denied attempt. Secrets are redacted before they are written.`}
      />
      <AuditLog limit={LIMIT} initialEvents={events} />
    </>
  );
}
