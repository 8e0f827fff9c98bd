import { inject, beforeAll, describe, expect, it } from "vitest";
import * as clusterRoute from "@/app/api/v1/clusters/[id]/route";
import * as clusterTestRoute from "@/app/api/v1/clusters/[id]/test-connection/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import * as testConnectionRoute from "@/app/api/v1/clusters/test-connection/route";
import { db } from "@/lib/db";
import { decryptNodePassword } from "@/lib/secrets";
import { call, makeUser, type TestUser } from "@/test/api-client";

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
