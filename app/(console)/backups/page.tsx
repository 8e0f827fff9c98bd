import type { Metadata } from "next";
import { NotBuilt } from "@/components/shell/not-built";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Backups" };

export default function BackupsPage() {
  return (
    <>
      <PageHeader title="Backups" />
      <NotBuilt title="Backups are not built yet">
        <p>
          Walden cannot take, verify or list backups yet: physical backups with <code>pg_basebackup</code>,
          logical ones with <code>pg_dump</code>, schedules and retention are still to come. No backup listed
          anywhere in this console exists.
        </p>
      </NotBuilt>
    </>
  );
}
