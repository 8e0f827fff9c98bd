import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { parseLsn } from "@/lib/replication/lsn";
import type { TickResult } from "@/lib/replication/tracker";

const toBigInt = (value: number | null) => (value === null ? null : BigInt(Math.round(value)));
const lsnToBigInt = (lsn: string | null) => (lsn === null ? null : parseLsn(lsn));

export interface StoredTick {
  clusterId: string;
  ownerId: string;
  result: TickResult;
}

const sampleRows = ({ clusterId, result }: StoredTick) =>
  result.samples.map((sample) => ({
    clusterId,
    standby: sample.standby,
    at: sample.at,
    state: sample.state,
    primaryLsn: lsnToBigInt(sample.primaryLsn),
    replayLsn: lsnToBigInt(sample.replayLsn),
    writeBytes: toBigInt(sample.writeBytes),
    flushBytes: toBigInt(sample.flushBytes),
    replayBytes: toBigInt(sample.replayBytes),
    replaySeconds: sample.replaySeconds,
  }));

const eventRows = ({ clusterId, result }: StoredTick) =>
  result.events.map((event) => ({
    clusterId,
    at: event.at,
    node: event.node,
    kind: event.kind,
    fromValue: event.from,
    toValue: event.to,
    message: event.message,
  }));

/** Saves one tick: the latest snapshot (replacing the previous), a raw sample per standby, and events. */
export async function saveTick(clusterId: string, ownerId: string, result: TickResult): Promise<void> {
  const sampledAt = new Date(result.snapshot.sampledAt);
  const snapshot = result.snapshot as unknown as Prisma.InputJsonValue;
  const tick = { clusterId, ownerId, result };
  await db().$transaction([
    db().clusterSnapshot.upsert({
      where: { clusterId },
      create: { clusterId, sampledAt, ownerId, snapshot },
      update: { sampledAt, ownerId, snapshot },
    }),
    db().replicationSample.createMany({ data: sampleRows(tick) }),
    db().replicationEvent.createMany({ data: eventRows(tick) }),
  ]);
}

/**
 * Saves the ticks of many clusters in one transaction: one snapshot upsert, one sample insert and
 * one event insert for all of them. Without synchronous commit: these are monitoring samples, and
 * waiting for each commit's fsync was what held a large fleet's ticks back (a catalog crash loses
 * at most the last fraction of a second of samples, never other catalog data).
 */
export async function saveTicks(ticks: StoredTick[]): Promise<void> {
  const latest = new Map(ticks.map((tick) => [tick.clusterId, tick]));
  const snapshots = [...latest.values()].map(({ clusterId, ownerId, result }) => ({
    cluster_id: clusterId,
    sampled_at: result.snapshot.sampledAt,
    owner_id: ownerId,
    snapshot: result.snapshot,
  }));
  await db().$transaction([
    db().$executeRaw`set local synchronous_commit = off`,
    db().$executeRaw`
      insert into cluster_snapshots (cluster_id, sampled_at, owner_id, snapshot)
      select cluster_id, sampled_at, owner_id, snapshot
        from jsonb_to_recordset(${JSON.stringify(snapshots)}::jsonb)
          as s(cluster_id uuid, sampled_at timestamptz, owner_id text, snapshot jsonb)
      on conflict (cluster_id) do update
        set sampled_at = excluded.sampled_at, owner_id = excluded.owner_id, snapshot = excluded.snapshot`,
    db().replicationSample.createMany({ data: ticks.flatMap(sampleRows) }),
    db().replicationEvent.createMany({ data: ticks.flatMap(eventRows) }),
  ]);
}

/**
 * One writer per worker: ticks that finish while a batch is being written wait for the next
 * batch, so a fleet of hundreds of clusters costs a few catalog transactions a second instead of
 * one per cluster per second (group commit, without a timer: a lone tick is written at once).
 */
export class TickWriter {
  private pending: { tick: StoredTick; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  save(tick: StoredTick): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ tick, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    const batch = this.pending.splice(0);
    try {
      await saveTicks(batch.map((entry) => entry.tick));
      batch.forEach((entry) => entry.resolve());
    } catch {
      // One bad tick (say, of a cluster deleted meanwhile) must not lose the others: one by one.
      await Promise.all(
        batch.map(({ tick, resolve, reject }) =>
          saveTick(tick.clusterId, tick.ownerId, tick.result).then(resolve, reject),
        ),
      );
    } finally {
      this.writing = false;
      void this.flush();
    }
  }
}
