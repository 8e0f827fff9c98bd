import type { ReactNode } from "react";
import { formatServerVersion } from "@/components/replication/standby-state";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { formatBytes, formatUtcSeconds } from "@/components/ui/format";
import type { ReplicationSnapshot } from "@/lib/schemas/replication";

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="mt-0.5 truncate text-sm font-medium text-zinc-900 tabular-nums">{children}</dd>
    </div>
  );
}

/** The primary's position and the sample's age: the line every other figure is measured against. */
export function PrimaryStrip({ snapshot, stale }: { snapshot: ReplicationSnapshot; stale: boolean }) {
  const { primary } = snapshot;
  const version = formatServerVersion(primary.serverVersionNum);
  return (
    <div className="space-y-3">
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-3 lg:grid-cols-6">
        <Figure label="Primary">
          <span className="flex items-center gap-1.5">
            <span className="truncate">{primary.name}</span>
            {primary.reachable ? null : <Badge tone="danger">unreachable</Badge>}
          </span>
        </Figure>
        <Figure label="Current LSN">
          {primary.currentLsn ? <code>{primary.currentLsn}</code> : <span className="text-zinc-400">—</span>}
        </Figure>
        <Figure label="Timeline">{primary.timeline ?? <span className="text-zinc-400">—</span>}</Figure>
        <Figure label="WAL rate">
          {primary.walBytesPerSecond === null ? (
            <span className="text-zinc-400">—</span>
          ) : (
            `${formatBytes(primary.walBytesPerSecond)}/s`
          )}
        </Figure>
        <Figure label="PostgreSQL">{version ?? <span className="text-zinc-400">—</span>}</Figure>
        <Figure label="Sampled at">
          <span className="flex items-center gap-1.5">
            <time dateTime={snapshot.sampledAt} title={formatUtcSeconds(snapshot.sampledAt)}>
              {formatUtcSeconds(snapshot.sampledAt, true)}
            </time>
            {stale ? <Badge tone="warning">stale</Badge> : null}
          </span>
        </Figure>
      </dl>
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
