import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as restoresRoute from "@/app/api/v1/restores/route";
import { db } from "@/lib/db";
import { instancePaths, instancePid, removeInstance } from "@/lib/restore/instance";
import { planPitrRestore } from "@/lib/restore/plan-service";
import { reapStaleRestores, runRestore } from "@/lib/restore/run";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";
import { serverUser } from "@/lib/tools/server-user";
import { parseWalFileName, walFileForLsn, walFileName } from "@/lib/wal/segments";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { call, makeUser } from "@/test/api-client";
import { runPitrRestore } from "@/test/pitr-restore";
import {
  registerSandboxCluster,
  sandboxPrimary,
  takePhysicalBackup,
  withSandboxPrimary,
} from "@/test/sandbox-cluster";

// Point-in-time restores of the sandbox, compared exactly: the md5 of the table's ordered
// rows at each point before the damage must be what the restored instance holds.

const sandbox = inject("sandbox");
const run = Date.now().toString(36);
const table = `pitr_orders_${run}`;
const restorePoint = `walden-test-${run}`;
let clusterId: string;
let backupFinishedAt: Date;
const md5 = {} as Record<"initial" | "updated" | "deleted", string>;
let afterUpdate: string;
let beforeDeleteLsn: string;
let deleteXid: string;
const created: string[] = [];

const md5Sql = `select md5(coalesce(string_agg(t::text, ',' order by id), '')) as md5 from ${table} t`;

async function tableMd5(client: pg.Client): Promise<string | null> {
  const exists = await client.query<{ t: string | null }>("select to_regclass($1)::text as t", [table]);
  if (!exists.rows[0]!.t) return null;
  return (await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5;
}

beforeAll(async () => {
  clusterId = await registerSandboxCluster(`pitr-${run}`);
  await withSandboxPrimary(async (client) => {
    await client.query(`create table ${table} (id int primary key, amount int not null, note text)`);
    await client.query(
      `insert into ${table} select g, g * 10, 'order ' || g from generate_series(1, 1000) g`,
    );
    md5.initial = (await tableMd5(client))!;
  });
  const backupId = await takePhysicalBackup(clusterId);
  backupFinishedAt = (await db().backup.findUniqueOrThrow({ where: { id: backupId } })).finishedAt!;
  await withSandboxPrimary(async (client) => {
    await client.query(`update ${table} set amount = amount * 2 where id <= 300`);
    md5.updated = (await tableMd5(client))!;
    afterUpdate = (await client.query<{ t: Date }>("select clock_timestamp() as t")).rows[0]!.t.toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    beforeDeleteLsn = (await client.query<{ l: string }>("select pg_current_wal_insert_lsn()::text as l"))
      .rows[0]!.l;
    await client.query("begin");
    deleteXid = (await client.query<{ x: string }>("select txid_current()::text as x")).rows[0]!.x;
    await client.query(`delete from ${table} where id > 900`);
    await client.query("commit");
    md5.deleted = (await tableMd5(client))!;
    await client.query("select pg_create_restore_point($1)", [restorePoint]);
    await client.query(`drop table ${table}`);
    // A commit after the drop, so "latest" and every target before it have WAL to stop on.
    await client.query("create temporary table pitr_tick (x int); drop table pitr_tick");
    await waitForArchived(sandbox.cluster.archiveDir, await switchWal(client));
  });
}, 180_000);

afterAll(async () => {
  for (const id of created) await removeInstance(instancePaths(id)).catch(() => {});
  await db().cluster.delete({ where: { id: clusterId } });
});

async function plan(target: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return planPitrRestore(pitrRestoreRequestSchema.parse({ clusterId, kind: "pitr", target, ...extra }));
}

/** Plans, catalogs and runs a restore the way the worker does; returns the finished row. */
async function restoreTo(target: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const done = await runPitrRestore(clusterId, target, extra);
  created.push(done.id);
  return done;
}

/** What the restored instance holds, read over TCP with the source's role and password (the psql path). */
async function restoredMd5(restore: { port: number | null }): Promise<string | null> {
  const client = new pg.Client({ ...sandboxPrimary(), port: restore.port! });
  await client.connect();
  try {
    await client.query("set lock_timeout = '5s'");
    return await tableMd5(client);
  } finally {
    await client.end();
  }
}

async function finish(id: string) {
  await removeInstance(instancePaths(id));
}

describe("point-in-time restore of the sandbox", () => {
  it("restores to a time between the UPDATE and the DELETE", async () => {
    const restore = await restoreTo({ type: "time", value: afterUpdate });
    expect(restore.error).toBeNull();
    expect(restore.status).toBe("succeeded");
    expect(await restoredMd5(restore)).toBe(md5.updated);
    const steps = restore.steps as { name: string; status: string; log: string[] }[];
    expect(steps.map((s) => s.status)).toEqual(Array(8).fill("succeeded"));
    expect(steps.find((s) => s.name === "replay")!.log.join("\n")).toMatch(/recovery stopping before commit/);
    expect((restore.reached as { lsn: string }).lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const verification = restore.verification as {
      databases: { name: string; tables: { name: string; rows: number }[] }[];
    };
    expect(
      verification.databases.find((d) => d.name === "app")!.tables.find((t) => t.name === table)!.rows,
    ).toBe(1000);
    await finish(restore.id);
  });

  it("restores to just before the DELETE's transaction (xid, not inclusive) and to just after it", async () => {
    const before = await restoreTo({ type: "xid", value: deleteXid, inclusive: false });
    expect(before.status).toBe("succeeded");
    expect(await restoredMd5(before)).toBe(md5.updated);
    await finish(before.id);
    const after = await restoreTo({ type: "xid", value: deleteXid, inclusive: true });
    expect(await restoredMd5(after)).toBe(md5.deleted);
    await finish(after.id);
  });

  it("restores to an LSN taken before the DELETE", async () => {
    const restore = await restoreTo({ type: "lsn", value: beforeDeleteLsn });
    expect(restore.status).toBe("succeeded");
    expect(await restoredMd5(restore)).toBe(md5.updated);
    await finish(restore.id);
  });

  it("restores to the named restore point made just before the DROP TABLE, paused for inspection", async () => {
    const restore = await restoreTo({ type: "name", value: restorePoint }, { action: "pause" });
    expect(restore.status).toBe("succeeded");
    expect((restore.verification as { inRecovery: boolean }).inRecovery).toBe(true);
    expect(await restoredMd5(restore)).toBe(md5.deleted);
    await finish(restore.id);
  });

  it("restores as soon as consistent: the data as the backup holds it", async () => {
    const restore = await restoreTo({ type: "immediate" });
    expect(restore.status).toBe("succeeded");
    expect(await restoredMd5(restore)).toBe(md5.initial);
    await finish(restore.id);
  });

  it("restores to the latest archived commit: the table is dropped there, and a check query runs", async () => {
    const restore = await restoreTo(
      { type: "latest" },
      { checkSql: "select count(*) as n from pg_class where relname = 'pg_class'" },
    );
    expect(restore.status).toBe("succeeded");
    expect(await restoredMd5(restore)).toBeNull();
    const check = (restore.verification as { check: { rows: unknown[][] } }).check;
    expect(check.rows).toEqual([["1"]]);
    await finish(restore.id);
  });
});

describe("targets refused before anything starts", () => {
  it("refuses a time after the latest archived commit", async () => {
    const result = await plan({ type: "time", value: new Date(Date.now() + 3_600_000).toISOString() });
    expect(result).toMatchObject({ ok: false, reason: "after_latest" });
    expect(result.ok === false && "window" in result && result.window.latest).toBeTruthy();
  });

  it("refuses a time before the earliest restorable backup", async () => {
    const result = await plan({
      type: "time",
      value: new Date(backupFinishedAt.getTime() - 3_600_000).toISOString(),
    });
    expect(result).toMatchObject({ ok: false, reason: "before_earliest" });
  });

  it("refuses an xid and a restore point the archive does not hold", async () => {
    expect(await plan({ type: "xid", value: "4000000000" })).toMatchObject({
      ok: false,
      reason: "unknown_xid",
    });
    expect(await plan({ type: "name", value: `never-made-${run}` })).toMatchObject({
      ok: false,
      reason: "unknown_name",
    });
  });

  it("rejects a time without an offset (422) and a viewer (403) at the API", async () => {
    const viewer = await makeUser("viewer");
    const operator = await makeUser("operator");
    const noOffset = await call(restoresRoute.POST, "POST", "/api/v1/restores", {
      token: operator.token,
      body: { clusterId, kind: "pitr", target: { type: "time", value: "2026-11-26 14:52:00" } },
    });
    expect(noOffset.status).toBe(422);
    expect(JSON.stringify(noOffset.json)).toMatch(/offset/);
    const byViewer = await call(restoresRoute.POST, "POST", "/api/v1/restores", {
      token: viewer.token,
      body: { clusterId, kind: "pitr", target: { type: "latest" } },
    });
    expect(byViewer.status).toBe(403);
    expect(await db().restore.count({ where: { clusterId, requestedBy: { contains: viewer.email } } })).toBe(
      0,
    );
  });
});

describe("stopping a restore", () => {
  let queuedLatest: () => Promise<string>;
  /** An LSN after the bulk load's commit: replay passes it, then waits at the held segment. */
  let bulkCommittedLsn: string;
  let heldArchive: string;
  let heldSegment: string;
  let lastHeldSegment: string;

  beforeAll(async () => {
    // About 100 MB of WAL after the backup, so replay lasts long enough to be interrupted.
    await withSandboxPrimary(async (client) => {
      await client.query(
        `create table ${table}_bulk as select g as id, repeat('x', 200) as pad from generate_series(1, 400000) g`,
      );
      bulkCommittedLsn = (await client.query<{ l: string }>("select pg_current_wal_insert_lsn()::text as l"))
        .rows[0]!.l;
      await client.query(`drop table ${table}_bulk`);
      await waitForArchived(sandbox.cluster.archiveDir, await switchWal(client), 60_000);
    });
    heldArchive = await holdArchiveAfter(bulkCommittedLsn);
    // The cluster now reads this copy of the archive: a restore can never replay past the held
    // segment, however fast this machine is, so every poll below sees the step it waits for.
    await db().cluster.update({ where: { id: clusterId }, data: { archivePath: heldArchive } });
    queuedLatest = async () => {
      const request = pitrRestoreRequestSchema.parse({ clusterId, kind: "pitr", target: { type: "latest" } });
      const planned = await planPitrRestore(request);
      if (!planned.ok) throw new Error(planned.message);
      const row = await db().restore.create({
        data: { clusterId, kind: "pitr", request, plan: planned.plan as never, requestedBy: "test" },
      });
      created.push(row.id);
      return row.id;
    };
  }, 180_000);

  afterAll(async () => {
    await db().cluster.update({
      where: { id: clusterId },
      data: { archivePath: sandbox.cluster.archiveDir },
    });
    if (heldArchive) await fs.rm(heldArchive, { recursive: true, force: true });
  });

  /**
   * A copy of the sandbox's archive up to the segment that holds `lsn`, whose next segment is a
   * named pipe: restore_command's cp waits on it for good (a hung archive mount), and the
   * archive scan, which lists regular files only, ends the restorable window before it.
   */
  async function holdArchiveAfter(lsn: string): Promise<string> {
    const source = sandbox.cluster.archiveDir;
    const names = await fs.readdir(source);
    const sample = names.find((name) => /^[0-9A-F]{24}$/.test(name))!;
    const segmentSize = (await fs.stat(path.join(source, sample))).size;
    const timeline = Number.parseInt(sample.slice(0, 8), 16);
    const last = parseWalFileName(walFileForLsn(timeline, lsn, segmentSize), segmentSize);
    if (last.kind !== "segment") throw new Error("no segment for the held LSN");
    lastHeldSegment = walFileName(timeline, last.segno, segmentSize);
    heldSegment = walFileName(timeline, last.segno + 1, segmentSize);
    const dir = path.join(inject("waldenHome"), `held-archive-${run}`);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { mode: 0o700 });
    for (const name of names) {
      const segment = /^[0-9A-F]{24}$/.test(name);
      if (name.startsWith(".") || (segment && name >= heldSegment)) continue;
      await fs.link(path.join(source, name), path.join(dir, name));
    }
    execFileSync("mkfifo", ["-m", "0600", path.join(dir, heldSegment)]);
    const user = serverUser();
    if (user.viaRunuser) {
      await fs.chown(dir, user.uid, user.gid);
      await fs.chown(path.join(dir, heldSegment), user.uid, user.gid);
    }
    return dir;
  }

  async function waitForStep(id: string, step: string, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await db().restore.findUniqueOrThrow({ where: { id } });
      const steps = row.steps as { name: string; status: string }[];
      if (steps.some((s) => s.name === step && s.status === "running")) return row;
      if (row.status !== "queued" && row.status !== "running")
        throw new Error(`restore ended ${row.status} before ${step}: ${row.error}`);
      if (Date.now() > deadline) throw new Error(`step ${step} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  }

  it("cancels during replay: the instance is stopped and its files removed", async () => {
    const id = await queuedLatest();
    const running = runRestore(id, "test-worker");
    await waitForStep(id, "replay");
    await db().restore.update({ where: { id }, data: { cancelRequestedAt: new Date() } });
    await running;
    const row = await db().restore.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("cancelled");
    expect(row.instanceState).toBe("removed");
    expect((row.steps as { name: string; status: string }[]).find((s) => s.name === "replay")!.status).toBe(
      "cancelled",
    );
    expect(existsSync(instancePaths(id).root)).toBe(false);
  });

  it("a replay that stops making progress is stopped by the watchdog, naming what it waited for", async () => {
    const id = await queuedLatest();
    process.env.WALDEN_STALL_TIMEOUT_SECONDS = "5";
    try {
      expect(await runRestore(id, "test-worker")).toBe(true);
    } finally {
      delete process.env.WALDEN_STALL_TIMEOUT_SECONDS;
    }
    const row = await db().restore.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(
      /^replay made no progress for [5-9] s at \d+\/[0-9A-F]+, waiting for the WAL segment after [0-9A-F]{24} from the archive/,
    );
    expect(row.error).toContain(`the WAL segment after ${lastHeldSegment} from the archive`);
    const steps = row.steps as { name: string; status: string; log: string[] }[];
    expect(steps.find((s) => s.name === "replay")!.status).toBe("failed");
    expect(row.instanceState).toBe("removed");
    expect(existsSync(instancePaths(id).root)).toBe(false);
  });

  it("a worker killed with SIGKILL mid-restore leaves the restore failed and its instance cleaned up", async () => {
    const id = await queuedLatest();
    // node itself, not the tsx CLI: SIGKILL to the CLI would leave its node child running.
    const child = spawn(process.execPath, ["--import", "tsx", "test/run-restore-child.ts", id], {
      env: process.env,
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const paths = instancePaths(id);
    // The child hangs once its restored server is up (test/run-restore-child.ts): kill it then.
    const deadline = Date.now() + 60_000;
    while ((await instancePid(paths)) === null) {
      expect(Date.now(), "the restored server did not start").toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect((await db().restore.findUniqueOrThrow({ where: { id } })).status).toBe("running");
    child.kill("SIGKILL");
    await exited;
    expect(await instancePid(paths)).not.toBeNull(); // the postmaster outlives the worker …
    expect(await reapStaleRestores(0)).toContain(id);
    const row = await db().restore.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/worker running it stopped/);
    expect(row.instanceState).toBe("removed");
    expect(existsSync(paths.root)).toBe(false); // … and is gone after the reaper
  });
});
