import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "@/lib/db";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { restoredHba } from "@/lib/restore/recovery-config";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { ownedDir, ownedFile } from "@/test/embedded-postgres";
import { runPitrRestore } from "@/test/pitr-restore";
import { takePhysicalBackup } from "@/test/sandbox-cluster";
import { startSourceCluster, type SourceCluster } from "@/test/source-cluster";
import { waitUntil } from "@/test/wait";

// A restored copy never acts on the outside world. The source here has what real clusters
// have and the sandbox lacks: hooks set with ALTER SYSTEM that would touch a marker file and
// delete archived WAL, a subscription to another server, pg_cron with a job every minute, its
// own data_directory line and an include of a file outside its data directory. It is restored
// to the latest commit (promoted) after a replay with several restartpoints, and each of those
// must have stayed inside the copy.

const sandbox = inject("sandbox");
const run = Date.now().toString(36);
const root = path.join(inject("waldenHome"), `isolated-copy-${run}`);
const markers = path.join(root, "markers");
const outsideConf = path.join(root, "outside.conf");
let source: SourceCluster;
let publisher: SourceCluster;
let restore: Awaited<ReturnType<typeof runPitrRestore>>;
let sourceMd5: string;
let archiveBefore: string[];
let slotBefore: { active: boolean; confirmed_flush_lsn: string };
let publisherLogOffset: number;

const md5Sql = "select md5(string_agg(t::text, ',' order by id)) as md5 from isolated_t t";

async function archiveListing(): Promise<string[]> {
  const names = await fs.readdir(source.archiveDir);
  const sizes = await Promise.all(names.map((name) => fs.stat(path.join(source.archiveDir, name))));
  return names.map((name, i) => `${name} ${sizes[i]!.size}`).sort();
}

async function publisherSlot() {
  const rows = await publisher.query<{ active: boolean; confirmed_flush_lsn: string }>(
    "select active, confirmed_flush_lsn::text from pg_replication_slots where slot_name = 'walden_sub'",
  );
  return rows[0]!;
}

/** A superuser session on the restored copy, through its private socket. */
async function onCopy<T>(work: (client: pg.Client) => Promise<T>, database = "postgres"): Promise<T> {
  const paths = instancePaths(restore.id);
  const client = new pg.Client({ host: paths.socketDir, port: restore.port!, user: "postgres", database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const stepLog = (name: string) =>
  (restore.steps as { name: string; log: string[] }[]).find((step) => step.name === name)!.log.join("\n");

beforeAll(async () => {
  const base = sandbox.catalog.port;
  await fs.rm(root, { recursive: true, force: true });
  await ownedDir(root, 0o755);
  await ownedDir(markers, 0o700);
  publisher = await startSourceCluster({
    name: `isolated-publisher-${run}`,
    root: path.join(root, "publisher"),
    port: base + 51,
    register: false,
    settings: { wal_level: "logical", log_connections: "on" },
  });
  await publisher.query(`
    create table pub_items (id int primary key, note text);
    insert into pub_items select g, 'item ' || g from generate_series(1, 100) g;
    create publication walden_pub for table pub_items`);

  // A setting only the source's include brings: the copy must not read the file.
  await ownedFile(outsideConf, "work_mem = '7MB'\n");
  const sourceRoot = path.join(root, "source");
  source = await startSourceCluster({
    name: `isolated-${run}`,
    root: sourceRoot,
    port: base + 50,
    settings: {
      // Its own folder here; a copy that read it would run on the source's files.
      data_directory: path.join(sourceRoot, "data"),
      shared_preload_libraries: "pg_cron",
      "cron.database_name": "postgres",
      // Checkpoints (so restartpoints in the copy) every megabyte or so of WAL.
      max_wal_size: "2MB",
      min_wal_size: "2MB",
      checkpoint_timeout: "30s",
      log_checkpoints: "on",
    },
    extraConf: `include '${outsideConf}'\n`,
  });
  expect((await source.query<{ work_mem: string }>("show work_mem"))[0]!.work_mem).toBe("7MB");
  await source.query(`
    create extension pg_cron;
    create table cron_hits (at timestamptz not null);
    select cron.schedule('walden-isolated', '* * * * *', 'insert into cron_hits values (now())');
    create table pub_items (id int primary key, note text);
    create table isolated_t (id int primary key, pad text not null)`);
  await source.query(
    `create subscription walden_sub connection 'host=127.0.0.1 port=${publisher.port} user=postgres password=${publisher.password} dbname=postgres' publication walden_pub`,
  );
  await waitUntil(
    "the subscription's first copy",
    async () => (await source.query<{ n: number }>("select count(*)::int as n from pub_items"))[0]!.n === 100,
    30_000,
  );
  const cleanup = `touch '${markers}/archive_cleanup' && ${source.binDir}/pg_archivecleanup '${source.archiveDir}' %r`;
  await source.query(`alter system set recovery_end_command = 'touch ''${markers}/recovery_end'''`);
  await source.query(`alter system set archive_cleanup_command = '${cleanup.replaceAll("'", "''")}'`);
  await source.query("select pg_reload_conf()");

  await takePhysicalBackup(source.clusterId!);
  const client = await source.connect();
  try {
    for (let round = 0; round < 6; round += 1) {
      await client.query(
        `insert into isolated_t select g, repeat('x', 200) from generate_series(${round * 5000 + 1}, ${(round + 1) * 5000}) g`,
      );
      await client.query("checkpoint");
    }
    sourceMd5 = (await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5;
    await waitForArchived(source.archiveDir, await switchWal(client), 60_000);
  } finally {
    await client.end();
  }
  // The source stops, so its own subscription leaves the publisher's slot: any later use is the copy's.
  await source.stop();
  await waitUntil("the publisher's slot to be released", async () => !(await publisherSlot()).active, 30_000);
  slotBefore = await publisherSlot();
  publisherLogOffset = (await fs.stat(publisher.logFile)).size;
  archiveBefore = await archiveListing();

  restore = await runPitrRestore(source.clusterId!, { type: "latest" });
}, 240_000);

afterAll(async () => {
  if (restore) await removeInstance(instancePaths(restore.id)).catch(() => {});
  await source?.remove();
  await publisher?.remove();
  await fs.rm(root, { recursive: true, force: true });
  if (source?.clusterId)
    await db()
      .cluster.delete({ where: { id: source.clusterId } })
      .catch(() => {});
});

describe("a restored copy of a source with hooks, a subscription and pg_cron", () => {
  it("replays through several restartpoints and promotes without running the source's hooks", async () => {
    const log = await fs.readFile(instancePaths(restore.id).logFile, "utf8");
    expect(log.match(/restartpoint complete/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(log).toMatch(/archive recovery complete/);
    expect(existsSync(path.join(markers, "archive_cleanup"))).toBe(false);
    expect(existsSync(path.join(markers, "recovery_end"))).toBe(false);
    expect(await fs.readdir(markers)).toEqual([]);
    // No archived segment is gone, and none was added or changed.
    expect(await archiveListing()).toEqual(archiveBefore);
    expect(await onCopy(async (c) => (await c.query<{ md5: string }>(md5Sql)).rows[0]!.md5)).toBe(sourceMd5);
    const settings = await onCopy(async (c) =>
      Object.fromEntries(
        (
          await c.query<{ name: string; setting: string }>(
            `select name, setting from pg_settings where name in ('archive_cleanup_command',
               'recovery_end_command', 'archive_mode', 'max_logical_replication_workers')`,
          )
        ).rows.map((row) => [row.name, row.setting]),
      ),
    );
    expect(settings).toEqual({
      archive_cleanup_command: "",
      recovery_end_command: "",
      archive_mode: "off",
      max_logical_replication_workers: "0",
    });
  });

  it("reads no file of the source: its data_directory line and outside include are commented out", async () => {
    const paths = instancePaths(restore.id);
    const shown = await onCopy(async (c) => {
      const get = async (name: string) =>
        (await c.query<{ v: string }>(`select current_setting('${name}') as v`)).rows[0]!.v;
      return {
        dataDirectory: await get("data_directory"),
        hbaFile: await get("hba_file"),
        identFile: await get("ident_file"),
        workMem: await get("work_mem"),
        listen: await get("listen_addresses"),
      };
    });
    expect(shown).toEqual({
      dataDirectory: paths.dataDir,
      hbaFile: `${paths.dataDir}/pg_hba.conf`,
      identFile: `${paths.dataDir}/pg_ident.conf`,
      workMem: "4MB",
      listen: "127.0.0.1",
    });
    expect(await fs.readFile(path.join(paths.dataDir, "pg_hba.conf"), "utf8")).toBe(restoredHba());
    const configure = stepLog("configure");
    expect(configure).toContain(`postgresql.conf: commented out data_directory = '${source.dataDir}'`);
    expect(configure).toContain(`postgresql.conf: commented out include '${outsideConf}'`);
  });

  it("never lets the source's subscription reach its publisher: disabled, detached, the slot untouched", async () => {
    // Long enough for a logical replication launcher, had one started, to launch its worker.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const subscription = await onCopy(
      async (c) =>
        (
          await c.query<{ enabled: boolean; slot: string | null }>(
            "select subenabled as enabled, subslotname as slot from pg_subscription where subname = 'walden_sub'",
          )
        ).rows[0],
    );
    expect(subscription).toEqual({ enabled: false, slot: null });
    expect(stepLog("replay")).toContain(
      "subscription walden_sub (database postgres): disabled, detached from the publisher's slot walden_sub; it never connected to its publisher",
    );
    expect(await publisherSlot()).toEqual(slotBefore);
    const log = await fs.readFile(publisher.logFile);
    expect(log.subarray(publisherLogOffset).toString("utf8")).not.toMatch(/replication connection/);
    // The copy still holds what the subscription had copied.
    expect(
      await onCopy(
        async (c) => (await c.query<{ n: number }>("select count(*)::int as n from pub_items")).rows[0]!.n,
      ),
    ).toBe(100);
  });

  it("does not load pg_cron, so no job runs, yet its job table reads as on the source", async () => {
    const copy = await onCopy(async (c) => ({
      preload: (await c.query<{ v: string }>("select current_setting('shared_preload_libraries') as v"))
        .rows[0]!.v,
      launchers: (
        await c.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where backend_type = 'pg_cron launcher'",
        )
      ).rows[0]!.n,
      jobs: (await c.query<{ schedule: string; command: string }>("select schedule, command from cron.job"))
        .rows,
    }));
    expect(copy).toEqual({
      preload: "",
      launchers: 0,
      jobs: [{ schedule: "* * * * *", command: "insert into cron_hits values (now())" }],
    });
    expect(stepLog("configure")).toMatch(/shared_preload_libraries: pg_cron not loaded/);
  });
});
