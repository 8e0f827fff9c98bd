import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import {
  DEFAULT_PARTITION,
  HOURS_AHEAD,
  listSamplePartitions,
  maintainSamplePartitions,
  PARTITION_SCHEMA,
  partitionName,
} from "@/lib/replication/partitions";
import { RAW_RETENTION_MS, rollUpReplication } from "@/lib/replication/rollup";

// Raw samples by hour (issue 17): the worker's maintenance creates the coming hours ahead and
// prunes by dropping whole hours; rows written before their hour existed are moved into it.

const HOUR = 3600_000;
const hourStart = (ms: number) => Math.floor(ms / HOUR) * HOUR;
let clusterId: string;

beforeAll(async () => {
  const cluster = await db().cluster.create({
    data: {
      name: `partitions-${Date.now().toString(36)}`,
      archiveMode: "archive_command",
      nodes: {
        create: [
          { name: "primary", role: "primary", host: "127.0.0.1", port: 1, username: "u", database: "d" },
          { name: "standby1", role: "standby", host: "127.0.0.1", port: 2, username: "u", database: "d" },
        ],
      },
    },
  });
  clusterId = cluster.id;
});

afterAll(async () => {
  await db().cluster.delete({ where: { id: clusterId } });
});

const exists = async (name: string) =>
  (await db().$queryRawUnsafe<{ r: string | null }[]>(`select to_regclass('${PARTITION_SCHEMA}.${name}')::text as r`))[0]!
    .r !== null;

async function insertAt(at: Date, replayBytes: number) {
  await db().replicationSample.create({
    data: { clusterId, standby: "standby1", at, state: "streaming", replayBytes: BigInt(replayBytes) },
  });
}

/** Which table a sample landed in. */
async function partitionOf(replayBytes: number): Promise<string> {
  const rows = await db().$queryRawUnsafe<{ t: string }[]>(
    `select tableoid::regclass::text as t from replication_samples where cluster_id = $1::uuid and replay_bytes = $2`,
    clusterId,
    replayBytes,
  );
  expect(rows).toHaveLength(1);
  return rows[0]!.t;
}

describe("replication samples partitioned by hour", () => {
  it("creates this hour and the next ones ahead, and the rollup's maintenance keeps them there", async () => {
    await rollUpReplication();
    const now = Date.now();
    await maintainSamplePartitions(RAW_RETENTION_MS, new Date(now));
    const names = new Set((await listSamplePartitions()).map((row) => row.name));
    for (let index = 0; index <= HOURS_AHEAD; index++)
      expect(names).toContain(partitionName(new Date(hourStart(now) + index * HOUR)));
    await insertAt(new Date(now), 101);
    expect(await partitionOf(101)).toBe(`${PARTITION_SCHEMA}.${partitionName(new Date(hourStart(now)))}`);
    // Twice in a row changes nothing.
    const again = await maintainSamplePartitions(RAW_RETENTION_MS, new Date(now));
    expect(again.created).toEqual([]);
  });

  it("moves rows written before their hour existed out of the default partition into it", async () => {
    const old = new Date(Date.now() - 50 * HOUR);
    await insertAt(old, 202);
    expect(await partitionOf(202)).toBe(`${PARTITION_SCHEMA}.${DEFAULT_PARTITION}`);
    // A worker that ran 50 hours ago would have made that hour.
    const made = await maintainSamplePartitions(RAW_RETENTION_MS, old);
    expect(made.created).toContain(partitionName(new Date(hourStart(old.getTime()))));
    expect(made.moved).toBeGreaterThanOrEqual(1);
    expect(await partitionOf(202)).toBe(`${PARTITION_SCHEMA}.${partitionName(new Date(hourStart(old.getTime())))}`);
  });

  it("prunes by dropping the hours past retention as whole partitions; newer rows stay", async () => {
    const now = Date.now();
    const oldHour = partitionName(new Date(hourStart(now - 50 * HOUR)));
    const keptAt = new Date(now - 47 * HOUR);
    await insertAt(keptAt, 303);
    expect(await exists(oldHour)).toBe(true);
    const beforeCount = await db().replicationSample.count({ where: { clusterId } });

    const pruned = await maintainSamplePartitions(RAW_RETENTION_MS, new Date(now));
    expect(pruned.dropped).toContain(oldHour);
    expect(await exists(oldHour)).toBe(false);
    // No hour that ends after the cutoff was dropped.
    for (const name of pruned.dropped) expect(name < partitionName(new Date(hourStart(now - 48 * HOUR)))).toBe(true);
    expect(await db().replicationSample.count({ where: { clusterId, replayBytes: 202n } })).toBe(0);
    expect(await partitionOf(303)).toBe(`${PARTITION_SCHEMA}.${partitionName(new Date(hourStart(keptAt.getTime())))}`);
    expect(await partitionOf(101)).toMatch(/replication_samples_p/);
    expect(await db().replicationSample.count({ where: { clusterId } })).toBe(beforeCount - 1);
  });

  it("deletes rows past retention that sit in the default partition", async () => {
    await db().$executeRawUnsafe(
      `insert into ${PARTITION_SCHEMA}.${DEFAULT_PARTITION} (cluster_id, standby, at, state, replay_bytes)
       values ($1::uuid, 'standby1', now() - interval '300 hours', 'streaming', 404)`,
      clusterId,
    );
    const pruned = await maintainSamplePartitions(RAW_RETENTION_MS);
    expect(pruned.deletedFromDefault).toBeGreaterThanOrEqual(1);
    expect(await db().replicationSample.count({ where: { clusterId, replayBytes: 404n } })).toBe(0);
  });
});
