import type { Metadata } from "next";
import { NotBuilt } from "@/components/shell/not-built";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Reports" };

export default function ReportsPage() {
  return (
    <>
      <PageHeader title="Reports" />
      <NotBuilt title="Reports are not built yet">
        <p>
          The monthly backup report (success rates, restore drills, RTO evidence) needs backups and restores,
          which are not built yet. There are no figures to report, so none are shown.
        </p>
      </NotBuilt>
    </>
  );
}
