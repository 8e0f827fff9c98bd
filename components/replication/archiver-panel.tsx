import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";
import { cx } from "@/components/ui/cx";
import { formatUtcSeconds } from "@/components/ui/format";
import { useFormat } from "@/components/ui/use-format";
import { Description, DescriptionList } from "@/components/ui/description-list";
import type { ArchiverStatus } from "@/lib/schemas/replication";

function WalAt({ wal, at, now }: { wal: string | null; at: string | null; now: string }) {
  const t = useTranslations("cluster.replication.archiver");
  const { formatAgo } = useFormat();
  if (!wal) return <span className="text-zinc-400">{t("none")}</span>;
  return (
    <>
      <code className="text-[13px] break-all">{wal}</code>
      {at ? (
        <p className="text-xs text-zinc-500">
          {formatUtcSeconds(at)} · {formatAgo(at, now)}
        </p>
      ) : null}
    </>
  );
}

/** pg_stat_archiver of the primary plus the archive_status backlog (`now` is the sample's time). */
export function ArchiverPanel({ archiver, now }: { archiver: ArchiverStatus | null; now: string }) {
  const t = useTranslations("cluster.replication.archiver");
  const { formatCount } = useFormat();
  if (!archiver) {
    return <p className="text-sm text-zinc-500">{t("noStats")}</p>;
  }
  return (
    <div className="space-y-3">
      {archiver.failing ? (
        <Alert tone="error" title={t("failingTitle")}>
          {t("failingBody", {
            onWal: archiver.lastFailedWal ? t("onWal", { wal: archiver.lastFailedWal }) : "",
            atTime: archiver.lastFailedAt ? t("atTime", { at: formatUtcSeconds(archiver.lastFailedAt) }) : "",
          })}
        </Alert>
      ) : null}
      <DescriptionList layout="tiles" className="grid-cols-2 sm:grid-cols-3">
        <Description term={t("archived")}>
          <span className="tabular-nums">{formatCount(archiver.archivedCount)}</span>
        </Description>
        <Description term={t("failed")}>
          <span className={cx("tabular-nums", archiver.failedCount > 0 && "text-red-700")}>
            {formatCount(archiver.failedCount)}
          </span>
        </Description>
        <Description term={t("waiting")}>
          {archiver.readyCount === null ? (
            <span className="text-zinc-500">{t("unknownNeedsMonitor")}</span>
          ) : (
            <span className={cx("tabular-nums", archiver.readyCount > 10 && "text-amber-700")}>
              {t("segments", { count: archiver.readyCount })}
            </span>
          )}
        </Description>
        <Description term={t("lastArchived")}>
          <WalAt wal={archiver.lastArchivedWal} at={archiver.lastArchivedAt} now={now} />
        </Description>
        <Description term={t("lastFailed")}>
          <WalAt wal={archiver.lastFailedWal} at={archiver.lastFailedAt} now={now} />
        </Description>
      </DescriptionList>
    </div>
  );
}
