import { useTranslations } from "next-intl";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { ClusterStatus } from "@/lib/schemas/cluster";

const tones: Record<ClusterStatus, BadgeTone> = {
  ok: "success",
  warning: "warning",
  critical: "danger",
  unknown: "neutral",
};

export function ClusterStatusBadge({ status }: { status: ClusterStatus }) {
  const t = useTranslations("clusters.status");
  return (
    <span title={t(`${status}.description`)}>
      <Badge tone={tones[status]}>{t(`${status}.label`)}</Badge>
    </span>
  );
}
