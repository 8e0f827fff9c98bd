import { Badge } from "@/components/ui/badge";
import type { ClusterSummary } from "@/lib/schemas/cluster";

const descriptions: Record<ClusterSummary["status"], string> = {
  unmonitored: "Registered, but Walden does not sample replication for it yet",
};

export function ClusterStatusBadge({ status }: { status: ClusterSummary["status"] }) {
  return (
    <span title={descriptions[status]}>
      <Badge tone="neutral">{status}</Badge>
    </span>
  );
}
