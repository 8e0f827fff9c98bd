import { Alert } from "@/components/ui/alert";
import { cx } from "@/components/ui/cx";
import { formatAgo, formatCount, formatUtcSeconds } from "@/components/ui/format";
import { Description, DescriptionList } from "@/components/ui/description-list";
import type { ArchiverStatus } from "@/lib/schemas/replication";

function WalAt({ wal, at, now }: { wal: string | null; at: string | null; now: string }) {
  if (!wal) return <span className="text-zinc-400">none</span>;
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
  if (!archiver) {
    return (
      <p className="text-sm text-zinc-500">
        No archiver statistics in this sample: the primary was not reachable.
      </p>
    );
  }
  return (
    <div className="space-y-3">
      {archiver.failing ? (
        <Alert tone="error" title="WAL archiving is failing">
          The last attempt failed{archiver.lastFailedWal ? ` on ${archiver.lastFailedWal}` : ""}
          {archiver.lastFailedAt ? ` at ${formatUtcSeconds(archiver.lastFailedAt)}` : ""}, after the last
          success. WAL piles up on the primary until archive_command works again, and point-in-time recovery
          cannot go past the last archived segment.
        </Alert>
      ) : null}
      <DescriptionList layout="tiles" className="grid-cols-2 sm:grid-cols-3">
        <Description term="Archived">
          <span className="tabular-nums">{formatCount(archiver.archivedCount)}</span>
        </Description>
        <Description term="Failed">
          <span className={cx("tabular-nums", archiver.failedCount > 0 && "text-red-700")}>
            {formatCount(archiver.failedCount)}
          </span>
        </Description>
        <Description term="Waiting (.ready)">
          {archiver.readyCount === null ? (
            <span className="text-zinc-500">unknown (needs pg_monitor)</span>
          ) : (
            <span className={cx("tabular-nums", archiver.readyCount > 10 && "text-amber-700")}>
              {formatCount(archiver.readyCount)} {archiver.readyCount === 1 ? "segment" : "segments"}
            </span>
          )}
        </Description>
        <Description term="Last archived">
          <WalAt wal={archiver.lastArchivedWal} at={archiver.lastArchivedAt} now={now} />
        </Description>
        <Description term="Last failed">
          <WalAt wal={archiver.lastFailedWal} at={archiver.lastFailedAt} now={now} />
        </Description>
      </DescriptionList>
    </div>
  );
}
