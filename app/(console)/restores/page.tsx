import type { Metadata } from "next";
import { NotBuilt } from "@/components/shell/not-built";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Restores" };

export default function RestoresPage() {
  return (
    <>
      <PageHeader title="Restores" />
      <NotBuilt title="Restores are not built yet">
        <p>
          Point-in-time recovery, logical restores and restore drills cannot be started from Walden yet, and
          there is no restorable window to show until backups and WAL archiving are built.
        </p>
      </NotBuilt>
    </>
  );
}
