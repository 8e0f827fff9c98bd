import { db } from "@/lib/db";
import { maintainSamplePartitions } from "@/lib/replication/partitions";

// Retention of lag history (issue 3): raw samples 48 h, 1-minute rollups 90 days, 1-hour
// rollups 2 years. Rollups are upserts over recent complete buckets, so running twice, late,
// or from two workers at once gives the same rows.

export const RAW_RETENTION = "48 hours";
export const RAW_RETENTION_MS = 48 * 3600_000;
export const MINUTE_RETENTION = "90 days";
export const HOUR_RETENTION = "2 years";
export const EVENT_RETENTION = "2 years";

export interface RollupResult {
  minuteBuckets: number;
  hourBuckets: number;
  /** Raw samples are pruned an hour's partition at a time (lib/replication/partitions.ts). */
  droppedPartitions: string[];
  createdPartitions: string[];
  /** Rows past retention deleted from the default partition (0 in normal operation). */
  prunedSamples: number;
  prunedRollups: number;
  prunedEvents: number;
}

export async function rollUpReplication(): Promise<RollupResult> {
  const minuteBuckets = await db().$executeRaw`
    insert into replication_rollups (cluster_id, standby, resolution, bucket, samples,
      replay_bytes_min, replay_bytes_avg, replay_bytes_max, replay_seconds_min, replay_seconds_avg, replay_seconds_max)
    select cluster_id, standby, '1m', date_trunc('minute', at), count(*),
      min(replay_bytes), avg(replay_bytes), max(replay_bytes), min(replay_seconds), avg(replay_seconds), max(replay_seconds)
    from replication_samples
    where at >= date_trunc('minute', now()) - interval '15 minutes' and at < date_trunc('minute', now())
    group by cluster_id, standby, date_trunc('minute', at)
    on conflict (cluster_id, standby, resolution, bucket) do update set samples = excluded.samples,
      replay_bytes_min = excluded.replay_bytes_min, replay_bytes_avg = excluded.replay_bytes_avg, replay_bytes_max = excluded.replay_bytes_max,
      replay_seconds_min = excluded.replay_seconds_min, replay_seconds_avg = excluded.replay_seconds_avg, replay_seconds_max = excluded.replay_seconds_max`;

  const hourBuckets = await db().$executeRaw`
    insert into replication_rollups (cluster_id, standby, resolution, bucket, samples,
      replay_bytes_min, replay_bytes_avg, replay_bytes_max, replay_seconds_min, replay_seconds_avg, replay_seconds_max)
    select cluster_id, standby, '1h', date_trunc('hour', bucket), sum(samples),
      min(replay_bytes_min), sum(replay_bytes_avg * samples) / nullif(sum(samples), 0), max(replay_bytes_max),
      min(replay_seconds_min), sum(replay_seconds_avg * samples) / nullif(sum(samples), 0), max(replay_seconds_max)
    from replication_rollups
    where resolution = '1m' and bucket >= date_trunc('hour', now()) - interval '3 hours' and bucket < date_trunc('hour', now())
    group by cluster_id, standby, date_trunc('hour', bucket)
    on conflict (cluster_id, standby, resolution, bucket) do update set samples = excluded.samples,
      replay_bytes_min = excluded.replay_bytes_min, replay_bytes_avg = excluded.replay_bytes_avg, replay_bytes_max = excluded.replay_bytes_max,
      replay_seconds_min = excluded.replay_seconds_min, replay_seconds_avg = excluded.replay_seconds_avg, replay_seconds_max = excluded.replay_seconds_max`;

  const partitions = await maintainSamplePartitions(RAW_RETENTION_MS);
  const prunedRollups = await db().$executeRawUnsafe(
    `delete from replication_rollups where (resolution = '1m' and bucket < now() - interval '${MINUTE_RETENTION}')
       or (resolution = '1h' and bucket < now() - interval '${HOUR_RETENTION}')`,
  );
  const prunedEvents = await db().$executeRawUnsafe(
    `delete from replication_events where at < now() - interval '${EVENT_RETENTION}'`,
  );
  return {
    minuteBuckets,
    hourBuckets,
    droppedPartitions: partitions.dropped,
    createdPartitions: partitions.created,
    prunedSamples: partitions.deletedFromDefault,
    prunedRollups,
    prunedEvents,
  };
}
