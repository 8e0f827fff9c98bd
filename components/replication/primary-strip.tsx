import { useTranslations } from "next-intl";
import { formatServerVersion } from "@/components/replication/standby-state";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { formatUtcSeconds } from "@/components/ui/format";
import { useFormat } from "@/components/ui/use-format";
import { Description, DescriptionList } from "@/components/ui/description-list";
import type { ReplicationSnapshot } from "@/lib/schemas/replication";

/** The primary's position and the sample's age: the line every other figure is measured against. */
export function PrimaryStrip({ snapshot, stale }: { snapshot: ReplicationSnapshot; stale: boolean }) {
  const t = useTranslations("cluster.replication.primary");
  const { formatBytes } = useFormat();
  const { primary } = snapshot;
  const version = formatServerVersion(primary.serverVersionNum);
  return (
    <div className="space-y-3">
      <DescriptionList
        layout="tiles"
        className="grid-cols-2 sm:grid-cols-3 lg:grid-cols-6 [&_dd]:truncate [&_dd]:font-medium [&_dd]:tabular-nums"
      >
        <Description term={t("primary")}>
          <span className="flex items-center gap-1.5">
            <span className="truncate">{primary.name}</span>
            {primary.reachable ? null : <Badge tone="danger">{t("unreachable")}</Badge>}
          </span>
        </Description>
        <Description term={t("currentLsn")}>
          {primary.currentLsn ? <code>{primary.currentLsn}</code> : <span className="text-zinc-400">—</span>}
        </Description>
        <Description term={t("timeline")}>
          {primary.timeline ?? <span className="text-zinc-400">—</span>}
        </Description>
        <Description term={t("walRate")}>
          {primary.walBytesPerSecond === null ? (
            <span className="text-zinc-400">—</span>
          ) : (
            `${formatBytes(primary.walBytesPerSecond)}/s`
          )}
        </Description>
        <Description term="PostgreSQL">{version ?? <span className="text-zinc-400">—</span>}</Description>
        <Description term={t("sampledAt")}>
          <span className="flex items-center gap-1.5">
            <time dateTime={snapshot.sampledAt} title={formatUtcSeconds(snapshot.sampledAt)}>
              {formatUtcSeconds(snapshot.sampledAt, true)}
            </time>
            {stale ? <Badge tone="warning">{t("stale")}</Badge> : null}
          </span>
        </Description>
      </DescriptionList>
      {stale ? (
        <Alert tone="warning" title={t("staleTitle")}>
          {t("staleBody", { seconds: snapshot.intervalSeconds, at: formatUtcSeconds(snapshot.sampledAt) })}
        </Alert>
      ) : null}
      {!primary.reachable || primary.error ? (
        <Alert tone="error" title={t("notSampled")}>
          {primary.error ?? t("couldNotConnect")}
        </Alert>
      ) : null}
      {primary.inRecovery ? (
        <Alert tone="warning" title={t("inRecoveryTitle")}>
          {t("inRecoveryBody")}
        </Alert>
      ) : null}
    </div>
  );
}
