import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { planPitrRestore } from "@/lib/restore/plan-service";
import {
  promoteSandboxStandby,
  startSandbox,
  stopSandbox,
  stopSandboxServer,
  type SandboxInfo,
} from "@/lib/sandbox";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";
import { encryptNodePassword } from "@/lib/secrets";
import { getRestoreWindow } from "@/lib/wal/restore-window";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { runPitrRestore } from "@/test/pitr-restore";
import { takePhysicalBackup } from "@/test/sandbox-cluster";
import { waitUntil } from "@/test/wait";

// Restores across a promotion. A backup of the primary on timeline 1; changes; the primary
// stops and standby1 is promoted (timeline 2, archiving into the same folder as every node that
// can become primary must); more changes. A point-in-time restore to a moment before the
// promotion and one to a moment after it must both hold exactly the data of that moment: the
// planner picks timeline 2 (whose history file joins it to timeline 1), and replay follows
// timeline 1 up to the switch and timeline 2 after it.
// Promotion cannot be undone: a throwaway sandbox of its own (ports 28150+).

const options = { home: mkdtempSync(path.join(os.tmpdir(), "walden-timelines-")), basePort: 28150 };
const run = Date.now().toString(36);
const table = `tl_orders_${run}`;
let sandbox: SandboxInfo;
let clusterId: string | undefined;
const created: string[] = [];
const moments = {} as Record<"beforePromotion" | "afterPromotion", { at: string; md5: string }>;

const md5Sql = `select md5(coalesce(string_agg(t::text, ',' order by id), '')) as md5 from ${table} t`;

function connection(port: number) {
  return {
    host: "127.0.0.1",
    port,
    user: "walden",
    password: sandbox.cluster.primary.password,
    database: "app",
  };
}

async function withNode<T>(port: number, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(connection(port));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Inserts a batch, then notes the server's clock and the table's md5: the moment to restore to. */
async function changeAndNote(client: pg.Client, from: number, to: number) {
  await client.query(`insert into ${table} select g, g * 10 from generate_series($1::int, $2::int) g`, [
    from,
    to,
  ]);
  const md5 = (await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5;
  const at = (await client.query<{ t: Date }>("select clock_timestamp() as t")).rows[0]!.t.toISOString();
  // The next commit must be clearly later than the noted moment.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  return { at, md5 };
}

async function register(): Promise<string> {
  const [standby1] = sandbox.cluster.standbys;
  const cluster = await db().cluster.create({
    data: {
      name: `timelines-${run}`,
      archiveMode: "archive_command",
      archivePath: sandbox.cluster.archiveDir,
    },
  });
  const passwordEncrypted = encryptNodePassword(sandbox.cluster.primary.password);
  const node = (name: string, role: "primary" | "standby", port: number) => ({
    clusterId: cluster.id,
    name,
    role,
    host: "127.0.0.1",
    port,
    username: "walden",
    database: "app",
    passwordEncrypted,
  });
  await db().node.createMany({
    data: [
      node("primary", "primary", sandbox.cluster.primary.port),
      node("standby1", "standby", standby1!.port),
    ],
  });
  return cluster.id;
}

beforeAll(async () => {
  sandbox = await startSandbox(options);
  const [standby1] = sandbox.cluster.standbys;
  // The sandbox's standbys carry the primary's archive_command (archive_mode "on": they archive
  // into the same folder only once promoted), as every node that can become primary must.
  const { archiveDir } = sandbox.cluster;
  clusterId = await register();
  await withNode(sandbox.cluster.primary.port, async (client) => {
    await client.query(`create table ${table} (id int primary key, amount int not null)`);
    await client.query(`insert into ${table} select g, g from generate_series(1, 100) g`);
  });
  await takePhysicalBackup(clusterId);

  await withNode(sandbox.cluster.primary.port, async (client) => {
    moments.beforePromotion = await changeAndNote(client, 101, 200);
    // A commit after the moment, still on timeline 1.
    await client.query(`delete from ${table} where id <= 10`);
  });
  // The old primary stops cleanly (its last WAL reaches standby1), then standby1 is promoted.
  await stopSandboxServer(options, "primary");
  await promoteSandboxStandby(options, "standby1");
  await withNode(standby1!.port, async (client) => {
    await waitUntil(
      "standby1 to leave recovery",
      async () => !(await client.query<{ r: boolean }>("select pg_is_in_recovery() as r")).rows[0]!.r,
      30_000,
    );
    moments.afterPromotion = await changeAndNote(client, 201, 300);
    // A commit after the second moment, so replay has WAL to stop on; then close the segment.
    await client.query(`update ${table} set amount = 0 where id > 250`);
    await waitForArchived(archiveDir, await switchWal(client), 30_000);
  });
}, 180_000);

afterAll(async () => {
  for (const id of created) await removeInstance(instancePaths(id)).catch(() => {});
  if (clusterId) await db().cluster.delete({ where: { id: clusterId } });
  await stopSandbox(options);
  rmSync(options.home, { recursive: true, force: true });
}, 60_000);

async function restoredMd5(port: number): Promise<string> {
  return withNode(port, async (client) => {
    await client.query("set lock_timeout = '5s'");
    return (await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5;
  });
}

describe("restores across a promotion", () => {
  it("has a window that spans both timelines, joined by the archived history file", async () => {
    expect(readdirSync(sandbox.cluster.archiveDir)).toContain("00000002.history");
    const window = await getRestoreWindow(clusterId!);
    const timeline2 = window.timelines.find((timeline) => timeline.timeline === 2);
    expect(timeline2).toMatchObject({ parent: 1, hasHistoryFile: true });
    expect(timeline2!.switchLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(window.ranges).toHaveLength(1);
    expect(window.ranges[0]).toMatchObject({ timeline: 2 });
    expect(Date.parse(window.earliest!)).toBeLessThan(Date.parse(moments.beforePromotion.at));
    expect(Date.parse(window.latest!)).toBeGreaterThan(Date.parse(moments.afterPromotion.at));
  });

  it("plans both moments on timeline 2 and says where replay crosses from timeline 1", async () => {
    for (const moment of [moments.beforePromotion, moments.afterPromotion]) {
      const planned = await planPitrRestore(
        pitrRestoreRequestSchema.parse({
          clusterId,
          kind: "pitr",
          target: { type: "time", value: moment.at },
        }),
      );
      expect(planned.ok, planned.ok ? "" : planned.message).toBe(true);
      if (!planned.ok) continue;
      expect(planned.plan).toMatchObject({ timeline: "2", checkedTimeline: 2 });
      expect(planned.plan.summary).toMatch(
        /on timeline 2; replay follows timeline 1 until [0-9A-F]+\/[0-9A-F]+, then timeline 2/,
      );
    }
  });

  it("restores a moment before the promotion md5-identically", async () => {
    const restore = await runPitrRestore(clusterId!, { type: "time", value: moments.beforePromotion.at });
    created.push(restore.id);
    expect(await restoredMd5(restore.port!)).toBe(moments.beforePromotion.md5);
    await removeInstance(instancePaths(restore.id));
  });

  it("restores a moment after the promotion md5-identically", async () => {
    const restore = await runPitrRestore(clusterId!, { type: "time", value: moments.afterPromotion.at });
    created.push(restore.id);
    expect(await restoredMd5(restore.port!)).toBe(moments.afterPromotion.md5);
    await removeInstance(instancePaths(restore.id));
  });
});
