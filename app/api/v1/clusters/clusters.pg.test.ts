import pg from "pg";
import { afterAll, inject, beforeAll, describe, expect, it } from "vitest";
import * as clusterRoute from "@/app/api/v1/clusters/[id]/route";
import * as clusterTestRoute from "@/app/api/v1/clusters/[id]/test-connection/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import * as testConnectionRoute from "@/app/api/v1/clusters/test-connection/route";
import { db } from "@/lib/db";
import { getReplicationSnapshot } from "@/lib/replication/queries";
import type { ClusterListItem } from "@/lib/schemas/cluster";
import { decryptNodePassword } from "@/lib/secrets";
import { refreshRestoreWindow } from "@/lib/wal/refresh-window";
import { SamplerFleet } from "@/lib/worker/sampler";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { takePhysicalBackup } from "@/test/sandbox-cluster";
import { waitUntil } from "@/test/wait";

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
let clusterName: string;
let clusterId: string;

beforeAll(async () => {
  admin = await makeUser("admin");
  viewer = await makeUser("viewer");
  clusterName = `sandbox-${Date.now().toString(36)}`;
  const created = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
    token: admin.token,
    body: {
      name: clusterName,
      primary: node(primary.port),
      standbys: sandbox.cluster.standbys.map((standby) => ({ name: standby.name, ...node(standby.port) })),
      archive: { mode: "archive_command", path: sandbox.cluster.archiveDir },
    },
  });
  expect(created.status).toBe(201);
  clusterId = created.json.id;
});

describe("GET /api/v1/clusters", () => {
  it("is 401 without credentials, in the public error shape", async () => {
    const response = await call(clustersRoute.GET, "GET", "/api/v1/clusters");
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe("unauthorized");
    expect(response.json.error.message).toMatch(/Sign in|token/);
  });

  it("is still 401 with x-middleware-subrequest (the check lives in the handler)", async () => {
    const response = await call(clustersRoute.GET, "GET", "/api/v1/clusters", {
      headers: { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" },
    });
    expect(response.status).toBe(401);
  });

  it("is 401 with a made-up token", async () => {
    const response = await call(clustersRoute.GET, "GET", "/api/v1/clusters", {
      token: "wld_" + "x".repeat(43),
    });
    expect(response.status).toBe(401);
  });

  it("lists the cluster for a viewer, with no password anywhere", async () => {
    const response = await call(clustersRoute.GET, "GET", "/api/v1/clusters", { token: viewer.token });
    expect(response.status).toBe(200);
    const cluster = response.json.find((item: { id: string }) => item.id === clusterId);
    expect(cluster).toMatchObject({
      name: clusterName,
      primary: {
        host: primary.host,
        port: primary.port,
        user: primary.user,
        database: "app",
        hasPassword: true,
      },
      lastBackup: null,
    });
    expect(cluster.standbys.map((standby: { name: string }) => standby.name)).toEqual([
      "standby1",
      "standby2",
    ]);
    expect(response.text).not.toMatch(/"password"/);
    expect(response.text).not.toContain(primary.password);
  });
});

describe("GET /api/v1/clusters: are we safe?", () => {
  let fleet: SamplerFleet;
  let backupId: string;

  async function listed(): Promise<ClusterListItem> {
    const response = await call(clustersRoute.GET, "GET", "/api/v1/clusters", { token: viewer.token });
    expect(response.status).toBe(200);
    return response.json.find((item: ClusterListItem) => item.id === clusterId);
  }

  beforeAll(async () => {
    // The real sampler fills the snapshot (lag, archiver); a real backup, a commit after it
    // archived, and the worker's archive scan give the last backup and the restorable window.
    fleet = new SamplerFleet(inject("databaseUrl"), "clusters-test", () => {});
    fleet.start();
    await waitUntil(
      "a fresh sample with both standbys streaming",
      async () => {
        const view = await getReplicationSnapshot(clusterId);
        return view && !view.stale && view.standbys.every((standby) => standby.state === "streaming");
      },
      30_000,
      200,
    );
    backupId = await takePhysicalBackup(clusterId);
    const client = new pg.Client(node(primary.port));
    await client.connect();
    try {
      await client.query("create table if not exists fleet_status_probe (at timestamptz)");
      await client.query("insert into fleet_status_probe values (now())");
      await client.query("select pg_switch_wal()");
    } finally {
      await client.end();
    }
    await waitUntil(
      "the restorable window to reach a commit after the backup",
      async () => {
        await refreshRestoreWindow(clusterId);
        return (await listed()).restoreWindow?.latest ?? null;
      },
      30_000,
      500,
    );
  }, 180_000);

  afterAll(async () => {
    await fleet.stop();
  });

  it("fills lastBackup with the real backup, the window, the lag and the archiver, and calls it safe", async () => {
    const done = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
    const cluster = await listed();
    expect(cluster.lastBackup).toMatchObject({
      id: backupId,
      kind: "physical",
      finishedAt: done.finishedAt!.toISOString(),
      sizeBytes: Number(done.sizeBytes),
    });
    expect(cluster.lastBackup!.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(cluster.lastBackup!.ageSeconds).toBeLessThan(300);
    expect(cluster.rpo).toEqual({ targetSeconds: 93_600, achievedSeconds: cluster.lastBackup!.ageSeconds });
    expect(Date.parse(cluster.restoreWindow!.earliest!)).toBeGreaterThanOrEqual(
      done.finishedAt!.getTime() - 1000,
    );
    expect(Date.parse(cluster.restoreWindow!.latest!)).toBeGreaterThanOrEqual(
      Date.parse(cluster.restoreWindow!.earliest!),
    );
    expect(cluster.replicationLag).toEqual({ bytes: expect.any(Number), seconds: expect.any(Number) });
    expect(cluster.archiver).toMatchObject({ failing: false, failedCount: expect.any(Number) });
    expect(cluster.lastDrill).toBeNull();
    expect(cluster.firingAlerts).toEqual({ critical: 0, warning: 0 });
    expect(cluster.safety).toEqual({ state: "safe", reasons: [], reasonCodes: [] });
  });

  it("is at risk, saying why, past the RPO target, after a failed drill and with a critical alert firing", async () => {
    await db().cluster.update({
      where: { id: clusterId },
      data: { rpoTargetSeconds: 0, rtoTargetSeconds: 60 },
    });
    const finishedAt = new Date();
    const drill = await db().restore.create({
      data: {
        clusterId,
        kind: "pitr",
        purpose: "drill",
        status: "failed",
        request: { clusterId, kind: "pitr" },
        requestedBy: "test",
        rtoMs: 90_000,
        finishedAt,
      },
    });
    const rule = await db().alertRule.create({
      data: { clusterId, kind: "standby_down", severity: "critical" },
    });
    const now = new Date();
    await db().alert.createMany({
      data: ["standby1", "standby2"].map((subject) => ({
        ruleId: rule.id,
        clusterId,
        kind: "standby_down",
        subject,
        state: "firing" as const,
        severity: "critical",
        message: `${subject} is down`,
        pendingSince: now,
        startedAt: now,
      })),
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const cluster = await listed();
      expect(cluster.rpo.targetSeconds).toBe(0);
      expect(cluster.lastDrill).toEqual({
        id: drill.id,
        status: "failed",
        finishedAt: finishedAt.toISOString(),
        rtoSeconds: 90,
        rtoTargetSeconds: 60,
      });
      expect(cluster.firingAlerts).toEqual({ critical: 2, warning: 0 });
      expect(cluster.safety.state).toBe("at_risk");
      expect(cluster.safety.reasons).toEqual([
        expect.stringMatching(/^the last backup is .+ old, over the RPO target of 0 s$/),
        "the last restore drill failed",
        "2 critical alerts firing",
      ]);
    } finally {
      await db().alertRule.delete({ where: { id: rule.id } });
      await db().restore.delete({ where: { id: drill.id } });
      await db().cluster.update({
        where: { id: clusterId },
        data: { rpoTargetSeconds: 93_600, rtoTargetSeconds: 3600 },
      });
    }
  });
});

describe("POST /api/v1/clusters", () => {
  it("is 403 for a viewer, and the attempt is audited", async () => {
    const response = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
      token: viewer.token,
      body: { name: "nope", primary: node(primary.port) },
    });
    expect(response.status).toBe(403);
    const denied = await db().auditEvent.findFirst({
      where: { actorId: viewer.id, action: "cluster.create", outcome: "denied" },
    });
    expect(denied).not.toBeNull();
  });

  it.each([
    ["a shell string as port", { port: "5432; rm -rf /" }, "primary.port"],
    ["a conninfo string as database", { database: "host=evil" }, "primary.database"],
    ["a conninfo string as host", { host: "x sslmode=disable" }, "primary.host"],
  ])("is 422 for %s, naming the field, and creates nothing", async (_label, override, path) => {
    const name = `hostile-${Math.random().toString(36).slice(2, 8)}`;
    const response = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
      token: admin.token,
      body: { name, primary: { ...node(primary.port), ...override } },
    });
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe("unprocessable_entity");
    expect(response.json.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    expect(await db().cluster.findUnique({ where: { name } })).toBeNull();
  });

  it("is 422 for a body that is not JSON", async () => {
    const response = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
      token: admin.token,
      rawBody: "{not json",
    });
    expect(response.status).toBe(422);
  });

  it("is 409 for a name already taken", async () => {
    const response = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
      token: admin.token,
      body: { name: clusterName, primary: node(primary.port) },
    });
    expect(response.status).toBe(409);
  });

  it("stores passwords encrypted and audits the change without the password", async () => {
    const nodes = await db().node.findMany({ where: { clusterId } });
    expect(nodes).toHaveLength(3);
    for (const row of nodes) {
      expect(row.passwordEncrypted).not.toContain(primary.password);
      expect(decryptNodePassword(row.passwordEncrypted!)).toBe(primary.password);
    }
    const event = await db().auditEvent.findFirst({
      where: { targetId: clusterId, action: "cluster.create", outcome: "success" },
    });
    expect(JSON.stringify(event?.details)).not.toContain(primary.password);
    expect(JSON.stringify(event?.details)).toContain("[redacted]");
  });
});

describe("cookie sessions", () => {
  it("refuse a mutation without a same-site Origin (CSRF), and allow it with one", async () => {
    const body = { primary: { port: primary.port } };
    const crossSite = await call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${clusterId}`, {
      cookie: admin.cookie,
      origin: "https://evil.example",
      body,
      params: { id: clusterId },
    });
    expect(crossSite.status).toBe(403);
    const noOrigin = await call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${clusterId}`, {
      cookie: admin.cookie,
      body,
      params: { id: clusterId },
    });
    expect(noOrigin.status).toBe(403);
    const sameSite = await call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${clusterId}`, {
      cookie: admin.cookie,
      origin: "http://localhost:3000",
      body,
      params: { id: clusterId },
    });
    expect(sameSite.status).toBe(200);
  });

  it("allow reads without Origin", async () => {
    const response = await call(clusterRoute.GET, "GET", `/api/v1/clusters/${clusterId}`, {
      cookie: viewer.cookie,
      params: { id: clusterId },
    });
    expect(response.status).toBe(200);
    expect(response.json.name).toBe(clusterName);
  });
});

describe("test connection", () => {
  it("reports version, role and system identifier of a primary and a standby", async () => {
    const primaryReport = await call(testConnectionRoute.POST, "POST", "/api/v1/clusters/test-connection", {
      token: admin.token,
      body: node(primary.port),
    });
    expect(primaryReport.status).toBe(200);
    expect(primaryReport.json).toMatchObject({ ok: true, role: "primary", warnings: [] });
    expect(primaryReport.json.serverVersionNum).toBeGreaterThanOrEqual(130000);
    expect(primaryReport.json.systemIdentifier).toMatch(/^\d{15,20}$/);

    const standbyReport = await call(testConnectionRoute.POST, "POST", "/api/v1/clusters/test-connection", {
      token: admin.token,
      body: node(sandbox.cluster.standbys[0]!.port),
    });
    expect(standbyReport.json.role).toBe("standby");
    // A physical standby is a copy: same system identifier.
    expect(standbyReport.json.systemIdentifier).toBe(primaryReport.json.systemIdentifier);
  });

  it("names missing privileges of a limited role", async () => {
    const pg = await import("pg");
    const client = new pg.default.Client(node(primary.port));
    await client.connect();
    await client.query("drop role if exists walden_limited");
    await client.query("create role walden_limited login password 'limited-pass-123'");
    await client.end();
    const response = await call(testConnectionRoute.POST, "POST", "/api/v1/clusters/test-connection", {
      token: admin.token,
      body: { ...node(primary.port), user: "walden_limited", password: "limited-pass-123" },
    });
    expect(response.status).toBe(200);
    expect(response.json.privileges).toEqual({ superuser: false, replication: false, pgMonitor: false });
    expect(response.json.warnings.join("\n")).toMatch(/GRANT pg_monitor TO "walden_limited"/);
    expect(response.json.warnings.join("\n")).toMatch(/ALTER ROLE "walden_limited" REPLICATION/);
  });

  it("is 422 for a wrong password and 503 for a closed port", async () => {
    const wrong = await call(testConnectionRoute.POST, "POST", "/api/v1/clusters/test-connection", {
      token: admin.token,
      body: { ...node(primary.port), password: "wrong" },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.message).toMatch(/Password authentication failed/);
    const closed = await call(testConnectionRoute.POST, "POST", "/api/v1/clusters/test-connection", {
      token: admin.token,
      body: node(1),
    });
    expect(closed.status).toBe(503);
    expect(closed.json.error.code).toBe("upstream_unavailable");
  });

  it("is admin-only for free-form settings", async () => {
    const response = await call(testConnectionRoute.POST, "POST", "/api/v1/clusters/test-connection", {
      token: viewer.token,
      body: node(primary.port),
    });
    expect(response.status).toBe(403);
  });

  it("probes every registered node with stored credentials (an operator's call: it dials out)", async () => {
    const asViewer = await call(
      clusterTestRoute.POST,
      "POST",
      `/api/v1/clusters/${clusterId}/test-connection`,
      {
        token: viewer.token,
        params: { id: clusterId },
      },
    );
    expect(asViewer.status).toBe(403);
    const response = await call(
      clusterTestRoute.POST,
      "POST",
      `/api/v1/clusters/${clusterId}/test-connection`,
      {
        token: (await makeUser("operator")).token,
        params: { id: clusterId },
      },
    );
    expect(response.status).toBe(200);
    expect(
      response.json.nodes.map((result: { name: string; ok: boolean; report?: { role: string } }) => [
        result.name,
        result.ok,
        result.report?.role,
      ]),
    ).toEqual([
      ["primary", true, "primary"],
      ["standby1", true, "standby"],
      ["standby2", true, "standby"],
    ]);
  });
});

describe("DELETE /api/v1/clusters/:id", () => {
  it("needs the cluster's name typed to confirm", async () => {
    const unconfirmed = await call(
      clusterRoute.DELETE,
      "DELETE",
      `/api/v1/clusters/${clusterId}?confirm=wrong`,
      {
        token: admin.token,
        params: { id: clusterId },
      },
    );
    expect(unconfirmed.status).toBe(422);
    expect(await db().cluster.findUnique({ where: { id: clusterId } })).not.toBeNull();
    const confirmed = await call(
      clusterRoute.DELETE,
      "DELETE",
      `/api/v1/clusters/${clusterId}?confirm=${clusterName}`,
      {
        token: admin.token,
        params: { id: clusterId },
      },
    );
    expect(confirmed.status).toBe(200);
    // Retired, not erased: the row stays (renamed, so the name can be registered again).
    const retired = await db().cluster.findUnique({ where: { id: clusterId } });
    expect(retired?.retiredAt).toBeInstanceOf(Date);
    expect(retired?.name).toBe(`${clusterName}-retired-${clusterId.slice(0, 8)}`);
    const missing = await call(clusterRoute.GET, "GET", `/api/v1/clusters/${clusterId}`, {
      token: viewer.token,
      params: { id: clusterId },
    });
    expect(missing.status).toBe(404);
  });
});
