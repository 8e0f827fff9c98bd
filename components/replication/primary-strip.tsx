import { formatServerVersion } from "@/components/replication/standby-state";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { formatBytes, formatUtcSeconds } from "@/components/ui/format";
import { Description, DescriptionList } from "@/components/ui/description-list";
import type { ReplicationSnapshot } from "@/lib/schemas/replication";

/** The primary's position and the sample's age: the line every other figure is measured against. */
export function PrimaryStrip({ snapshot, stale }: { snapshot: ReplicationSnapshot; stale: boolean }) {
  const { primary } = snapshot;
  const version = formatServerVersion(primary.serverVersionNum);
  return (
    <div className="space-y-3">
      <DescriptionList
        layout="tiles"
        className="grid-cols-2 sm:grid-cols-3 lg:grid-cols-6 [&_dd]:truncate [&_dd]:font-medium [&_dd]:tabular-nums"
      >
        <Description term="Primary">
          <span className="flex items-center gap-1.5">
            <span className="truncate">{primary.name}</span>
            {primary.reachable ? null : <Badge tone="danger">unreachable</Badge>}
          </span>
        </Description>
        <Description term="Current LSN">
          {primary.currentLsn ? <code>{primary.currentLsn}</code> : <span className="text-zinc-400">—</span>}
        </Description>
        <Description term="Timeline">
          {primary.timeline ?? <span className="text-zinc-400">—</span>}
        </Description>
        <Description term="WAL rate">
          {primary.walBytesPerSecond === null ? (
            <span className="text-zinc-400">—</span>
          ) : (
            `${formatBytes(primary.walBytesPerSecond)}/s`
          )}
        </Description>
        <Description term="PostgreSQL">{version ?? <span className="text-zinc-400">—</span>}</Description>
        <Description term="Sampled at">
          <span className="flex items-center gap-1.5">
            <time dateTime={snapshot.sampledAt} title={formatUtcSeconds(snapshot.sampledAt)}>
              {formatUtcSeconds(snapshot.sampledAt, true)}
            </time>
            {stale ? <Badge tone="warning">stale</Badge> : null}
          </span>
        </Description>
      </DescriptionList>
      {stale ? (
        <Alert tone="warning" title="This sample is stale">
          Walden samples this cluster every {snapshot.intervalSeconds} s, but the newest sample is from{" "}
          {formatUtcSeconds(snapshot.sampledAt)}. Is a worker running? Everything below is as of that time.
        </Alert>
      ) : null}
      {!primary.reachable || primary.error ? (
        <Alert tone="error" title="The primary could not be sampled">
          {primary.error ?? "Walden could not connect to the primary."}
        </Alert>
      ) : null}
      {primary.inRecovery ? (
        <Alert tone="warning" title="The registered primary is in recovery">
          It is a standby now. After a failover, update the cluster&apos;s registration so Walden measures lag
          against the new primary.
        </Alert>
      ) : null}
    </div>
  );
}
