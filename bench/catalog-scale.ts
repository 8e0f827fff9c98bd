import type pg from "pg";
import { maintainSamplePartitions, partitionName, PARTITION_SCHEMA } from "@/lib/replication/partitions";
import { RAW_RETENTION_MS } from "@/lib/replication/rollup";
import type { Bench } from "./setup";
import { fmt, now, ratio, table } from "./support";

// The catalog part (issue 17): what pruning one hour of raw samples costs, measured side by side
// in one run on the same catalog: the hourly partition dropped by the worker's maintenance
// (lib/replication/partitions.ts) vs the DELETE … WHERE at < cutoff that pruned the unpartitioned
// table before, on a copy of that table's old shape (its primary key, its two indexes) holding
// the same hour of rows plus newer rows that stay. The hour is that of a fleet of
// CATALOG_SETTINGS.standbys standbys sampled every second (500 nodes in clusters of three).

export const CATALOG_SETTINGS = {
  /** Standbys sampled once a second for the hour pruned: a 501-node fleet of 3-node clusters. */
  standbys: 334,
  /** Seconds of newer rows beside the pruned hour in the unpartitioned table. */
  keptSeconds: 600,
} as const;

export interface PruneResult {
  rows: number;
  dropMs: number;
  dropWalBytes: number;
  deleteMs: number;
  deleteWalBytes: number;
  /** Dead tuples the DELETE left for vacuum (the drop leaves none). */
  deleteDeadRows: number;
  /** The hour's partition on disk (heap and both indexes) per row. */
  bytesPerRow: number;
}

/** A fleet of 3-node clusters has 2 standbys per 3 nodes; each is one row a second. */
export const ROWS_PER_NODE_DAY = (2 / 3) * 86_400;

const PLAIN = "bench_samples_unpartitioned";
const HOUR_MS = 3600_000;

async function walBytesDuring(catalog: pg.Client, work: () => Promise<unknown>): Promise<{ ms: number; wal: number }> {
  const before = (await catalog.query<{ lsn: string }>("select pg_current_wal_lsn()::text as lsn")).rows[0]!.lsn;
  const start = now();
  await work();
  const ms = now() - start;
  const { rows } = await catalog.query<{ bytes: number }>(
    "select pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::float8 as bytes",
    [before],
  );
  return { ms, wal: rows[0]!.bytes };
}

/** One hour of `standbys` × 3600 rows, starting at `from`, as the sampler writes them. */
const hourOfRows = (target: string, standbys: number, seconds: number) => `
  insert into ${target} (cluster_id, standby, at, state, primary_lsn, replay_lsn, write_bytes, flush_bytes, replay_bytes, replay_seconds)
  select $1::uuid, 'standby' || s, $2::timestamptz + t * interval '1 second', 'streaming',
         16777216 + t * 65536, 16777216 + t * 65536 - 8192, 0, 0, 8192, 0.001 * s
    from generate_series(1, ${standbys}) s, generate_series(0, ${seconds - 1}) t`;

export async function measurePrune(
  bench: Bench,
  catalog: pg.Client,
  progress: (line: string) => void,
): Promise<PruneResult> {
  const { standbys, keptSeconds } = CATALOG_SETTINGS;
  const current = Date.now();
  // An hour long past retention, so the worker's maintenance drops it; nothing else is that old.
  const hour = new Date(Math.floor((current - RAW_RETENTION_MS) / HOUR_MS) * HOUR_MS - 24 * HOUR_MS);
  const rows = standbys * 3600;

  // The old shape: one table, its key and both indexes, as migration 20261126010000 made it.
  await catalog.query(`drop table if exists ${PLAIN}`);
  await catalog.query(
    `create table ${PLAIN} (id bigserial primary key, cluster_id uuid not null, standby text not null,
       at timestamptz(3) not null, state text not null, primary_lsn bigint, replay_lsn bigint, write_bytes bigint,
       flush_bytes bigint, replay_bytes bigint, replay_seconds double precision)`,
  );
  await catalog.query(`create index on ${PLAIN} (cluster_id, standby, at)`);
  await catalog.query(`create index on ${PLAIN} (at)`);
  try {
    progress(`writing ${rows.toLocaleString("en-US")} rows (one hour of ${standbys} standbys) into each table`);
    await catalog.query(hourOfRows(PLAIN, standbys, 3600), [bench.clusterId, hour]);
    await catalog.query(hourOfRows(PLAIN, standbys, keptSeconds), [bench.clusterId, new Date(current - keptSeconds * 1000)]);
    // The partitioned table: that hour made as the worker would have made it then.
    await maintainSamplePartitions(RAW_RETENTION_MS, new Date(hour.getTime() + 60_000), catalog);
    await catalog.query(hourOfRows("replication_samples", standbys, 3600), [bench.clusterId, hour]);
    await catalog.query(`analyze ${PLAIN}`);
    await catalog.query(`checkpoint`);
    const size = await catalog.query<{ bytes: number }>(
      `select pg_total_relation_size($1)::float8 as bytes`,
      [`${PARTITION_SCHEMA}.${partitionName(hour)}`],
    );

    progress("pruning: DELETE from the unpartitioned table");
    const cutoff = new Date(hour.getTime() + HOUR_MS);
    let deleted = 0;
    const deletion = await walBytesDuring(catalog, async () => {
      deleted = (await catalog.query(`delete from ${PLAIN} where at < $1`, [cutoff])).rowCount ?? 0;
    });
    const dead = await catalog.query<{ n: number }>(
      `select n_dead_tup::float8 as n from pg_stat_user_tables where relname = $1`,
      [PLAIN],
    );
    await catalog.query(`checkpoint`);

    progress("pruning: the worker's maintenance drops the hour's partition");
    const name = partitionName(hour);
    let dropped: string[] = [];
    const drop = await walBytesDuring(catalog, async () => {
      dropped = (await maintainSamplePartitions(RAW_RETENTION_MS, new Date(), catalog)).dropped;
    });
    if (!dropped.includes(name)) throw new Error(`the maintenance did not drop ${PARTITION_SCHEMA}.${name}`);
    if (deleted !== rows) throw new Error(`the DELETE removed ${deleted} rows, not ${rows}`);
    return {
      rows,
      dropMs: drop.ms,
      dropWalBytes: drop.wal,
      deleteMs: deletion.ms,
      deleteWalBytes: deletion.wal,
      deleteDeadRows: dead.rows[0]?.n ?? NaN,
      bytesPerRow: size.rows[0]!.bytes / rows,
    };
  } finally {
    await catalog.query(`drop table if exists ${PLAIN}`);
  }
}

export function printPrune(result: PruneResult, loadAverage: string): void {
  const MiB = 2 ** 20;
  console.log(
    table(
      ["prune of one hour", "rows", "duration ms", "WAL MiB", "dead rows left for vacuum"],
      [
        ["drop the hour's partition (now)", fmt(result.rows, 0), fmt(result.dropMs, 0), fmt(result.dropWalBytes / MiB, 2), "0"],
        [
          "DELETE … WHERE at < cutoff (before)",
          fmt(result.rows, 0),
          fmt(result.deleteMs, 0),
          fmt(result.deleteWalBytes / MiB, 2),
          fmt(result.deleteDeadRows, 0),
        ],
      ],
    ),
  );
  console.log(
    `raw samples on disk: ${fmt(result.bytesPerRow, 0)} bytes per row (heap and both indexes), ` +
      `${fmt((result.bytesPerRow * ROWS_PER_NODE_DAY) / MiB, 2)} MiB per node-day ` +
      `(${fmt(ROWS_PER_NODE_DAY, 0)} rows: 2 standbys per 3 nodes, 1 s)`,
  );
  console.log(
    `one hour of ${CATALOG_SETTINGS.standbys} standbys sampled every second; the drop is timed as the worker ` +
      `runs it (its whole maintenance: create ahead, drop, clean the default partition); ${loadAverage}`,
  );
}

export function catalogSummaryRows(result: PruneResult): string[][] {
  return [
    [
      "catalog: raw samples on disk per node-day (MiB)",
      fmt((result.bytesPerRow * ROWS_PER_NODE_DAY) / 2 ** 20, 2),
      "—",
      "—",
      `${fmt(result.bytesPerRow, 0)} bytes per row`,
    ],
    [
      "catalog: prune one hour of raw samples (ms)",
      fmt(result.dropMs, 0),
      fmt(result.deleteMs, 0),
      ratio(result.dropMs, result.deleteMs, 3),
      `DELETE of the ${fmt(result.rows, 0)} rows`,
    ],
    [
      "catalog: WAL written by that prune (MiB)",
      fmt(result.dropWalBytes / 2 ** 20, 2),
      fmt(result.deleteWalBytes / 2 ** 20, 1),
      ratio(result.dropWalBytes, result.deleteWalBytes, 4),
      "the same DELETE",
    ],
  ];
}
