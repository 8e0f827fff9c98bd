import { redirect } from "next/navigation";

/** /clusters/:id/replication is the cluster's first tab, /clusters/:id. */
export default async function ReplicationRedirect({ params }: { params: Promise<{ clusterId: string }> }) {
  const { clusterId } = await params;
  redirect(`/clusters/${encodeURIComponent(clusterId)}`);
}
