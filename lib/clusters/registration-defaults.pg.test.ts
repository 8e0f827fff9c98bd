import { beforeAll, describe, expect, inject, it } from "vitest";
import * as drillsRoute from "@/app/api/v1/clusters/[id]/drills/route";
import * as retentionRoute from "@/app/api/v1/clusters/[id]/retention/route";
import * as schedulesRoute from "@/app/api/v1/clusters/[id]/schedules/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import { DEFAULT_RETENTION } from "@/lib/backup/retention";
import { db } from "@/lib/db";
import { DEFAULT_DRILL_SCHEDULE } from "@/lib/restore/drills";
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
  const [schedules, retention, drills] = await Promise.all([
    call(schedulesRoute.GET, "GET", `${url}/schedules`, { token: admin.token, params }),
    call(retentionRoute.GET, "GET", `${url}/retention`, { token: admin.token, params }),
    call(drillsRoute.GET, "GET", `${url}/drills`, { token: admin.token, params }),
  ]);
  expect([schedules.status, retention.status, drills.status]).toEqual([200, 200, 200]);
  return { schedules: schedules.json, retention: retention.json, drill: drills.json.schedule };
}

describe("POST /api/v1/clusters with registration defaults", () => {
  it("keeps the built-in retention and drill defaults and the registration defaults in step", () => {
    expect(REGISTRATION_DEFAULTS.retention).toEqual({
      recoveryWindowDays: DEFAULT_RETENTION.recoveryWindowDays,
      minRedundancy: DEFAULT_RETENTION.minRedundancy,
    });
    expect(REGISTRATION_DEFAULTS.drill).toEqual(DEFAULT_DRILL_SCHEDULE);
  });

  it("without defaults: a daily physical backup, 7 days / 2 backups retention and the weekly drill, audited", async () => {
    const created = await register(uniqueName("plain"));
    expect(created.status).toBe(201);
    const { schedules, retention, drill } = await protectionOf(created.json.id);
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
    const event = await db().auditEvent.findFirstOrThrow({
      where: { action: "cluster.create", targetId: created.json.id },
    });
    expect(event.details).toMatchObject({
      protection: { physicalScheduleId: schedules[0].id, retention: true, drill: true },
    });
  });

  it("with defaults changed in the form: stored as asked, a switched-off part stored off", async () => {
    const created = await register(uniqueName("custom"), {
      defaults: {
        physicalBackup: { cron: "30 1 * * *", timezone: "europe/paris", enabled: true },
        retention: { recoveryWindowDays: 14, minRedundancy: 3 },
        drill: { cron: "0 6 * * 6", timezone: "UTC", enabled: false },
      },
    });
    expect(created.status).toBe(201);
    const { schedules, retention, drill } = await protectionOf(created.json.id);
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
    ["an unknown part", { verification: { cron: "0 4 * * 0" } }, "defaults"],
  ])("is 422 for %s, naming the field, and registers nothing", async (_label, defaults, path) => {
    const name = uniqueName("bad");
    const response = await register(name, { defaults });
    expect(response.status).toBe(422);
    expect(response.json.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    expect(await db().cluster.findUnique({ where: { name } })).toBeNull();
  });
});
