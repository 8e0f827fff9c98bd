import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/page";
import { ClusterForm } from "./_components/cluster-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Register cluster" };

export default async function NewClusterPage() {
  await requirePageRole("admin", "clusters/new");
  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href="/clusters" className="hover:underline">
            Clusters
          </Link>
        }
        title="Register cluster"
        description="Connection settings for the primary and each standby. Passwords are encrypted in Walden's catalog and never shown again. The monitoring role needs pg_monitor; backups need a role with REPLICATION."
      />
      <ClusterForm />
    </>
  );
}
