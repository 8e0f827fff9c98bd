import pg from "pg";
import type { TickResult } from "@/lib/replication/tracker";
import type { ObservedRole } from "@/lib/clusters/current-primary";

const round = (value: number | null) => (value === null ? null : Math.round(value));

/** What one node was at one tick, as the sampler saw it (nodes.observed_*). */
export interface StoredObservation {
  name: string;
  role: ObservedRole;
  timeline: number | null;
  error: string | null;
  at: Date;
}

export interface StoredTick {
  clusterId: string;
  ownerId: string;
  result: TickResult;
  /** Written only when they changed or aged (the sampler decides); empty otherwise. */
  observations?: StoredObservation[];
}

/**
 * Each node's observed role, timeline and error, from a jsonb array of StoredObservation rows
 * with their clusterId. observed_since moves only when the role changes.
 */
const updateObservationsSql = (param: string) => `update nodes n
     set observed_role = o.role, observed_timeline = o.timeline, observed_error = o.error,
         observed_since = case when n.observed_role is distinct from o.role then o.at
                               else coalesce(n.observed_since, o.at) end,
         observed_at = o.at
    from jsonb_to_recordset(${param}::jsonb)
      as o("clusterId" uuid, name text, role text, timeline int, error text, at timestamptz)
   where n.cluster_id = o."clusterId" and n.name = o.name`;

/** The newest observation of each node in the ticks: a node is updated once per statement. */
function observationRows(ticks: StoredTick[]) {
  const latest = new Map<string, StoredObservation & { clusterId: string }>();
  for (const tick of ticks)
    for (const observation of tick.observations ?? [])
      latest.set(`${tick.clusterId}/${observation.name}`, { ...observation, clusterId: tick.clusterId });
  return [...latest.values()];
}

/** LSNs stay text (the catalog turns them into byte positions), byte counts whole numbers. */
const sampleRows = ({ clusterId, result }: StoredTick) =>
  result.samples.map((sample) => ({
    clusterId,
    standby: sample.standby,
    at: sample.at,
    state: sample.state,
    primaryLsn: sample.primaryLsn,
    replayLsn: sample.replayLsn,
    writeBytes: round(sample.writeBytes),
    flushBytes: round(sample.flushBytes),
    replayBytes: round(sample.replayBytes),
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

/**
 * Saves the ticks of many clusters in one statement (one round trip, one transaction): each
 * cluster's newest snapshot, every standby sample and every event.
 */
export async function saveTicks(client: pg.Client, ticks: StoredTick[]): Promise<void> {
  // Plain JSON.stringify: nothing here is a bigint (a replacer would run for every value of
  // every snapshot, every cluster every second).
  const latest = new Map(ticks.map((tick) => [tick.clusterId, tick]));
  const snapshots = [...latest.values()].map(({ clusterId, ownerId, result }) => ({
    clusterId,
    sampledAt: result.snapshot.sampledAt,
    ownerId,
    snapshot: result.snapshot,
  }));
  // Data-modifying WITH clauses run exactly once, whether or not the outer statement reads them.
  // Named, so each writer session parses and plans it once, not at every batch (up to twenty a
  // second): node-pg sends its text and the catalog plans it only on a connection's first use.
  await client.query({
    name: "walden_save_ticks",
    text: `/* walden */ with snapshots as (
       insert into cluster_snapshots (cluster_id, sampled_at, owner_id, snapshot)
       select * from jsonb_to_recordset($1::jsonb)
         as s("clusterId" uuid, "sampledAt" timestamptz, "ownerId" text, snapshot jsonb)
       on conflict (cluster_id) do update
         set sampled_at = excluded.sampled_at, owner_id = excluded.owner_id, snapshot = excluded.snapshot
     ), samples as (
       insert into replication_samples (cluster_id, standby, at, state, primary_lsn, replay_lsn,
                                        write_bytes, flush_bytes, replay_bytes, replay_seconds)
       select "clusterId", standby, at, state, ("primaryLsn" - '0/0')::bigint, ("replayLsn" - '0/0')::bigint,
              "writeBytes", "flushBytes", "replayBytes", "replaySeconds"
         from jsonb_to_recordset($2::jsonb)
         as s("clusterId" uuid, standby text, at timestamptz, state text, "primaryLsn" pg_lsn,
              "replayLsn" pg_lsn, "writeBytes" bigint, "flushBytes" bigint, "replayBytes" bigint,
              "replaySeconds" double precision)
     ), observed as (
       ${updateObservationsSql("$4")}
     )
     insert into replication_events (cluster_id, at, node, kind, from_value, to_value, message)
     select * from jsonb_to_recordset($3::jsonb)
       as e("clusterId" uuid, at timestamptz, node text, kind text, "fromValue" text, "toValue" text, message text)`,
    values: [
      JSON.stringify(snapshots),
      JSON.stringify(ticks.flatMap(sampleRows)),
      JSON.stringify(ticks.flatMap(eventRows)),
      JSON.stringify(observationRows(ticks)),
    ],
  });
}

/**
 * How long a finished tick waits for others before the batch is written. Without it a fleet whose
 * ticks are spread over the second wrote nearly every tick alone (a statement, a round trip and
 * a commit each: 34 a second for 100 nodes); with it, at most twenty statements a second whatever
 * the fleet's size, for at most this much more sample delay. Measured with 100 ms (bench --only=fleet,
 * 102-501 nodes): the catalog's CPU per node-day fell to a third, the p99 delay rose by 200-500 ms
 * on a loaded machine; 50 ms keeps most of the first for half of the second.
 */
const GATHER_MS = 50;

/**
 * One writer per worker, on a catalog session of its own. Ticks are gathered for GATHER_MS, and
 * those that finish while a batch is being written go into the next one, so a fleet of hundreds
 * of clusters costs a few catalog statements a second instead of a transaction per cluster per
 * second. Its session commits without waiting for the WAL flush: these are monitoring samples,
 * and waiting for an fsync per commit held a large fleet's ticks back; a catalog crash loses at
 * most the last fraction of a second of samples.
 */
export class TickWriter {
  private client: pg.Client | null = null;
  private pending: { tick: StoredTick; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly databaseUrl: string) {}

  save(tick: StoredTick): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ tick, resolve, reject });
      this.schedule();
    });
  }

  /** Writes what is still pending at once (nothing, once every sampler has stopped), then disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private schedule(): void {
    if (this.closed) {
      void this.flush();
      return;
    }
    if (this.timer || this.writing || this.pending.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, GATHER_MS);
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: "walden-sampler-writer",
    });
    client.on("error", () => {
      if (this.client === client) this.client = null;
    });
    await client.connect();
    await client.query("set synchronous_commit = off");
    this.client = client;
    return client;
  }

  private async flush(): Promise<void> {
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    const batch = this.pending.splice(0);
    try {
      await saveTicks(
        await this.connection(),
        batch.map((entry) => entry.tick),
      );
      batch.forEach((entry) => entry.resolve());
    } catch {
      // One bad tick (say, of a cluster deleted meanwhile) must not lose the others: one by one.
      for (const { tick, resolve, reject } of batch) {
        try {
          await saveTicks(await this.connection(), [tick]);
          resolve();
        } catch (error) {
          reject(error);
        }
      }
    } finally {
      this.writing = false;
      this.schedule();
    }
  }
}
