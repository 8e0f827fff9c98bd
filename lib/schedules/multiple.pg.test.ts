import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as byIdRoute from "@/app/api/v1/clusters/[id]/schedules/by-id/[scheduleId]/route";
import * as kindRoute from "@/app/api/v1/clusters/[id]/schedules/[kind]/route";
import * as schedulesRoute from "@/app/api/v1/clusters/[id]/schedules/route";
import { repositoryRoot } from "@/lib/backup/repository";
import { runBackup } from "@/lib/backup/run";
import { db } from "@/lib/db";
import { BOSS_SCHEMA, createBoss, ensureQueues } from "@/lib/queue/boss";
import { removeScheduleQueue, scheduleQueueName } from "@/lib/schedules/schedule-queues";
import { startScheduleWorkers, type ScheduleWorkers } from "@/lib/schedules/worker";
import { findPgBinaries } from "@/lib/tools/binaries";
import { call, makeUser, type TestUser } from "@/test/api-client";

// More than one schedule per kind (issue 16): a daily full logical dump and an hourly dump of one
// chosen table on the same cluster, created, changed and removed through the API, both fired
// through pg-boss as its cron would fire them (a job on each schedule's queue, consumed by the
// worker's schedule workers), each making a real pg_dump with its own options.

const sandbox = inject("sandbox");
const run = promisify(execFile);
let admin: TestUser;
let operator: TestUser;
let clusterId: string;
let boss: PgBoss;
let workers: ScheduleWorkers | null = null;
const clusterName = `multi-${Date.now().toString(36)}`;
const queueNames = new Set<string>();
const backupRunJobs: string[] = [];

beforeAll(async () => {
  const client = new pg.Client({
    host: "127.0.0.1",
    port: sandbox.cluster.primary.port,
    user: "walden",
    password: sandbox.cluster.primary.password,
    database: "app",
  });
  await client.connect();
  await client.query(
    "create table if not exists sched_orders (id int primary key); create table if not exists sched_audit (id int primary key)",
  );
  await client.end();
  admin = await makeUser("admin");
  operator = await makeUser("operator");
  const cluster = await db().cluster.create({
    data: { name: clusterName, archiveMode: "archive_command", archivePath: sandbox.cluster.archiveDir },
  });
  clusterId = cluster.id;
  const { encryptNodePassword } = await import("@/lib/secrets");
  await db().node.create({
    data: {
      clusterId,
      name: "primary",
      role: "primary",
      host: "127.0.0.1",
      port: sandbox.cluster.primary.port,
      username: "walden",
      database: "app",
      passwordEncrypted: encryptNodePassword(sandbox.cluster.primary.password),
    },
  });
  // No cron supervision: the test fires the schedules itself.
  boss = createBoss(inject("databaseUrl"), { schedule: false, supervise: false });
  await boss.start();
  await ensureQueues(boss);
});

afterAll(async () => {
  await workers?.stop();
  if (backupRunJobs.length) await boss.cancel("backup.run", backupRunJobs);
  for (const name of queueNames) await removeScheduleQueue(boss, name).catch(() => {});
  await boss.stop({ graceful: false });
  await db().cluster.delete({ where: { id: clusterId } });
  await fs.rm(path.join(repositoryRoot(), clusterName), { recursive: true, force: true });
});

const base = () => `/api/v1/clusters/${clusterId}/schedules`;

async function create(body: Record<string, unknown>, token = admin.token) {
  const response = await call(schedulesRoute.POST, "POST", base(), {
    token,
    body,
    params: { id: clusterId },
  });
  if (response.status === 201) queueNames.add(scheduleQueueName(response.json.id));
  return response;
}

function patch(scheduleId: string, body: unknown, token = admin.token) {
  return call(byIdRoute.PATCH, "PATCH", `${base()}/by-id/${scheduleId}`, {
    token,
    body,
    params: { id: clusterId, scheduleId },
  });
}

/** The table names in a custom-format dump's table of contents. */
async function dumpedTables(dumpFile: string): Promise<string[]> {
  const { binDir } = findPgBinaries();
  const { stdout } = await run(path.join(binDir, "pg_restore"), ["--list", dumpFile]);
  return [...stdout.matchAll(/ TABLE public (\w+) /g)].map((match) => match[1]!);
}

/** Polls until the schedule's firing has catalogued its backup. */
async function backupOf(scheduleId: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const backup = await db().backup.findFirst({ where: { scheduleId } });
    if (backup) return backup;
    if (Date.now() > deadline) throw new Error(`schedule ${scheduleId} made no backup in 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("several schedules of one kind", () => {
  let full: string;
  let hourly: string;

  it("creates two logical schedules side by side (admin, 201, audited), listed oldest first", async () => {
    const first = await create({
      kind: "logical",
      name: "daily full",
      cron: "0 2 * * *",
      timezone: "UTC",
      options: { database: "app" },
    });
    expect(first.status).toBe(201);
    const second = await create({
      kind: "logical",
      name: "hourly orders",
      cron: "15 * * * *",
      timezone: "UTC",
      options: { database: "app", tables: ["public.sched_orders"] },
    });
    expect(second.status).toBe(201);
    full = first.json.id;
    hourly = second.json.id;
    expect(second.json).toMatchObject({ kind: "logical", name: "hourly orders", primaryOfKind: false });

    const list = await call(schedulesRoute.GET, "GET", base(), {
      token: operator.token,
      params: { id: clusterId },
    });
    expect(list.json.map((schedule: { id: string }) => schedule.id)).toEqual([full, hourly]);
    expect(list.json[0]).toMatchObject({ name: "daily full", primaryOfKind: true, options: { tables: [] } });
    expect(list.json[1].options.tables).toEqual(["public.sched_orders"]);
    expect(
      await db().auditEvent.count({ where: { action: "schedule.create", targetId: { in: [full, hourly] } } }),
    ).toBe(2);
  });

  it("refuses an operator (403) and bad input with a 422 naming the field", async () => {
    expect(
      (await create({ kind: "logical", cron: "0 3 * * *", timezone: "UTC" }, operator.token)).status,
    ).toBe(403);
    for (const [body, field] of [
      [{ kind: "incremental", cron: "0 3 * * *", timezone: "UTC" }, "kind"],
      [{ kind: "logical", cron: "*/5 * * * *", timezone: "UTC" }, "cron"],
      [
        { kind: "logical", cron: "0 3 * * *", timezone: "UTC", options: { tables: ["x; rm -rf /"] } },
        "options.tables.0",
      ],
      [{ kind: "logical", cron: "0 3 * * *", timezone: "UTC", name: "x".repeat(61) }, "name"],
    ] as const) {
      const response = await create(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.json.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(
        field,
      );
    }
    const badPatch = await patch(hourly, { timezone: "Mars/Olympus" });
    expect(badPatch.status).toBe(422);
    expect(badPatch.json.error.details.issues[0].path).toBe("timezone");
    expect((await patch(hourly, { enabled: false }, operator.token)).status).toBe(403);
    expect(await db().backupSchedule.count({ where: { clusterId } })).toBe(2);
  });

  it("both fire through pg-boss and each makes a pg_dump with its own options", async () => {
    workers = await startScheduleWorkers(boss, () => {}, { refreshMs: 3_600_000, pollingIntervalSeconds: 1 });
    // What pg-boss's cron puts on each schedule's queue when it fires.
    for (const id of [full, hourly]) await boss.send(scheduleQueueName(id), { scheduleId: id });
    const [fullBackup, hourlyBackup] = [await backupOf(full), await backupOf(hourly)];
    for (const backup of [fullBackup, hourlyBackup]) {
      const { rows } = (await boss
        .getDb()
        .executeSql(
          `SELECT id FROM ${BOSS_SCHEMA}.job WHERE name = 'backup.run' AND data->>'backupId' = $1`,
          [backup.id],
        )) as { rows: { id: string }[] };
      expect(rows).toHaveLength(1);
      backupRunJobs.push(rows[0]!.id);
      expect(backup).toMatchObject({ kind: "logical", requestedBy: "schedule", status: "queued" });
      await runBackup(backup.id, "test-worker");
    }
    const done = await db().backup.findMany({ where: { id: { in: [fullBackup.id, hourlyBackup.id] } } });
    const byId = new Map(done.map((backup) => [backup.id, backup]));
    for (const backup of done) expect(backup.error).toBeNull();
    expect(byId.get(fullBackup.id)!.status).toBe("succeeded");
    expect(byId.get(hourlyBackup.id)!.status).toBe("succeeded");

    const fullTables = await dumpedTables(path.join(byId.get(fullBackup.id)!.path!, "dump.pgdump"));
    const hourlyTables = await dumpedTables(path.join(byId.get(hourlyBackup.id)!.path!, "dump.pgdump"));
    expect(fullTables).toEqual(expect.arrayContaining(["sched_orders", "sched_audit"]));
    expect(hourlyTables).toEqual(["sched_orders"]);

    const rows = await db().backupSchedule.findMany({ where: { clusterId }, orderBy: { createdAt: "asc" } });
    expect(rows.map((row) => row.lastOutcome)).toEqual([
      `started ${fullBackup.id}`,
      `started ${hourlyBackup.id}`,
    ]);
  });

  it("PUT …/schedules/logical still addresses the first of the kind; PATCH and DELETE by id the others", async () => {
    const put = await call(kindRoute.PUT, "PUT", `${base()}/logical`, {
      token: admin.token,
      body: { cron: "30 2 * * *", timezone: "UTC", options: { database: "app" } },
      params: { id: clusterId, kind: "logical" },
    });
    expect(put.status).toBe(200);
    expect(put.json.id).toBe(full);
    const changed = await patch(hourly, { cron: "45 * * * *", enabled: false });
    expect(changed.status).toBe(200);
    // What the PATCH left out is kept.
    expect(changed.json).toMatchObject({ cron: "45 * * * *", enabled: false, name: "hourly orders" });
    expect(changed.json.options.tables).toEqual(["public.sched_orders"]);
    expect((await patch(hourly, { kind: "physical" })).status).toBe(422);

    const removed = await call(byIdRoute.DELETE, "DELETE", `${base()}/by-id/${hourly}`, {
      token: admin.token,
      params: { id: clusterId, scheduleId: hourly },
    });
    expect(removed.status).toBe(204);
    expect(await db().auditEvent.count({ where: { action: "schedule.delete", targetId: hourly } })).toBe(1);
    const rows = await db().backupSchedule.findMany({ where: { clusterId } });
    expect(rows.map((row) => [row.id, row.cron])).toEqual([[full, "30 2 * * *"]]);
    const missing = await call(byIdRoute.DELETE, "DELETE", `${base()}/by-id/${hourly}`, {
      token: admin.token,
      params: { id: clusterId, scheduleId: hourly },
    });
    expect(missing.status).toBe(404);
  });
});
