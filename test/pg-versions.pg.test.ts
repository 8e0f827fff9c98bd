import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { registerCluster } from "@/lib/clusters/mutations";
import { testRegisteredCluster } from "@/lib/clusters/test-connection";
import { db } from "@/lib/db";
import { SamplerFleet } from "@/lib/worker/sampler";
import * as replicationSql from "@/lib/pg/replication-sql";
import { sqlFor, type VersionedQuery } from "@/lib/pg/versioned-sql";
import { formatLsn, parseLsn } from "@/lib/replication/lsn";
import { NodeReader } from "@/lib/replication/node-reader";
import { getReplicationSnapshot, type ReplicationView } from "@/lib/replication/queries";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import {
  PG_MAJORS,
  removeReplicaPair,
  startReplicaPair,
  superuserQuery,
  type PgMajor,
  type PgNode,
  type ReplicaPair,
} from "./embedded-postgres";

// Walden's monitoring SQL and its real sampler against a primary and a streaming standby of
// every supported major (13–18), one major at a time: a query that errors on a version, or
// a view that reads differently there, fails that major's tests.
// Time budget: about 10 s per major (initdb, copy, a few sampler ticks), 60–90 s in all.

const actor: Actor = {
  kind: "session",
  userId: "00000000-0000-0000-0000-000000000001",
  email: "test",
  role: "admin",
  label: "pg versions test",
};
const MiB = 1024 * 1024;
/** Ports 26900–26999 belong to this file: major M uses 26900 + 2·(M − 13) and the next one. */
const portsFor = (major: number) => ({
  primaryPort: 26900 + 2 * (major - 13),
  standbyPort: 26901 + 2 * (major - 13),
});
const rootFor = (major: number) => path.join(inject("waldenHome"), "pg-versions", String(major));

const monitoringQueries = Object.values(replicationSql).filter(
  (value): value is VersionedQuery => typeof value === "object" && value !== null && "variants" in value,
);

/**
 * Pairs being started, by major. While one major is tested the next one is already being
 * created (initdb and the copy are most of the time), so at most two pairs run at once.
 */
const starting = new Map<PgMajor, Promise<ReplicaPair>>();
function startPair(major: PgMajor): Promise<ReplicaPair> {
  let pair = starting.get(major);
  if (!pair) {
    pair = startReplicaPair({ major, root: rootFor(major), ...portsFor(major) });
    pair.catch(() => {}); // reported by the beforeAll that awaits it
    starting.set(major, pair);
  }
  return pair;
}

// Whatever was started, even for a major whose tests failed or were filtered out.
afterAll(async () => {
  await Promise.all(
    [...starting.entries()].map(async ([major, pair]) => {
      await pair.catch(() => {});
      await removeReplicaPair({ major, root: rootFor(major) });
    }),
  );
});

for (const major of PG_MAJORS) {
  describe(`PostgreSQL ${major}`, () => {
    let pair: ReplicaPair;
    let clusterId: string | undefined;
    let fleet: SamplerFleet | undefined;
    const log: string[] = [];

    /**
     * The first stored snapshot where both nodes answered and `check` holds. A node that misses
     * one tick's deadline on a busy machine is waited out; a query that fails every tick is not.
     */
    async function waitFor(
      description: string,
      check: (view: ReplicationView) => boolean,
      timeoutMs = 15_000,
    ): Promise<ReplicationView> {
      const deadline = Date.now() + timeoutMs;
      let view: ReplicationView | null = null;
      while (Date.now() < deadline) {
        view = await getReplicationSnapshot(clusterId!);
        if (view && view.primary.reachable && view.standbys[0]?.reachable && check(view)) return view;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(
        `PostgreSQL ${major}: timed out waiting for ${description}; last snapshot: ${JSON.stringify(view)}`,
      );
    }

    beforeAll(async () => {
      pair = await startPair(major);
      const next = PG_MAJORS[PG_MAJORS.indexOf(major) + 1];
      if (next) void startPair(next);
      // A finished segment, so the archiver has something to count.
      await superuserQuery(pair, pair.primary, "select pg_switch_wal()");
      const node = (n: PgNode) => ({ host: n.host, port: n.port, ...pair.monitor });
      const cluster = await registerCluster(
        actor,
        clusterCreateSchema.parse({
          name: `pg${major}-${Date.now().toString(36)}`,
          primary: node(pair.primary),
          standbys: [{ name: "standby", ...node(pair.standby) }],
          archive: { mode: "archive_command", path: pair.archiveDir },
        }),
        {},
      );
      clusterId = cluster.id;
      fleet = new SamplerFleet(inject("databaseUrl"), `pg-versions-${major}-${process.pid}`, (line) =>
        log.push(line),
      );
      fleet.start();
    });

    afterAll(async () => {
      await fleet?.stop();
      if (clusterId) await db().cluster.delete({ where: { id: clusterId } });
      await removeReplicaPair({ major, root: rootFor(major) });
    });

    it("runs every monitoring query on the nodes it is meant for, as a pg_monitor role", async () => {
      const failures: string[] = [];
      for (const node of [pair.primary, pair.standby]) {
        const client = new pg.Client({ host: node.host, port: node.port, ...pair.monitor });
        await client.connect();
        try {
          const { rows } = await client.query<{ v: number }>(
            "select current_setting('server_version_num')::int as v",
          );
          const versionNum = rows[0]!.v;
          expect(Math.floor(versionNum / 10000)).toBe(major);
          for (const query of monitoringQueries) {
            if (query.scope !== "any" && query.scope !== node.name) continue;
            await client
              .query(sqlFor(query, versionNum))
              .catch((error: Error) => failures.push(`${query.name} on ${node.name}: ${error.message}`));
          }
        } finally {
          await client.end();
        }
      }
      expect(monitoringQueries.length).toBeGreaterThanOrEqual(10);
      expect(failures).toEqual([]);
    });

    it("reads the primary and the standby with the sampler's NodeReader", async () => {
      const connection = (n: PgNode) => ({ host: n.host, port: n.port, ...pair.monitor });
      const primaryReader = new NodeReader(connection(pair.primary), 5_000);
      const standbyReader = new NodeReader(connection(pair.standby), 5_000);
      try {
        const primary = await primaryReader.readPrimary();
        const standby = await standbyReader.readStandby();
        if (!primary.ok) throw new Error(`primary: ${primary.error}`);
        if (!standby.ok) throw new Error(`standby: ${standby.error}`);
        expect(primary.data.identity).toMatchObject({ in_recovery: false });
        expect(Math.floor(primary.data.identity.server_version_num / 10000)).toBe(major);
        expect(primary.data.position?.timeline).toBe(1);
        expect(primary.data.replication).toEqual([
          expect.objectContaining({ application_name: "standby", state: "streaming", sync_state: "async" }),
        ]);
        expect(primary.data.slots).toEqual([
          expect.objectContaining({
            slot_name: pair.slot,
            slot_type: "physical",
            active: true,
            wal_status: "reserved",
          }),
        ]);
        // The archive_status folder is listable by pg_monitor: a count, not "unknown".
        expect(primary.data.readyCount).toEqual(expect.any(Number));
        expect(standby.data.identity.in_recovery).toBe(true);
        expect(standby.data.receiver).toMatchObject({
          status: "streaming",
          received_tli: 1,
          sender_port: pair.primary.port,
          slot_name: pair.slot,
        });
        expect(standby.data.position?.pause_state).toBe("not paused");
        expect(standby.data).toMatchObject({ timeline: 1, conflicts: 0, slots: [], replication: [] });
      } finally {
        await Promise.all([primaryReader.close(), standbyReader.close()]);
      }
    });

    it("stores a snapshot: primary of this major, standby streaming through an active slot, WAL archived", async () => {
      const view = await waitFor(
        "a streaming standby and an archived segment",
        (v) => v.standbys[0]?.state === "streaming" && (v.archiver?.archivedCount ?? 0) >= 1,
      );
      expect(view.primary).toMatchObject({ reachable: true, inRecovery: false, timeline: 1, error: null });
      expect(Math.floor(view.primary.serverVersionNum! / 10000)).toBe(major);
      const standby = view.standbys[0]!;
      expect(standby).toMatchObject({
        name: "standby",
        upstream: "primary",
        reachable: true,
        syncState: "async",
        replayPaused: false,
        timeline: 1,
        conflicts: 0,
        error: null,
      });
      for (const bytes of Object.values(standby.lagBytes)) expect(bytes).toBeGreaterThanOrEqual(0);
      expect(view.slots).toEqual([
        expect.objectContaining({ name: pair.slot, node: "primary", active: true, walStatus: "reserved" }),
      ]);
      expect(view.slots[0]!.retainedBytes).toBeGreaterThanOrEqual(0);
      expect(view.archiver).toMatchObject({ failedCount: 0, failing: false, readyCount: expect.any(Number) });
      expect(view.archiver!.lastArchivedWal).toMatch(/^00000001[0-9A-F]{16}$/);
      const registered = await testRegisteredCluster(clusterId!);
      expect(
        registered.nodes.map((n) => [n.name, n.ok && n.report.role, n.ok && n.report.serverVersionNum]),
      ).toEqual([
        ["primary", "primary", view.primary.serverVersionNum],
        ["standby", "standby", view.primary.serverVersionNum],
      ]);
    });

    it("sees the standby replay WAL written on the primary, with no sampling failure logged", async () => {
      const lsnNow = async () =>
        parseLsn(
          (
            await superuserQuery<{ lsn: string }>(
              pair,
              pair.primary,
              "select pg_current_wal_lsn()::text as lsn",
            )
          )[0]!.lsn,
        );
      const before = await lsnNow();
      await superuserQuery(
        pair,
        pair.primary,
        "create table walden_versions (x text); insert into walden_versions select repeat(md5(i::text), 8) from generate_series(1, 10000) i",
      );
      const target = await lsnNow();
      const lsn = formatLsn(target);
      expect(Number(target - before)).toBeGreaterThan(MiB);
      const view = await waitFor(
        `standby replay at ${lsn}`,
        (v) => v.standbys[0]?.replayLsn != null && parseLsn(v.standbys[0].replayLsn) >= target,
      );
      const standby = view.standbys[0]!;
      expect(parseLsn(view.primary.currentLsn!)).toBeGreaterThanOrEqual(target);
      // Read from the standby itself in that same tick, not only from the primary's view of it.
      expect(standby).toMatchObject({ state: "streaming", reachable: true, error: null });
      expect(view.primary.error).toBeNull();
      expect(parseLsn(standby.receiveLsn!)).toBeGreaterThanOrEqual(target);
      expect(standby.lagBytes.replay).toBeGreaterThanOrEqual(0);
      expect(standby.lagBytes.replay).toBeLessThan(MiB);
      expect(standby.lagSeconds.replay).toBeGreaterThanOrEqual(0);
      // The standby answers the rows: replay really happened, not just an LSN report.
      const [{ n }] = (await superuserQuery(
        pair,
        pair.standby,
        "select count(*)::int as n from walden_versions",
      )) as [{ n: number }];
      expect(n).toBe(10000);
      // A slow tick ("no answer within") can happen on a busy machine; an SQL error cannot.
      const failures = log.filter(
        (line) => /sample failed|does not answer/.test(line) && !/no answer within/.test(line),
      );
      expect(failures).toEqual([]);
      expect(fleet!.ownedClusterIds).toContain(clusterId);
    });
  });
}
