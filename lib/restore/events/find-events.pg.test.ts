import type pg from "pg";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as tableEventsRoute from "@/app/api/v1/clusters/[id]/table-events/route";
import type { Actor } from "@/lib/auth/actor";
import { registerCluster } from "@/lib/clusters/mutations";
import { db } from "@/lib/db";
import { createBoss } from "@/lib/queue/boss";
import { parsePayload } from "@/lib/queue/queues";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import { tableEventsQuerySchema } from "@/lib/schemas/restore";
import { switchWal, waitForArchived, withPrimary } from "@/lib/wal/wal-fixtures";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { findTableEvents, type TableEventsResult } from "./find-events";
import { captureRelationMap, listRelationMaps } from "./relation-map";

// The event finder on real archived WAL of the sandbox primary: deletes, a truncate and a drop
// made here with known xids must come back exactly, the dropped table found by its old name.

const sandbox = inject("sandbox");
const primary = sandbox.cluster.primary;
const archiveDir = sandbox.cluster.archiveDir;
const actor: Actor = {
  kind: "session",
  userId: "00000000-0000-0000-0000-000000000001",
  email: "test",
  role: "admin",
  label: "event finder test",
};
// The sandbox is shared between runs: every table name is new.
const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const t = {
  del: `ev_del_${suffix}`,
  trunc: `ev_trunc_${suffix}`,
  drop: `ev_drop_${suffix}`,
  parted: `ev_parted_${suffix}`,
  span: `ev_span_${suffix}`,
};

let clusterId: string;
let worker: PgBoss | undefined;
let from: string;
let to: string;
const xid: Record<string, number> = {};

async function inTransaction(client: pg.Client, statements: string[]): Promise<number> {
  await client.query("begin");
  const { rows } = await client.query<{ xid: string }>("select txid_current()::text as xid");
  for (const statement of statements) await client.query(statement);
  await client.query("commit");
  return Number(rows[0]!.xid);
}

async function serverTime(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ now: Date }>("select clock_timestamp() as now");
  return rows[0]!.now.toISOString();
}

function ask(table: string, extra: Record<string, unknown> = {}): Promise<TableEventsResult> {
  return findTableEvents(clusterId, tableEventsQuerySchema.parse({ table, from, to, ...extra }));
}

beforeAll(async () => {
  const cluster = await registerCluster(
    actor,
    clusterCreateSchema.parse({
      name: `events-${suffix}`,
      primary: {
        host: primary.host,
        port: primary.port,
        user: primary.user,
        password: primary.password,
        database: primary.database,
      },
      archive: { mode: "archive_command", path: archiveDir },
    }),
    {},
  );
  clusterId = cluster.id;

  await withPrimary(primary, async (client) => {
    await client.query(`create table ${t.del} (id int primary key, note text)`);
    await client.query(`insert into ${t.del} select g, 'row ' || g from generate_series(1, 500) g`);
    await client.query(`create table ${t.trunc} (id int primary key, big text)`);
    await client.query(`insert into ${t.trunc} select g, repeat('x', 3000) from generate_series(1, 20) g`);
    await client.query(`create table ${t.drop} (id int primary key)`);
    await client.query(`insert into ${t.drop} select generate_series(1, 50)`);
    await client.query(`create table ${t.parted} (id int) partition by range (id)`);
    await client.query(`create table ${t.parted}_a partition of ${t.parted} for values from (0) to (100)`);
    await client.query(`create table ${t.parted}_b partition of ${t.parted} for values from (100) to (200)`);
    await client.query(`insert into ${t.parted} select generate_series(0, 199)`);
    await client.query(`create table ${t.span} (id int)`);
    await client.query(`insert into ${t.span} select generate_series(1, 300)`);
  });
  // The map the worker takes at each backup: the only record of the dropped table's file.
  await captureRelationMap(clusterId);

  await withPrimary(primary, async (client) => {
    from = await serverTime(client);
    xid.del200 = await inTransaction(client, [`delete from ${t.del} where id <= 200`]);
    xid.del3 = await inTransaction(client, [`delete from ${t.del} where id between 201 and 203`]);
    // A rolled-back delete of 250 rows is no event.
    await client.query("begin");
    await client.query(`delete from ${t.del} where id > 250`);
    await client.query("rollback");
    // Rows deleted in a released savepoint count for the top-level transaction; a rolled-back one does not.
    xid.savepoint = await inTransaction(client, [
      "savepoint a",
      `delete from ${t.del} where id between 204 and 323`,
      "release savepoint a",
      "savepoint b",
      `delete from ${t.del} where id > 400`,
      "rollback to savepoint b",
    ]);
    // VACUUM FULL gives the table a new file: no event, and later deletes still count.
    await client.query(`vacuum full ${t.del}`);
    xid.afterRewrite = await inTransaction(client, [`delete from ${t.del} where id between 324 and 350`]);
    xid.trunc = await inTransaction(client, [`truncate ${t.trunc}`]);
    // Rows of the file the truncate made, then a second truncate: no map ever saw that file.
    await client.query(`insert into ${t.trunc} select g, 'y' from generate_series(1, 8) g`);
    xid.truncDelete = await inTransaction(client, [`delete from ${t.trunc} where id <= 5`]);
    xid.trunc2 = await inTransaction(client, [`truncate ${t.trunc}`]);
    xid.drop = await inTransaction(client, [`drop table ${t.drop}`]);
    xid.parted = await inTransaction(client, [`delete from ${t.parted} where id between 50 and 159`]);
    // A delete whose records span three segments.
    xid.span = await inTransaction(client, [
      `delete from ${t.span} where id <= 100`,
      "select pg_switch_wal()",
      `delete from ${t.span} where id between 101 and 200`,
      "select pg_switch_wal()",
      `delete from ${t.span} where id > 200`,
    ]);
    to = await serverTime(client);
    const closed = await switchWal(client);
    await waitForArchived(archiveDir, closed);
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop({ graceful: false, wait: true });
  await withPrimary(primary, async (client) => {
    for (const table of [t.del, t.trunc, t.drop, t.parted, t.span])
      await client.query(`drop table if exists ${table}`);
  });
  if (clusterId) await db().cluster.delete({ where: { id: clusterId } });
});

describe("findTableEvents on the sandbox archive", () => {
  it("keeps relation maps: our tables with their files, once per change", async () => {
    const maps = await listRelationMaps(clusterId);
    expect(maps.length).toBeGreaterThanOrEqual(1);
    const first = maps[0]!.entries;
    const dropped = first.find((entry) => entry.name === t.drop);
    expect(dropped).toMatchObject({ database: primary.database, schema: "public", kind: "r" });
    expect(dropped!.relfilenode).toBeGreaterThanOrEqual(16384);
    expect(first.find((entry) => entry.name === `${t.parted}_a`)?.rootOid).toBe(
      first.find((entry) => entry.name === t.parted)?.oid,
    );
    expect(first.find((entry) => entry.name === t.parted)?.relfilenode).toBeNull();
    expect(first.find((entry) => entry.schema === "pg_catalog" && entry.name === "pg_class")).toBeDefined();
    expect(maps[0]!.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    // Nothing changed since the last capture: no new row.
    const again = await captureRelationMap(clusterId);
    const twice = await captureRelationMap(clusterId);
    expect(twice.stored).toBe(false);
    expect(twice.id).toBe(again.id);
  });

  it("lists the big deletes of a table with their xids, not the small or rolled-back ones", async () => {
    const result = await ask(t.del, { minDeletedRows: 100 });
    expect(result.problems.filter((problem) => !/newest archived commit/.test(problem))).toEqual([]);
    expect(result.events.map((event) => [event.xid, event.kind, event.deletedRows])).toEqual([
      [xid.del200, "delete", 200],
      [xid.savepoint, "delete", 120],
    ]);
    const [first] = result.events;
    expect(first).toMatchObject({
      relations: [`public.${t.del}`],
      restoreTarget: { type: "xid", value: String(xid.del200), inclusive: false },
      commitLsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]{8}$/),
    });
    expect(Date.parse(first!.commitTime)).toBeGreaterThanOrEqual(Date.parse(from));
    expect(Date.parse(first!.commitTime)).toBeLessThanOrEqual(Date.parse(to));
    expect(result).toMatchObject({ table: `public.${t.del}`, database: primary.database, capped: false });
    expect(result.scannedSegments).toBeGreaterThanOrEqual(1);

    const all = await ask(`public.${t.del}`, { minDeletedRows: 1 });
    expect(all.events.map((event) => [event.xid, event.kind, event.deletedRows])).toEqual([
      [xid.del200, "delete", 200],
      [xid.del3, "delete", 3],
      [xid.savepoint, "delete", 120],
      [xid.afterRewrite, "delete", 27],
    ]);
  });

  it("finds the truncates, and follows the table to the file a truncate gave it", async () => {
    const result = await ask(t.trunc);
    expect(result.events).toMatchObject([
      { xid: xid.trunc, kind: "truncate", relations: [`public.${t.trunc}`] },
      { xid: xid.trunc2, kind: "truncate" },
    ]);
    expect(result.events[0]!.deletedRows).toBeUndefined();
    const withSmall = await ask(t.trunc, { minDeletedRows: 1 });
    expect(withSmall.events.map((event) => [event.xid, event.kind, event.deletedRows])).toEqual([
      [xid.trunc, "truncate", undefined],
      [xid.truncDelete, "delete", 5],
      [xid.trunc2, "truncate", undefined],
    ]);
  });

  it("finds the dropped table by its old name", async () => {
    const result = await ask(t.drop, { database: primary.database });
    expect(result.events).toMatchObject([
      {
        xid: xid.drop,
        kind: "drop",
        relations: [`public.${t.drop}`],
        restoreTarget: { type: "xid", value: String(xid.drop), inclusive: false },
      },
    ]);
  });

  it("counts a partitioned table's deletes across its partitions", async () => {
    const result = await ask(t.parted);
    expect(result.events).toMatchObject([
      {
        xid: xid.parted,
        kind: "delete",
        deletedRows: 110,
        relations: [`public.${t.parted}_a`, `public.${t.parted}_b`],
      },
    ]);
  });

  it("counts every row of a delete whose records span three segments", async () => {
    const result = await ask(t.span);
    expect(result.events.map((event) => [event.xid, event.deletedRows])).toEqual([[xid.span, 300]]);
    // From its commit on: the segments before are read back while they hold its rows.
    const spanStart = await ask(t.span, { from: result.events[0]!.commitTime });
    expect(spanStart.events.map((event) => [event.xid, event.deletedRows])).toEqual([[xid.span, 300]]);
  });

  it("lists nothing outside the range, and says when a table was never mapped", async () => {
    const later = await findTableEvents(
      clusterId,
      tableEventsQuerySchema.parse({
        table: t.del,
        from: to,
        to: new Date(Date.parse(to) + 60_000).toISOString(),
      }),
    );
    expect(later.events).toEqual([]);
    const hurried = await findTableEvents(
      clusterId,
      tableEventsQuerySchema.parse({ table: t.del, from, to }),
      {
        timeBudgetMs: 0,
      },
    );
    expect(hurried).toMatchObject({ events: [], capped: true, scannedSegments: 0, scannedWal: null });
    expect(hurried.problems.join("\n")).toMatch(/Reading stopped after 0 s at 0 of \d+ segments/);
    const unknown = await ask(`never_${suffix}`);
    expect(unknown.events).toEqual([]);
    expect(unknown.problems.join("\n")).toMatch(
      /No table public\.never_.* in database app in any relation map/,
    );
    expect(unknown.scannedSegments).toBe(0);
  });
});

describe("GET /api/v1/clusters/:id/table-events", () => {
  let viewer: TestUser;
  const url = (id: string, query: Record<string, string>) =>
    `/api/v1/clusters/${id}/table-events?${new URLSearchParams(query).toString()}`;
  const get = (id: string, query: Record<string, string>, token?: string) =>
    call(tableEventsRoute.GET, "GET", url(id, query), { token, params: { id } });

  beforeAll(async () => {
    viewer = await makeUser("viewer", "table-events");
    // What the worker does for this queue (lib/worker/main.ts), in this process.
    worker = createBoss(inject("databaseUrl"), { supervise: false, schedule: false });
    worker.on("error", () => {});
    await worker.start();
    await worker.createQueue("restore.events");
    await worker.work("restore.events", { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      const payload = parsePayload("restore.events", job!.data);
      return findTableEvents(payload.clusterId, tableEventsQuerySchema.parse(payload.query));
    });
  });

  it("answers a viewer through the worker", async () => {
    const response = await get(clusterId, { table: t.drop, from, to }, viewer.token);
    expect(response.status).toBe(200);
    expect(response.json.events).toMatchObject([
      {
        xid: xid.drop,
        kind: "drop",
        restoreTarget: { type: "xid", value: String(xid.drop), inclusive: false },
      },
    ]);
  });

  it("needs a signed-in user, a known cluster and a valid query", async () => {
    const query = { table: t.drop, from, to };
    expect((await get(clusterId, query)).status).toBe(401);
    const unknown = await get("00000000-0000-4000-8000-000000000000", query, viewer.token);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("not_found");
    const noOffset = await get(clusterId, { ...query, from: "2026-11-26 10:00" }, viewer.token);
    expect(noOffset.status).toBe(422);
    expect(noOffset.json.error.details.issues[0].path).toBe("from");
    const badName = await get(clusterId, { ...query, table: "orders; drop table x" }, viewer.token);
    expect(badName.status).toBe(422);
    const reversed = await get(clusterId, { ...query, from: to, to: from }, viewer.token);
    expect(reversed.status).toBe(422);
    expect(reversed.json.error.details.issues).toEqual([{ path: "from", message: "must not be after to" }]);
    const extra = await get(clusterId, { ...query, limit: "5" }, viewer.token);
    expect(extra.status).toBe(422);
  });
});
