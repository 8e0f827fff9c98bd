import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as clusterRoute from "@/app/api/v1/clusters/[id]/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import { db } from "@/lib/db";
import { call, makeUser, type TestUser } from "@/test/api-client";

// The cluster's settings tab edits what PATCH /api/v1/clusters/:id accepts: the RPO and RTO
// targets (new here), the sampling interval and the nodes' connection settings.

const sandbox = inject("sandbox");
const primary = sandbox.cluster.primary;
const node = (port: number) => ({
  host: primary.host,
  port,
  user: primary.user,
  password: primary.password,
  database: primary.database,
});

let admin: TestUser;
let viewer: TestUser;
let clusterId: string;
let clusterName: string;

const patch = (user: TestUser, body: unknown) =>
  call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${clusterId}`, {
    token: user.token,
    body,
    params: { id: clusterId },
  });
const read = async () =>
  (
    await call(clusterRoute.GET, "GET", `/api/v1/clusters/${clusterId}`, {
      token: viewer.token,
      params: { id: clusterId },
    })
  ).json;

beforeAll(async () => {
  admin = await makeUser("admin");
  viewer = await makeUser("viewer");
  clusterName = `settings-${Date.now().toString(36)}`;
  const standby = sandbox.cluster.standbys[0]!;
  const created = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
    token: admin.token,
    body: {
      name: clusterName,
      primary: node(primary.port),
      standbys: [{ name: standby.name, ...node(standby.port) }],
      archive: { mode: "archive_command", path: `${sandbox.cluster.archiveDir}-${clusterName}` },
      defaults: false,
    },
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  clusterId = created.json.id;
});

afterAll(async () => {
  await call(clusterRoute.DELETE, "DELETE", `/api/v1/clusters/${clusterId}?confirm=${clusterName}`, {
    token: admin.token,
    params: { id: clusterId },
  });
});

describe("PATCH /api/v1/clusters/:id: targets and sampling", () => {
  it("shows the default targets, then stores new ones (admin) and audits the change", async () => {
    const before = await read();
    expect(before.rpoTargetSeconds).toBe(93_600);
    expect(before.rtoTargetSeconds).toBe(3600);

    const response = await patch(admin, {
      rpoTargetSeconds: 7200,
      rtoTargetSeconds: 1800,
      sampleIntervalSeconds: 5,
    });
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    expect(response.json).toMatchObject({
      rpoTargetSeconds: 7200,
      rtoTargetSeconds: 1800,
      sampleIntervalSeconds: 5,
    });
    expect(await read()).toMatchObject({ rpoTargetSeconds: 7200, rtoTargetSeconds: 1800 });
    const row = await db().cluster.findUniqueOrThrow({ where: { id: clusterId } });
    expect(row.rpoTargetSeconds).toBe(7200);
    expect(row.rtoTargetSeconds).toBe(1800);
    const event = await db().auditEvent.findFirst({
      where: { targetId: clusterId, action: "cluster.update", outcome: "success", actorId: admin.id },
      orderBy: { at: "desc" },
    });
    expect(JSON.stringify(event?.details)).toContain("rpoTargetSeconds");
  });

  it.each([
    ["below a minute", { rpoTargetSeconds: 59 }, "rpoTargetSeconds"],
    ["not whole seconds", { rtoTargetSeconds: 90.5 }, "rtoTargetSeconds"],
    ["a string", { rpoTargetSeconds: "1h" }, "rpoTargetSeconds"],
    ["over 90 days", { rtoTargetSeconds: 7_776_001 }, "rtoTargetSeconds"],
  ])("is 422 for a target %s, naming the field, and changes nothing", async (_label, body, path) => {
    const response = await patch(admin, body);
    expect(response.status).toBe(422);
    expect(response.json.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    expect(await read()).toMatchObject({ rpoTargetSeconds: 7200, rtoTargetSeconds: 1800 });
  });

  it("is 403 for a viewer, audited as denied", async () => {
    const response = await patch(viewer, { rpoTargetSeconds: 600 });
    expect(response.status).toBe(403);
    const denied = await db().auditEvent.findFirst({
      where: { actorId: viewer.id, action: "cluster.update", outcome: "denied" },
    });
    expect(denied).not.toBeNull();
    expect((await read()).rpoTargetSeconds).toBe(7200);
  });
});

describe("PATCH /api/v1/clusters/:id: nodes as the settings form sends them", () => {
  it("changes a standby's sslmode with every node resent without passwords, keeping the stored ones", async () => {
    const before = await read();
    const standby = before.standbys[0];
    const without = (summary: { host: string; port: number; user: string; database: string }) => ({
      host: summary.host,
      port: summary.port,
      user: summary.user,
      database: summary.database,
    });
    const response = await patch(admin, {
      primary: { ...without(before.primary), sslmode: before.primary.sslmode },
      standbys: [{ name: standby.name, ...without(standby), sslmode: "disable" }],
    });
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    const after = await read();
    expect(after.standbys[0]).toMatchObject({ name: standby.name, sslmode: "disable", hasPassword: true });
    expect(after.primary.hasPassword).toBe(true);
  });

  it("needs the password again when a standby's port changes (422 naming it), and takes it then", async () => {
    const before = await read();
    const standby = before.standbys[0];
    const moved = {
      name: standby.name,
      host: standby.host,
      port: standby.port + 1,
      user: standby.user,
      database: standby.database,
    };
    const refused = await patch(admin, { standbys: [moved] });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.json.error)).toContain("standbys.0.password");
    expect((await read()).standbys[0].port).toBe(standby.port);

    const taken = await patch(admin, { standbys: [{ ...moved, password: primary.password }] });
    expect(taken.status, JSON.stringify(taken.json)).toBe(200);
    expect((await read()).standbys[0]).toMatchObject({ port: standby.port + 1, hasPassword: true });
  });
});
