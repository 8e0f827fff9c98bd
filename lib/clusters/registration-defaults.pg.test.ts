import { beforeAll, describe, expect, inject, it } from "vitest";
import * as drillsRoute from "@/app/api/v1/clusters/[id]/drills/route";
import * as retentionRoute from "@/app/api/v1/clusters/[id]/retention/route";
import * as schedulesRoute from "@/app/api/v1/clusters/[id]/schedules/route";
import * as verifyRoute from "@/app/api/v1/clusters/[id]/schedules/verify/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import { DEFAULT_RETENTION } from "@/lib/backup/retention";
import { db } from "@/lib/db";
import { DEFAULT_DRILL_SCHEDULE, startDueDrills } from "@/lib/restore/drills";
import { DEFAULT_VERIFY_SCHEDULE } from "@/lib/schedules/verify";
import { REGISTRATION_DEFAULTS } from "@/lib/schemas/cluster";
import { call, makeUser, type TestUser } from "@/test/api-client";

// POST /api/v1/clusters creates the cluster's protection with it: the defaults when the request
// says nothing, what it asks for otherwise, nothing with `defaults: false`. Read back through the
// schedule, retention and drill endpoints the cluster page uses.

const sandbox = inject("sandbox");
const primary = sandbox.cluster.primary;
let admin: TestUser;

beforeAll(async () => {
  admin = await makeUser("admin");
});

const uniqueName = (label: string) => `reg-${label}-${Date.now().toString(36)}`;

async function register(name: string, extra: Record<string, unknown> = {}) {
  return call(clustersRoute.POST, "POST", "/api/v1/clusters", {
    token: admin.token,
    body: {
      name,
      primary: {
        host: primary.host,
        port: primary.port,
        user: primary.user,
        password: primary.password,
        database: primary.database,
      },
      ...extra,
    },
  });
}

async function protectionOf(clusterId: string) {
  const url = `/api/v1/clusters/${clusterId}`;
  const params = { id: clusterId };
  const [schedules, retention, drills, verification] = await Promise.all([
    call(schedulesRoute.GET, "GET", `${url}/schedules`, { token: admin.token, params }),
    call(retentionRoute.GET, "GET", `${url}/retention`, { token: admin.token, params }),
    call(drillsRoute.GET, "GET", `${url}/drills`, { token: admin.token, params }),
    call(verifyRoute.GET, "GET", `${url}/schedules/verify`, { token: admin.token, params }),
  ]);
  expect([schedules.status, retention.status, drills.status, verification.status]).toEqual([
    200, 200, 200, 200,
  ]);
  return {
    schedules: schedules.json,
    retention: retention.json,
    drill: drills.json.schedule,
    verification: verification.json,
  };
}

describe("POST /api/v1/clusters with registration defaults", () => {
  it("keeps the built-in retention and drill defaults and the registration defaults in step", () => {
    expect(REGISTRATION_DEFAULTS.retention).toEqual({
      recoveryWindowDays: DEFAULT_RETENTION.recoveryWindowDays,
      minRedundancy: DEFAULT_RETENTION.minRedundancy,
    });
    expect(REGISTRATION_DEFAULTS.drill).toEqual(DEFAULT_DRILL_SCHEDULE);
    expect(REGISTRATION_DEFAULTS.verification).toEqual(DEFAULT_VERIFY_SCHEDULE);
  });

  it("without defaults: a daily physical backup, 7 days / 2 backups retention and the weekly drill, audited", async () => {
    const created = await register(uniqueName("plain"));
    expect(created.status).toBe(201);
    const { schedules, retention, drill, verification } = await protectionOf(created.json.id);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({
      kind: "physical",
      cron: "0 2 * * *",
      timezone: "UTC",
      enabled: true,
      backupFrom: "primary",
      options: { compression: "lz4", checkpoint: "fast" },
    });
    expect(retention).toMatchObject({ recoveryWindowDays: 7, minRedundancy: 2, isDefault: false });
    expect(drill).toMatchObject({ cron: "0 5 * * 0", timezone: "UTC", enabled: true, isDefault: false });
    expect(verification).toMatchObject({ cron: "0 4 * * 0", timezone: "UTC", enabled: true });
    expect(verification.nextRunAt).toMatch(/T04:00:00/);
    const event = await db().auditEvent.findFirstOrThrow({
      where: { action: "cluster.create", targetId: created.json.id },
    });
    expect(event.details).toMatchObject({
      protection: { physicalScheduleId: schedules[0].id, retention: true, verification: true, drill: true },
    });
  });

  it("with defaults changed in the form: stored as asked, a switched-off part stored off", async () => {
    const created = await register(uniqueName("custom"), {
      defaults: {
        physicalBackup: { cron: "30 1 * * *", timezone: "europe/paris", enabled: true },
        retention: { recoveryWindowDays: 14, minRedundancy: 3 },
        verification: { cron: "0 3 * * 1", timezone: "UTC", enabled: true },
        drill: { cron: "0 6 * * 6", timezone: "UTC", enabled: false },
      },
    });
    expect(created.status).toBe(201);
    const { schedules, retention, drill, verification } = await protectionOf(created.json.id);
    expect(verification).toMatchObject({ cron: "0 3 * * 1", enabled: true });
    expect(schedules).toEqual([
      expect.objectContaining({
        kind: "physical",
        cron: "30 1 * * *",
        timezone: "Europe/Paris",
        enabled: true,
      }),
    ]);
    expect(retention).toMatchObject({ recoveryWindowDays: 14, minRedundancy: 3, isDefault: false });
    expect(drill).toMatchObject({ cron: "0 6 * * 6", enabled: false, nextRunAt: null, isDefault: false });
  });

  it("with defaults: false, creates nothing beside the cluster", async () => {
    const created = await register(uniqueName("none"), { defaults: false });
    expect(created.status).toBe(201);
    const clusterId = created.json.id;
    expect(await db().backupSchedule.count({ where: { clusterId } })).toBe(0);
    expect(await db().retentionPolicy.count({ where: { clusterId } })).toBe(0);
    expect(await db().drillSchedule.count({ where: { clusterId } })).toBe(0);
    expect(await db().verifySchedule.count({ where: { clusterId } })).toBe(0);
    // No weekly drill runs on its own either: a week later, the drill sweep passes it by.
    await db().cluster.update({
      where: { id: clusterId },
      data: { createdAt: new Date(Date.now() - 14 * 86_400_000) },
    });
    const lines: string[] = [];
    await startDueDrills(new Date(), (line) => lines.push(line));
    expect(lines.filter((line) => line.includes(created.json.name))).toEqual([]);
    expect(await db().restore.count({ where: { clusterId } })).toBe(0);
    const { drill, verification } = await protectionOf(clusterId);
    expect(drill).toMatchObject({ enabled: false, nextRunAt: null, isDefault: true });
    expect(verification).toBeNull();
  });

  it.each([
    [
      "a cron with a seconds field",
      { physicalBackup: { cron: "0 0 2 * * *" } },
      "defaults.physicalBackup.cron",
    ],
    [
      "an unknown zone",
      { drill: { cron: "0 5 * * 0", timezone: "Mars/Olympus" } },
      "defaults.drill.timezone",
    ],
    [
      "no physical backup kept",
      { retention: { recoveryWindowDays: 7, minRedundancy: 0 } },
      "defaults.retention.minRedundancy",
    ],
    ["an unknown part", { reverify: { cron: "0 4 * * 0" } }, "defaults"],
    [
      "a verification cron with a seconds field",
      { verification: { cron: "0 0 4 * * 0" } },
      "defaults.verification.cron",
    ],
  ])("is 422 for %s, naming the field, and registers nothing", async (_label, defaults, path) => {
    const name = uniqueName("bad");
    const response = await register(name, { defaults });
    expect(response.status).toBe(422);
    expect(response.json.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    expect(await db().cluster.findUnique({ where: { name } })).toBeNull();
  });
});
