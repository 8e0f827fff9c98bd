import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { appError } from "@/lib/errors";
import { formatLsn } from "@/lib/replication/lsn";
import { toReplicationView, type ReplicationView } from "@/lib/replication/snapshot";
import type {
  LagPoint,
  LagQuery,
  LagSeries,
  ReplicationEvent,
  StandbyState,
} from "@/lib/schemas/replication";

export type { ReplicationView };

export async function getReplicationSnapshot(clusterId: string): Promise<ReplicationView | null> {
  const row = await db().clusterSnapshot.findUnique({ where: { clusterId } });
  return row ? toReplicationView(row) : null;
}

export async function getReplicationSnapshotOrThrow(clusterId: string): Promise<ReplicationView> {
  await getClusterRowOrThrow(clusterId);
  const snapshot = await getReplicationSnapshot(clusterId);
  if (!snapshot) {
    throw appError("upstream_unavailable", "replication.noSample");
  }
  return snapshot;
}

export async function listReplicationEvents(
  clusterId: string,
  from: Date,
  to: Date,
  limit = 500,
): Promise<ReplicationEvent[]> {
  const rows = await db().replicationEvent.findMany({
    where: { clusterId, at: { gte: from, lte: to } },
    orderBy: { at: "desc" },
    take: limit,
  });
  return rows.map((row) => ({
    id: row.id.toString(),
    at: row.at.toISOString(),
    node: row.node,
    kind: row.kind as ReplicationEvent["kind"],
    from: row.fromValue,
    to: row.toValue,
    message: row.message,
  }));
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** A cluster's events between `from` and `to` (ISO times); default: the 24 hours before now. */
export async function listClusterEvents(
  clusterId: string,
  range: { from?: string; to?: string },
): Promise<ReplicationEvent[]> {
  await getClusterRowOrThrow(clusterId);
  const to = range.to ? new Date(range.to) : new Date();
  const from = range.from ? new Date(range.from) : new Date(to.getTime() - DAY);
  return listReplicationEvents(clusterId, from, to);
}

/** Raw samples answer up to 6 hours within the last 48; minute rollups up to 14 days within 90; hours beyond. */
export function pickLagSource(from: Date, to: Date, now = Date.now()): LagSeries["source"] {
  const span = to.getTime() - from.getTime();
  if (span <= 6 * HOUR && from.getTime() >= now - 48 * HOUR) return "raw";
  if (span <= 14 * DAY && from.getTime() >= now - 90 * DAY) return "1m";
  return "1h";
}

interface BucketRow {
  bucket: Date;
  replay_bytes: number | null;
  replay_bytes_max: number | null;
  replay_seconds: number | null;
  replay_seconds_max: number | null;
  flush_bytes: number | null;
  write_bytes: number | null;
  replay_lsn: bigint | null;
  primary_lsn: bigint | null;
  state: string | null;
}

/** Lag history of one standby, downsampled in the database to at most `points` buckets. */
export async function getLagSeries(clusterId: string, query: LagQuery, now = new Date()): Promise<LagSeries> {
  const cluster = await getClusterRowOrThrow(clusterId);
  const standbys = cluster.nodes.filter((node) => node.role === "standby").map((node) => node.name);
  const standby = query.standby ?? standbys[0];
  if (!standby || !standbys.includes(standby)) {
    throw standbys.length === 0
      ? appError("unprocessable_entity", "replication.noStandbys", {}, { field: "standby" })
      : appError(
          "unprocessable_entity",
          "replication.noStandbyNamed",
          { name: String(query.standby), standbys: standbys.join(", ") },
          { field: "standby" },
        );
  }
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - HOUR);
  if (from >= to) throw appError("unprocessable_entity", "replication.fromBeforeTo", {}, { field: "from" });
  const source = pickLagSource(from, to, now.getTime());
  const bucketSeconds = Math.max(
    (to.getTime() - from.getTime()) / 1000 / (query.points - 1),
    source === "raw" ? 0.001 : source === "1m" ? 60 : 3600,
  );

  const rows =
    source === "raw"
      ? await db().$queryRaw<BucketRow[]>`
          select to_timestamp(floor(extract(epoch from at) / ${bucketSeconds}) * ${bucketSeconds}) as bucket,
            avg(replay_bytes)::float8 as replay_bytes, max(replay_bytes)::float8 as replay_bytes_max,
            avg(replay_seconds) as replay_seconds, max(replay_seconds) as replay_seconds_max,
            avg(flush_bytes)::float8 as flush_bytes, avg(write_bytes)::float8 as write_bytes,
            (array_agg(replay_lsn order by at desc))[1] as replay_lsn,
            max(primary_lsn) as primary_lsn,
            (array_agg(state order by at desc))[1] as state
          from replication_samples
          where cluster_id = ${clusterId}::uuid and standby = ${standby} and at >= ${from} and at <= ${to}
          group by 1 order by 1`
      : await db().$queryRaw<BucketRow[]>`
          select to_timestamp(floor(extract(epoch from bucket) / ${bucketSeconds}) * ${bucketSeconds}) as bucket,
            (sum(replay_bytes_avg * samples) / nullif(sum(samples), 0))::float8 as replay_bytes, max(replay_bytes_max)::float8 as replay_bytes_max,
            (sum(replay_seconds_avg * samples) / nullif(sum(samples), 0))::float8 as replay_seconds, max(replay_seconds_max) as replay_seconds_max,
            null::float8 as flush_bytes, null::float8 as write_bytes, null::bigint as replay_lsn, null::bigint as primary_lsn, null::text as state
          from replication_rollups
          where cluster_id = ${clusterId}::uuid and standby = ${standby} and resolution = ${source} and bucket >= ${from} and bucket <= ${to}
          group by 1 order by 1`;

  const points: LagPoint[] = rows.map((row) => ({
    t: row.bucket.toISOString(),
    replayBytes: row.replay_bytes === null ? null : Math.round(Number(row.replay_bytes)),
    replaySeconds: row.replay_seconds,
    flushBytes: row.flush_bytes === null ? null : Math.round(Number(row.flush_bytes)),
    writeBytes: row.write_bytes === null ? null : Math.round(Number(row.write_bytes)),
    replayBytesMax: row.replay_bytes_max === null ? null : Math.round(Number(row.replay_bytes_max)),
    replaySecondsMax: row.replay_seconds_max,
    replayLsn: row.replay_lsn === null ? null : formatLsn(BigInt(row.replay_lsn)),
    primaryLsn: row.primary_lsn === null ? null : formatLsn(BigInt(row.primary_lsn)),
    state: row.state as StandbyState | null,
  }));
  const events = (await listReplicationEvents(clusterId, from, to)).filter(
    (event) => event.node === standby || event.node === "primary",
  );
  return { standby, from: from.toISOString(), to: to.toISOString(), source, points, events };
}
