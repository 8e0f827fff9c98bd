import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { ClusterStatus } from "@/lib/schemas/cluster";

const tones: Record<ClusterStatus, BadgeTone> = {
  ok: "success",
  warning: "warning",
  critical: "danger",
  unknown: "neutral",
};

const descriptions: Record<ClusterStatus, string> = {
  ok: "Every standby is streaming and archiving works",
  warning: "A standby is paused, stalled or catching up, or archiving fails",
  critical: "The primary is unreachable or a standby is disconnected",
  unknown: "No fresh replication sample: the worker may not be running, or the cluster was just registered",
};

export function ClusterStatusBadge({ status }: { status: ClusterStatus }) {
  return (
    <span title={descriptions[status]}>
      <Badge tone={tones[status]}>{status}</Badge>
    </span>
  );
}
