import type { ClusterStatus } from "@/lib/schemas/cluster";
import type { ReplicationSnapshot, StandbyState } from "@/lib/schemas/replication";

// Reading the stored snapshot: freshness, the cluster's overall status, its worst standby.

/** A sample older than this many intervals (plus slack) means nobody is sampling the cluster. */
const STALE_AFTER_INTERVALS = 3;
const STALE_SLACK_MS = 5_000;

export type ReplicationView = ReplicationSnapshot & { stale: boolean };

export function isStale(sampledAt: Date, intervalSeconds: number, now = Date.now()): boolean {
  return now - sampledAt.getTime() > STALE_AFTER_INTERVALS * intervalSeconds * 1000 + STALE_SLACK_MS;
}

export function toReplicationView(
  row: { sampledAt: Date; snapshot: unknown },
  now = Date.now(),
): ReplicationView {
  const snapshot = row.snapshot as ReplicationSnapshot;
  return { ...snapshot, stale: isStale(row.sampledAt, snapshot.intervalSeconds, now) };
}

/** The cluster's overall status, as the fleet overview shows it. */
export function clusterStatus(snapshot: ReplicationView | null): ClusterStatus {
  if (!snapshot || snapshot.stale) return "unknown";
  if (!snapshot.primary.reachable || snapshot.standbys.some((standby) => standby.state === "disconnected"))
    return "critical";
  const degraded: StandbyState[] = ["paused", "stalled", "catching_up"];
  if (snapshot.standbys.some((standby) => degraded.includes(standby.state)) || snapshot.archiver?.failing)
    return "warning";
  return "ok";
}

/** The standby furthest behind: most replay bytes, then most replay seconds. */
export function worstLag(snapshot: ReplicationView | null) {
  const standbys = [...(snapshot?.standbys ?? [])];
  standbys.sort(
    (a, b) =>
      (b.lagBytes.replay ?? -1) - (a.lagBytes.replay ?? -1) ||
      (b.lagSeconds.replay ?? -1) - (a.lagSeconds.replay ?? -1),
  );
  const worst = standbys[0];
  return worst
    ? {
        standby: worst.name,
        state: worst.state,
        bytes: worst.lagBytes.replay,
        seconds: worst.lagSeconds.replay,
      }
    : null;
}
