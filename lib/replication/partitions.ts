import pg from "pg";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

// Raw replication samples live in one partition per UTC hour (migration
// 20261205080000_partitioned_samples), in schema walden_partitions. The worker's maintenance
// (the minute rollup, lib/replication/rollup.ts) creates the coming hours' partitions ahead and
// drops the ones wholly past retention: dropping an hour is a file unlinked, where the DELETE it
// replaces touched, logged and later vacuumed every row and index entry of that hour.

export const PARTITION_SCHEMA = "walden_partitions";
const PREFIX = "replication_samples_p";
export const DEFAULT_PARTITION = "replication_samples_default";
/** Hours created ahead of the current one: a worker down for this long finds them there. */
export const HOURS_AHEAD = 6;
const HOUR_MS = 3600_000;
/** Two workers' maintenance must not create or drop the same partition at once. */
const LOCK_KEY = "walden.replication_samples.partitions";

export const partitionName = (hourStart: Date) =>
  `${PREFIX}${hourStart.toISOString().slice(0, 13).replace(/[-T]/g, "")}`;

/** The hour a partition holds, from its name (null for the default partition or a stranger). */
export function partitionHour(name: string): Date | null {
  const match = /^replication_samples_p(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(name);
  if (!match) return null;
  const [, year, month, day, hour] = match;
  return new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour)));
}

const hourStart = (at: Date) => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);

export interface PartitionMaintenance {
  created: string[];
  dropped: string[];
  /** Rows older than retention deleted from the default partition (0 in normal operation). */
  deletedFromDefault: number;
  /** Rows moved from the default partition into an hour created for them. */
  moved: number;
}

/** The hourly partitions there are now, oldest first. */
export async function listSamplePartitions(client?: pg.ClientBase): Promise<{ name: string; hour: Date }[]> {
  const sql = `select c.relname as name from pg_inherits i
     join pg_class c on c.oid = i.inhrelid join pg_namespace n on n.oid = c.relnamespace
    where i.inhparent = 'public.replication_samples'::regclass and n.nspname = '${PARTITION_SCHEMA}'`;
  const rows = client
    ? (await client.query<{ name: string }>(sql)).rows
    : await db().$queryRawUnsafe<{ name: string }[]>(sql);
  return rows
    .map(({ name }) => ({ name, hour: partitionHour(name) }))
    .filter((row): row is { name: string; hour: Date } => row.hour !== null)
    .sort((a, b) => a.hour.getTime() - b.hour.getTime());
}

/**
 * Creates this hour's partition and the next HOURS_AHEAD ones, and drops those whose hour ended
 * `retentionMs` or more before `now`. Each change is its own short transaction with a lock
 * timeout: a partition is created or dropped under an exclusive lock on the parent, and waiting
 * behind a long reader would hold every sampler's writes back; what times out is retried at the
 * next run (every minute).
 */
export async function maintainSamplePartitions(
  retentionMs: number,
  now = new Date(),
  client?: pg.ClientBase,
): Promise<PartitionMaintenance> {
  const run = async <T>(work: (tx: pg.ClientBase) => Promise<T>): Promise<T> => {
    if (client) return inTransaction(client, work);
    const own = new pg.Client({ connectionString: env().DATABASE_URL, application_name: "walden-partitions" });
    await own.connect();
    try {
      return await inTransaction(own, work);
    } finally {
      await own.end();
    }
  };
  return run(async (tx) => {
    const result: PartitionMaintenance = { created: [], dropped: [], deletedFromDefault: 0, moved: 0 };
    const existing = new Set((await listSamplePartitions(tx)).map((row) => row.name));
    const first = hourStart(now);
    for (let index = 0; index <= HOURS_AHEAD; index++) {
      const from = new Date(first.getTime() + index * HOUR_MS);
      const name = partitionName(from);
      if (existing.has(name)) continue;
      result.moved += await createPartition(tx, name, from, new Date(from.getTime() + HOUR_MS));
      result.created.push(name);
    }
    const cutoff = new Date(now.getTime() - retentionMs);
    for (const { name, hour } of await listSamplePartitions(tx)) {
      if (hour.getTime() + HOUR_MS > cutoff.getTime()) break;
      if (await savepoint(tx, () => tx.query(`drop table ${PARTITION_SCHEMA}.${name}`))) result.dropped.push(name);
    }
    const deleted = await tx.query(
      `delete from ${PARTITION_SCHEMA}.${DEFAULT_PARTITION} where at < $1`,
      [cutoff],
    );
    result.deletedFromDefault = deleted.rowCount ?? 0;
    return result;
  });
}

/**
 * A new hour's partition. Rows of that hour already in the default partition (written before
 * the hour existed) are moved into it: PostgreSQL refuses to attach a range the default holds.
 */
async function createPartition(tx: pg.ClientBase, name: string, from: Date, to: Date): Promise<number> {
  const range = [from.toISOString(), to.toISOString()];
  const stray = await tx.query(
    `select 1 from ${PARTITION_SCHEMA}.${DEFAULT_PARTITION} where at >= $1 and at < $2 limit 1`,
    range,
  );
  if (stray.rowCount === 0) {
    await tx.query(
      `create table ${PARTITION_SCHEMA}.${name} partition of replication_samples for values from ('${range[0]}') to ('${range[1]}')`,
    );
    return 0;
  }
  await tx.query(
    `create temporary table walden_moved_samples on commit drop as
       with moved as (delete from ${PARTITION_SCHEMA}.${DEFAULT_PARTITION} where at >= $1 and at < $2 returning *)
       select * from moved`,
    range,
  );
  await tx.query(
    `create table ${PARTITION_SCHEMA}.${name} partition of replication_samples for values from ('${range[0]}') to ('${range[1]}')`,
  );
  const moved = await tx.query("insert into replication_samples select * from walden_moved_samples");
  await tx.query("drop table walden_moved_samples");
  return moved.rowCount ?? 0;
}

async function inTransaction<T>(client: pg.ClientBase, work: (tx: pg.ClientBase) => Promise<T>): Promise<T> {
  await client.query("begin");
  try {
    await client.query("set local lock_timeout = '5s'");
    await client.query("select pg_advisory_xact_lock(hashtext($1))", [LOCK_KEY]);
    const result = await work(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  }
}

/** A drop that times out on its lock is left for the next run; the rest of the run still counts. */
async function savepoint(tx: pg.ClientBase, work: () => Promise<unknown>): Promise<boolean> {
  await tx.query("savepoint walden_partition");
  try {
    await work();
    await tx.query("release savepoint walden_partition");
    return true;
  } catch (error) {
    await tx.query("rollback to savepoint walden_partition");
    if ((error as { code?: string }).code !== "55P03") throw error;
    return false;
  }
}
