import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as kindRoute from "@/app/api/v1/clusters/[id]/schedules/[kind]/route";
import * as listRoute from "@/app/api/v1/clusters/[id]/schedules/route";
import { db } from "@/lib/db";
import { createBoss } from "@/lib/queue/boss";
import { removeScheduleQueue, scheduleQueueName } from "@/lib/schedules/schedule-queues";
import { call, makeUser, type TestUser } from "@/test/api-client";

// The schedule API against the real catalog and pg-boss: what PUT writes is read back from
// both, and DELETE removes it from both.

let admin: TestUser;
let operator: TestUser;
let viewer: TestUser;
let clusterId: string;
let boss: PgBoss;
const queueNames = new Set<string>();

beforeAll(async () => {
  admin = await makeUser("admin");
  operator = await makeUser("operator");
  viewer = await makeUser("viewer");
  const cluster = await db().cluster.create({
    data: { name: `scheduled-${Date.now().toString(36)}`, archiveMode: "archive_command" },
  });
  clusterId = cluster.id;
  // Only reads pg-boss here: no cron supervision, so nothing fires behind the test's back.
  boss = createBoss(inject("databaseUrl"), { schedule: false, supervise: false });
  await boss.start();
});

afterAll(async () => {
  for (const name of queueNames) await removeScheduleQueue(boss, name);
  await db().cluster.delete({ where: { id: clusterId } });
  await boss.stop({ graceful: false });
});

function put(kind: string, body: unknown, token = admin.token, id = clusterId) {
  return call(kindRoute.PUT, "PUT", `/api/v1/clusters/${id}/schedules/${kind}`, {
    token,
    body,
    params: { id, kind },
  });
}

function remove(kind: string, token = admin.token) {
  return call(kindRoute.DELETE, "DELETE", `/api/v1/clusters/${clusterId}/schedules/${kind}`, {
    token,
    params: { id: clusterId, kind },
  });
}

function list(token = viewer.token, id = clusterId) {
  return call(listRoute.GET, "GET", `/api/v1/clusters/${id}/schedules`, { token, params: { id } });
}

async function bossSchedule(scheduleId: string) {
  const schedules = (await boss.getSchedules()) as (PgBoss.Schedule & { timezone: string })[];
  return schedules.find((schedule) => schedule.name === scheduleQueueName(scheduleId));
}

describe("PUT /api/v1/clusters/:id/schedules/:kind", () => {
  it("creates the catalog row and the pg-boss schedule, and audits it", async () => {
    const response = await put("physical", { cron: "0 2 * * *", timezone: "Europe/Paris" });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toMatchObject({
      clusterId,
      kind: "physical",
      cron: "0 2 * * *",
      timezone: "Europe/Paris",
      enabled: true,
      options: { compression: "lz4", checkpoint: "fast" },
      lastRunAt: null,
      lastOutcome: null,
      preview: { text: "At 02:00 (Europe/Paris)", missed: false, overlapped: false },
    });
    expect(response.json.preview.next).toHaveLength(3);
    expect(response.json.preview.next[0]).toMatch(/T02:00:00\+0[12]:00$/);

    const id: string = response.json.id;
    queueNames.add(scheduleQueueName(id));
    const row = await db().backupSchedule.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ clusterId, kind: "physical", cron: "0 2 * * *", enabled: true });

    expect(await bossSchedule(id)).toMatchObject({
      name: `backup.scheduled.${id}`,
      cron: "0 2 * * *",
      timezone: "Europe/Paris",
      data: { scheduleId: id },
    });
    expect(await boss.getQueue(scheduleQueueName(id))).not.toBeNull();

    const event = await db().auditEvent.findFirst({
      where: { action: "schedule.create", targetId: id },
      orderBy: { at: "desc" },
    });
    expect(event).toMatchObject({ outcome: "success", actorId: admin.id });
  });

  it("replaces the schedule in place, and disabling it removes the pg-boss schedule", async () => {
    const before = await db().backupSchedule.findFirstOrThrow({
      where: { clusterId, kind: "physical" },
    });
    const changed = await put("physical", { cron: "15 3 * * 0", timezone: "UTC" });
    expect(changed.status).toBe(200);
    expect(changed.json.id).toBe(before.id);
    expect(await bossSchedule(before.id)).toMatchObject({ cron: "15 3 * * 0", timezone: "UTC" });

    const disabled = await put("physical", { cron: "15 3 * * 0", timezone: "UTC", enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.json).toMatchObject({ enabled: false, preview: { next: [], missed: false } });
    expect(await bossSchedule(before.id)).toBeUndefined();
    expect(await db().auditEvent.count({ where: { action: "schedule.update", targetId: before.id } })).toBe(
      2,
    );

    const enabled = await put("physical", { cron: "0 2 * * *", timezone: "UTC" });
    expect(enabled.json.enabled).toBe(true);
    expect(await bossSchedule(before.id)).toMatchObject({ cron: "0 2 * * *" });
  });

  it("keeps logical options as a backup request would take them", async () => {
    const response = await put("logical", {
      cron: "30 1 * * 1-5",
      timezone: "UTC",
      options: { database: "app", format: "directory", jobs: 2, tables: ["public.*"] },
    });
    expect(response.status, response.text).toBe(200);
    queueNames.add(scheduleQueueName(response.json.id));
    expect(response.json.options).toMatchObject({
      database: "app",
      format: "directory",
      jobs: 2,
      tables: ["public.*"],
    });
  });

  it.each([
    ["a seconds field", { cron: "0 0 2 * * *", timezone: "UTC" }, /seconds field/],
    ["a cron-parser error", { cron: "61 * * * *", timezone: "UTC" }, /Constraint error, got value 61/],
    ["a schedule every 5 minutes", { cron: "*/5 * * * *", timezone: "UTC" }, /at most every 15 minutes/],
    ["an unknown zone", { cron: "0 2 * * *", timezone: "Mars/Olympus" }, /timezone: is not a time zone/],
    [
      "a shell command as a table",
      { cron: "0 2 * * *", timezone: "UTC", options: { tables: ["x; rm -rf /"] } },
      /options\.tables\.0/,
    ],
  ])("is 422 for %s, and nothing changes", async (_label, body, message) => {
    const before = await db().backupSchedule.findMany({ where: { clusterId }, orderBy: { kind: "asc" } });
    const response = await put("logical", body);
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe("unprocessable_entity");
    expect(response.json.error.message).toMatch(message);
    expect(await db().backupSchedule.findMany({ where: { clusterId }, orderBy: { kind: "asc" } })).toEqual(
      before,
    );
  });

  it("is 403 for a viewer and an operator (admin manages schedules), and the denial is audited", async () => {
    expect((await put("physical", { cron: "0 4 * * *", timezone: "UTC" }, viewer.token)).status).toBe(403);
    expect((await put("physical", { cron: "0 4 * * *", timezone: "UTC" }, operator.token)).status).toBe(403);
    expect(
      await db().auditEvent.count({
        where: { action: "schedule.update", outcome: "denied", actorId: viewer.id },
      }),
    ).toBe(1);
    const row = await db().backupSchedule.findFirstOrThrow({
      where: { clusterId, kind: "physical" },
    });
    expect(row.cron).toBe("0 2 * * *");
  });

  it("is 404 for an unknown cluster or kind", async () => {
    const unknown = "5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e";
    expect((await put("physical", { cron: "0 2 * * *", timezone: "UTC" }, admin.token, unknown)).status).toBe(
      404,
    );
    expect((await put("snapshot", { cron: "0 2 * * *", timezone: "UTC" })).status).toBe(404);
  });
});

describe("GET /api/v1/clusters/:id/schedules", () => {
  it("lists the cluster's schedules with their previews for a viewer", async () => {
    const response = await list();
    expect(response.status).toBe(200);
    expect(response.json.map((schedule: { kind: string }) => schedule.kind)).toEqual(["physical", "logical"]);
    for (const schedule of response.json) {
      expect(Object.keys(schedule)).toEqual(
        expect.arrayContaining([
          "id",
          "kind",
          "cron",
          "timezone",
          "enabled",
          "options",
          "lastRunAt",
          "lastOutcome",
          "preview",
        ]),
      );
      expect(schedule.preview.summary).toMatch(/ — next \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    }
  });

  it("is 404 for an unknown cluster", async () => {
    expect((await list(viewer.token, "5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e")).status).toBe(404);
  });
});

describe("DELETE /api/v1/clusters/:id/schedules/:kind", () => {
  it("is 403 for a viewer", async () => {
    expect((await remove("logical", viewer.token)).status).toBe(403);
    expect(await db().backupSchedule.count({ where: { clusterId, kind: "logical" } })).toBe(1);
  });

  it("removes the catalog row, the pg-boss schedule and its queue, and audits it", async () => {
    const row = await db().backupSchedule.findFirstOrThrow({
      where: { clusterId, kind: "logical" },
    });
    expect(await bossSchedule(row.id)).toBeDefined();
    const response = await remove("logical");
    expect(response.status).toBe(204);
    expect(await db().backupSchedule.findUnique({ where: { id: row.id } })).toBeNull();
    expect(await bossSchedule(row.id)).toBeUndefined();
    expect(await boss.getQueue(scheduleQueueName(row.id))).toBeNull();
    expect(await db().auditEvent.count({ where: { action: "schedule.delete", targetId: row.id } })).toBe(1);
  });

  it("is 404 when there is no such schedule", async () => {
    expect((await remove("logical")).status).toBe(404);
  });
});
