// Over 400 lines: one describe per kind of long work (statements, queue expiry, watchdogs, reapers) on one shared sandbox cluster.
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { copyBackup, listCopies, reapStaleCopies } from "@/lib/backup/copy";
import { backupPaths, repositoryRootFor } from "@/lib/backup/repository";
import { WalReceiver } from "@/lib/backup/receive-wal";
import { runBackup } from "@/lib/backup/run";
import { verifyBackup } from "@/lib/backup/verify";
import { reapStaleVerifications } from "@/lib/backup/verify-claim";
import { db } from "@/lib/db";
import { createBoss, ensureQueue } from "@/lib/queue/boss";
import { reapLostQueued } from "@/lib/worker/lost-jobs";
import { parsePayload } from "@/lib/queue/queues";
import { withNodeClient, withWorkClient } from "@/lib/pg/connection";
import { runRestore } from "@/lib/restore/run";
import { logicalBackupRequestSchema, physicalBackupRequestSchema } from "@/lib/schemas/backup";
import { logicalRestoreRequestSchema, tableRestoreRequestSchema } from "@/lib/schemas/restore";
import { receiveWalSlotName } from "@/lib/backup/slot-names";
import { registerSandboxCluster, sandboxPrimary } from "@/test/sandbox-cluster";
import { waitUntil } from "@/test/wait";

// Long statements and long jobs against the sandbox's real PostgreSQL: a table of 2 million
// rows copied back into a live database whose default statement_timeout is 50 ms; jobs that
// outlive a 2-second queue expiry run once; a pg_basebackup whose server stops answering is
// killed by the watchdog with its child; stale claims and lost queued rows are reaped.

const suffix = Date.now().toString(36);
const clusterName = `longjobs-${suffix}`;
const sourceDb = `lj_src_${suffix}`;
const liveDb = `lj_live_${suffix}`;
const restoredDb = `lj_restored_${suffix}`;
const ROWS = 2_000_000;
const BOSS_TEST_SCHEMA = `pgboss_lj_${suffix}`;
let clusterId: string;
let boss: PgBoss | null = null;

/** A session on the sandbox primary with no statement_timeout, whatever the database's default. */
async function withPrimary<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...sandboxPrimary(), database, options: "-c statement_timeout=0" });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const md5OfBig = (table: string) =>
  `select count(*)::int as n, md5(string_agg(id::text || ':' || v::text, ',' order by id)) as md5 from ${table}`;

/** Pids of processes whose command line contains `needle` (read from /proc). */
async function processesWith(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(needle) && Number(entry) !== process.pid) pids.push(Number(entry));
  }
  return pids;
}

async function createBackupRow(options: Record<string, unknown>) {
  const kind = options.kind as "physical" | "logical";
  const parsed =
    kind === "physical"
      ? physicalBackupRequestSchema.parse({ clusterId, ...options })
      : logicalBackupRequestSchema.parse({ clusterId, ...options });
  return db().backup.create({ data: { clusterId, kind, options: parsed, requestedBy: "test" } });
}

beforeAll(async () => {
  clusterId = await registerSandboxCluster(clusterName);
  await withPrimary("app", async (client) => {
    await client.query(`create database ${sourceDb}`);
    await client.query(`create database ${liveDb}`);
  });
  await withPrimary(sourceDb, (client) =>
    client.query(
      `create table big (id int not null, v int not null);
       insert into big select g, (g::bigint * 7919 % 1000003)::int from generate_series(1, ${ROWS}) g;
       analyze big`,
    ),
  );
  // Production databases often carry a short default statement_timeout: Walden's work sessions
  // must not inherit it.
  await withPrimary("app", async (client) => {
    await client.query(`alter database ${sourceDb} set statement_timeout = '50ms'`);
    await client.query(`alter database ${liveDb} set statement_timeout = '50ms'`);
  });
});

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true }).catch(() => {});
  await withPrimary("app", async (client) => {
    for (const name of [sourceDb, liveDb, restoredDb])
      await client.query(`drop database if exists ${name} with (force)`).catch(() => {});
    await client.query(`drop schema if exists ${BOSS_TEST_SCHEMA} cascade`).catch(() => {});
  });
});

describe("long statements", () => {
  it("keeps the 2 s statement_timeout for monitoring sessions only", async () => {
    const live = { ...sandboxPrimary(), database: liveDb };
    await expect(withNodeClient(live, (client) => client.query("select pg_sleep(2.5)"))).rejects.toThrow(
      /statement timeout/,
    );
    // A work session outlasts both the monitoring limit and the database's own 50 ms default.
    const settings = await withWorkClient(live, { lockTimeoutMs: 1234 }, async (client) => {
      await client.query("select pg_sleep(2.5)");
      const { rows } = await client.query<{ statement: string; lock: string; app: string }>(
        `select current_setting('statement_timeout') as statement, current_setting('lock_timeout') as lock,
                current_setting('application_name') as app`,
      );
      return rows[0];
    });
    expect(settings).toEqual({ statement: "0", lock: "1234ms", app: "walden-restore" });
  });

  it(`copies a table of ${ROWS} rows back into a live database whose statement_timeout is 50 ms`, async () => {
    const source = await withPrimary(sourceDb, async (client) => {
      const { rows } = await client.query<{ n: number; md5: string }>(md5OfBig("big"));
      const size = await client.query<{ size: string }>(
        "select pg_size_pretty(pg_total_relation_size('big')) as size",
      );
      return { ...rows[0]!, size: size.rows[0]!.size };
    });
    expect(source.n).toBe(ROWS);

    // A logical backup and a logical restore into a new database (CREATE DATABASE from template0).
    await withPrimary("template1", (client) => client.query("create table lj_template_marker (x int)"));
    try {
      const backup = await createBackupRow({ kind: "logical", database: sourceDb });
      await runBackup(backup.id, "test-worker");
      const dumped = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
      expect(dumped.status, dumped.error ?? "").toBe("succeeded");

      const logical = await db().restore.create({
        data: {
          clusterId,
          kind: "logical",
          request: logicalRestoreRequestSchema.parse({
            clusterId,
            kind: "logical",
            backupId: backup.id,
            database: restoredDb,
          }),
          requestedBy: "test",
        },
      });
      await runRestore(logical.id, "test-worker");
      const restored = await db().restore.findUniqueOrThrow({ where: { id: logical.id } });
      expect(restored.status, restored.error ?? "").toBe("succeeded");
      const steps = restored.steps as { name: string; status: string }[];
      expect(steps.find((step) => step.name === "create database")?.status).toBe("succeeded");
      const marker = await withPrimary(restoredDb, async (client) => {
        const { rows } = await client.query<{ found: boolean }>(
          "select to_regclass('public.lj_template_marker') is not null as found",
        );
        return rows[0]!.found;
      });
      expect(marker, "the new database was made from template1").toBe(false);

      // The table copied back from the restored database into the live one.
      const table = await db().restore.create({
        data: {
          clusterId,
          kind: "table",
          sourceRestoreId: logical.id,
          request: tableRestoreRequestSchema.parse({
            clusterId,
            kind: "table",
            sourceRestoreId: logical.id,
            table: "public.big",
            database: liveDb,
            newName: "big_back",
            confirm: "big_back",
          }),
          requestedBy: "test",
        },
      });
      const started = Date.now();
      await runRestore(table.id, "test-worker");
      const copyMs = Date.now() - started;
      const copied = await db().restore.findUniqueOrThrow({ where: { id: table.id } });
      expect(copied.status, copied.error ?? "").toBe("succeeded");
      const back = await withPrimary(liveDb, async (client) => {
        const { rows } = await client.query<{ n: number; md5: string }>(md5OfBig("big_back"));
        return rows[0]!;
      });
      expect(back).toEqual({ n: ROWS, md5: source.md5 });
      console.log(
        `[long-jobs] table copy: ${ROWS} rows (${source.size}) copied back in ${(copyMs / 1000).toFixed(1)} s (restore ${table.id})`,
      );
    } finally {
      await withPrimary("template1", (client) => client.query("drop table if exists lj_template_marker"));
    }
  });
});

describe("jobs that outlive a short queue expiry", () => {
  /**
   * Two worker-like consumers of one queue whose jobs expire after 2 s. The first delivery's
   * program is stopped (SIGSTOP) as soon as it appears, so it is provably still running when the
   * expired job is delivered again; it is continued once the second delivery has been handled.
   */
  async function deliverTwice<T>(
    queue: "backup.run" | "backup.verify",
    id: string,
    handle: (workerId: string) => Promise<T>,
    programNeedle: string,
  ): Promise<{ results: { worker: string; result: T; statusAtDelivery: string }[] }> {
    boss ??= await (async () => {
      const started = createBoss(inject("databaseUrl"), {
        schema: BOSS_TEST_SCHEMA,
        maintenanceIntervalSeconds: 1,
      });
      started.on("error", () => {});
      await started.start();
      return started;
    })();
    await ensureQueue(boss, queue, { expireInSeconds: 2, retryLimit: 3, retryDelay: 0, retryBackoff: false });
    const results: { worker: string; result: T; statusAtDelivery: string }[] = [];
    let deliveries = 0;
    const handler = (worker: string) => async (jobs: PgBoss.Job<unknown>[]) => {
      for (const job of jobs) {
        const payload = parsePayload(queue, job.data) as { backupId: string };
        if (payload.backupId !== id) continue;
        deliveries += 1;
        const row = await db().backup.findUniqueOrThrow({ where: { id } });
        const statusAtDelivery =
          queue === "backup.run" ? row.status : row.verifyWorkerId ? "verifying" : "idle";
        results.push({ worker, result: await handle(worker), statusAtDelivery });
      }
    };
    // Two consumers, as two workers would be: a busy one does not fetch again.
    await boss.work(queue, { batchSize: 1, pollingIntervalSeconds: 0.5 }, handler("worker-a"));
    await boss.work(queue, { batchSize: 1, pollingIntervalSeconds: 0.5 }, handler("worker-b"));
    let stopped: number[] = [];
    try {
      await boss.send(queue, { backupId: id });
      // Stop the first delivery's program the moment it runs.
      stopped = await waitUntil(
        `${programNeedle} to start`,
        async () => {
          const pids = await processesWith(programNeedle);
          for (const pid of pids) process.kill(pid, "SIGSTOP");
          return pids.length ? pids : null;
        },
        60_000,
        10,
      );
      await waitUntil(
        "the expired job's second delivery to be handled",
        async () => results.length >= 1,
        60_000,
      );
      expect(deliveries).toBeGreaterThanOrEqual(2);
    } finally {
      for (const pid of stopped) process.kill(pid, "SIGCONT");
    }
    await waitUntil("the first delivery to finish", async () => results.length >= 2, 120_000);
    await boss.offWork(queue);
    return { results };
  }

  it("a backup.run delivered again while its pg_basebackup runs is taken once", async () => {
    const backup = await createBackupRow({ kind: "physical" });
    const { results } = await deliverTwice(
      "backup.run",
      backup.id,
      (worker) => runBackup(backup.id, worker),
      `walden-backup-${backup.id}`,
    );
    // The second delivery came while the first ran, and did nothing.
    expect(results[0]).toMatchObject({ result: false, statusAtDelivery: "running" });
    expect(results[1]).toMatchObject({ result: true });
    const done = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
    expect(done.status, done.error ?? "").toBe("succeeded");
    expect(done.workerId).toBe(results[1]!.worker);
    expect(done.log!.match(/^\$ pg_basebackup /gm)).toHaveLength(1);
  });

  it("a backup.verify delivered again while the verification runs is taken once", async () => {
    const backup = await db().backup.findFirstOrThrow({
      where: { clusterId, kind: "physical", status: "succeeded" },
      orderBy: { finishedAt: "desc" },
    });
    const { results } = await deliverTwice(
      "backup.verify",
      backup.id,
      (worker) => verifyBackup(backup.id, worker),
      `.verify-${backup.id}-`,
    );
    expect(results[0]).toMatchObject({ result: null, statusAtDelivery: "verifying" });
    expect(results[1]).toMatchObject({ result: true });
    const verified = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
    expect(verified).toMatchObject({ verified: true, verifyWorkerId: null });
    expect(verified.verifyLog!.match(/^SHA256SUMS match$/gm)).toHaveLength(1);
  });
});

describe("the watchdog", () => {
  it("kills a pg_basebackup whose server stops answering, with its WAL-streaming child, and fails the backup naming it", async () => {
    process.env.WALDEN_STALL_TIMEOUT_SECONDS = "3";
    const backup = await createBackupRow({ kind: "physical", maxRateKbps: 64 });
    const appName = `walden-backup-${backup.id}`;
    const walsenders: number[] = [];
    try {
      const running = runBackup(backup.id, "test-worker");
      // Both of the backup's walsenders (files and WAL) once the files are streaming, and both
      // client processes: pg_basebackup opens the WAL connection before it forks the child that
      // streams WAL, so two walsenders alone do not yet mean two clients (a CI run stopped the
      // walsenders in that window, and the fork never came).
      const { pids, clientPids } = await waitUntil(
        "the backup's walsenders to stream and its WAL-streaming child to be forked",
        async () => {
          const streaming = await withPrimary("app", async (client) => {
            const { rows } = await client.query<{ pid: number; streaming: boolean }>(
              `select a.pid, p.phase = 'streaming database files' as streaming
                 from pg_stat_activity a left join pg_stat_progress_basebackup p using (pid)
                where a.application_name = $1`,
              [appName],
            );
            return rows.length === 2 && rows.some((row) => row.streaming) ? rows.map((row) => row.pid) : null;
          });
          if (!streaming) return null;
          const clients = await processesWith(appName);
          return clients.length >= 2 ? { pids: streaming, clientPids: clients } : null;
        },
        60_000,
        50,
      );
      for (const pid of pids) {
        process.kill(pid, "SIGSTOP");
        walsenders.push(pid);
      }
      await running;
      const failed = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
      expect(failed.status).toBe("failed");
      expect(failed.error).toMatch(
        /^pg_basebackup made no progress for \d+ s \(waiting for 127\.0\.0\.1:\d+ to stream the base backup into .*: no output, no bytes read, no change on the server\); killed with its child processes$/,
      );
      for (const pid of clientPids)
        await waitUntil(
          `pg_basebackup process ${pid} to be gone`,
          async () => {
            const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
            return stat === null || / Z /.test(stat.slice(stat.lastIndexOf(")")));
          },
          10_000,
        );
      const root = repositoryRootFor({ repositoryPath: null });
      await expect(fs.stat(backupPaths(root, clusterName, backup.id).partialDir)).rejects.toThrow();
    } finally {
      delete process.env.WALDEN_STALL_TIMEOUT_SECONDS;
      for (const pid of walsenders) process.kill(pid, "SIGCONT");
      await withPrimary("app", (client) =>
        client.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1", [
          appName,
        ]),
      );
    }
  });
});

describe("the watchdog on pg_receivewal", () => {
  it("leaves a quiet stream alone, and restarts one whose walsender stops while the primary writes", async () => {
    process.env.WALDEN_STALL_TIMEOUT_SECONDS = "3";
    const id = randomUUID();
    const directory = path.join(inject("waldenHome"), `lj-wal-${suffix}`);
    const lines: string[] = [];
    const receiver = new WalReceiver(id, `lj-${suffix}`, sandboxPrimary(), directory, (line) =>
      lines.push(line),
    );
    const slot = receiveWalSlotName(id);
    const activePid = () =>
      withPrimary("app", async (client) => {
        const { rows } = await client.query<{ pid: number | null }>(
          "select active_pid as pid from pg_replication_slots where slot_name = $1",
          [slot],
        );
        return rows[0]?.pid ?? null;
      });
    let stopped: number | null = null;
    const restarted = () => lines.find((line) => /exited .*pg_receivewal made no progress/.test(line));
    try {
      receiver.start();
      const walsender = await waitUntil("pg_receivewal to stream", activePid, 30_000);
      // Longer than the stall timeout with nothing (or little) to stream: not a stall.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect(lines.filter((line) => /exited/.test(line))).toEqual([]);
      expect(await activePid()).toBe(walsender);

      process.kill(walsender, "SIGSTOP");
      stopped = walsender;
      const writer = setInterval(() => {
        void withPrimary("app", (client) =>
          client.query(
            "create table if not exists lj_wal (x int); insert into lj_wal select generate_series(1, 1000)",
          ),
        ).catch(() => {});
      }, 300);
      try {
        await waitUntil("the watchdog to restart pg_receivewal", async () => restarted(), 30_000);
      } finally {
        clearInterval(writer);
      }
      expect(restarted()).toMatch(
        /^pg_receivewal for lj-\w+ exited \(\w+\): pg_receivewal made no progress for \d+ s \(waiting for the primary 127\.0\.0\.1:\d+ to stream WAL into .* \(slot \w+\): no output, no bytes read, no change on the server\); killed with its child processes; restarting$/,
      );
    } finally {
      delete process.env.WALDEN_STALL_TIMEOUT_SECONDS;
      if (stopped) process.kill(stopped, "SIGCONT");
      await receiver.stop();
      await waitUntil(
        `slot ${slot} to be dropped`,
        () =>
          withPrimary("app", async (client) => {
            await client.query(
              "select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = $1 and active",
              [slot],
            );
            await client.query("select pg_drop_replication_slot($1)", [slot]);
            return true;
          }).catch(() => false),
        20_000,
        250,
      );
      await withPrimary("app", (client) => client.query("drop table if exists lj_wal"));
      await fs.rm(directory, { recursive: true, force: true });
    }
  });
});

describe("reapers", () => {
  it("releases a stale verification claim and removes its scratch folder, leaving the last result", async () => {
    const backup = await db().backup.findFirstOrThrow({
      where: { clusterId, kind: "physical", status: "succeeded", verified: true },
    });
    const { clusterDir } = backupPaths(repositoryRootFor({ repositoryPath: null }), clusterName, backup.id);
    const scratch = path.join(clusterDir, `.verify-${backup.id}-deadbeef`);
    await fs.mkdir(path.join(scratch, "base"), { recursive: true });
    await fs.writeFile(path.join(scratch, "base", "PG_VERSION"), "15\n");
    await db().backup.update({
      where: { id: backup.id },
      data: {
        verifyWorkerId: "dead-worker",
        verifyStartedAt: new Date(Date.now() - 300_000),
        verifyHeartbeatAt: new Date(Date.now() - 120_000),
      },
    });
    // Claimed by the dead worker: another delivery does nothing.
    expect(await verifyBackup(backup.id, "live-worker")).toBeNull();
    expect(await reapStaleVerifications()).toContain(backup.id);
    const reaped = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
    expect(reaped).toMatchObject({ verifyWorkerId: null, verified: true, verifiedAt: backup.verifiedAt });
    expect(reaped.verifyLog).toMatch(
      /verification interrupted: the worker running it \(dead-worker\) stopped/,
    );
    await expect(fs.stat(scratch)).rejects.toThrow();
    expect(await verifyBackup(backup.id, "live-worker")).toBe(true);
  });

  it("copies once at a time, reaps a dead worker's copy, and refuses a second repository that is the first", async () => {
    const backup = await db().backup.findFirstOrThrow({
      where: { clusterId, kind: "logical", status: "succeeded" },
    });
    const primaryRoot = repositoryRootFor({ repositoryPath: null });
    const secondary = path.join(inject("waldenHome"), `lj-secondary-${suffix}`);
    const finalDir = backupPaths(secondary, clusterName, backup.id).finalDir;
    await db().cluster.update({ where: { id: clusterId }, data: { secondaryRepositoryPath: secondary } });
    try {
      const dead = await db().backupCopy.create({
        data: {
          backupId: backup.id,
          path: finalDir,
          status: "running",
          workerId: "dead-worker",
          startedAt: new Date(),
          heartbeatAt: new Date(),
        },
      });
      expect(await copyBackup(backup.id, "live-worker")).toEqual({
        ok: false,
        copyId: null,
        alreadyRunning: true,
      });
      await db().backupCopy.update({
        where: { id: dead.id },
        data: { heartbeatAt: new Date(Date.now() - 120_000) },
      });
      expect(await reapStaleCopies()).toEqual([dead.id]);
      expect((await listCopies(backup.id)).find((copy) => copy.id === dead.id)).toMatchObject({
        status: "failed",
        error: expect.stringMatching(/dead-worker\) stopped/),
      });
      const copied = await copyBackup(backup.id, "live-worker");
      expect(copied.ok).toBe(true);

      // The second repository set to the primary one: refused, and the original is untouched.
      const before = await fs.readFile(path.join(backup.path!, "SHA256SUMS"));
      await db().cluster.update({ where: { id: clusterId }, data: { secondaryRepositoryPath: primaryRoot } });
      const refused = await copyBackup(backup.id, "live-worker");
      expect(refused.ok).toBe(false);
      expect((await listCopies(backup.id)).at(-1)).toMatchObject({
        status: "failed",
        error: expect.stringMatching(/is the primary repository itself/),
      });
      expect(await fs.readFile(path.join(backup.path!, "SHA256SUMS"))).toEqual(before);
      expect(await verifyBackup(backup.id, "live-worker")).toBe(true);
    } finally {
      await db().cluster.update({ where: { id: clusterId }, data: { secondaryRepositoryPath: null } });
      await fs.rm(secondary, { recursive: true, force: true });
    }
  });

  it("fails a queued backup whose job was lost, and leaves one whose job waits", async () => {
    const old = new Date(Date.now() - 20 * 60_000);
    const lost = await db().backup.create({
      data: { clusterId, kind: "physical", options: {}, requestedBy: "test", createdAt: old },
    });
    const waiting = await db().backup.create({
      data: { clusterId, kind: "physical", options: {}, requestedBy: "test", createdAt: old },
    });
    await boss!.send("backup.run", { backupId: waiting.id }, { startAfter: 3600 });
    const reaped = await reapLostQueued(10 * 60_000, BOSS_TEST_SCHEMA);
    expect(reaped.backups).toContain(lost.id);
    expect(reaped.backups).not.toContain(waiting.id);
    expect(await db().backup.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^its backup\.run job was lost/),
    });
    expect((await db().backup.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe("queued");
    await db().backup.update({ where: { id: waiting.id }, data: { status: "failed", error: "test done" } });
  });
});
