import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import * as storedTestRoute from "@/app/api/v1/clusters/[id]/test-connection/route";
import * as deliveriesRoute from "@/app/api/v1/notification-channels/[id]/deliveries/route";
import * as restoreRoute from "@/app/api/v1/restores/[id]/route";
import * as restoresRoute from "@/app/api/v1/restores/route";
import { db } from "@/lib/db";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { registerSandboxCluster } from "@/test/sandbox-cluster";

// Issue 13, "who may make Walden dial out": what a viewer may trigger and read, and that ids in a
// request belong to the request's cluster.

const users = {} as Record<"viewer" | "operator", TestUser>;
let clusterA: string;
let clusterB: string;

const archiveOf = (name: string) => path.join(inject("waldenHome"), "archive", name);

beforeAll(async () => {
  users.viewer = await makeUser("viewer", "bounds-viewer");
  users.operator = await makeUser("operator", "bounds-operator");
  const run = Date.now().toString(36);
  clusterA = await registerSandboxCluster(`bounds-a-${run}`, { archivePath: archiveOf(`bounds-a-${run}`) });
  clusterB = await registerSandboxCluster(`bounds-b-${run}`, { archivePath: archiveOf(`bounds-b-${run}`) });
});

describe("dialling out", () => {
  it("testing a stored connection needs an operator", async () => {
    const as = (user: TestUser) =>
      call(storedTestRoute.POST, "POST", `/api/v1/clusters/${clusterA}/test-connection`, {
        token: user.token,
        params: { id: clusterA },
      });
    expect((await as(users.viewer)).status).toBe(403);
    expect((await as(users.operator)).status).toBe(200);
  });

  it("shows a webhook's reply body to operators, and only its status to viewers", async () => {
    const channel = await db().notificationChannel.create({
      data: {
        name: `bounds-${Date.now()}`,
        kind: "webhook",
        secretEncrypted: "unused",
        displayTarget: "hooks.example",
      },
    });
    await db().notificationDelivery.create({
      data: {
        channelId: channel.id,
        event: "test",
        status: "failed",
        attempts: 1,
        responseStatus: 500,
        lastError: "HTTP 500: upstream token tk_live_123 rejected for team infra-secret",
        payload: { text: "test" },
      },
    });
    const as = (user: TestUser) =>
      call(deliveriesRoute.GET, "GET", `/api/v1/notification-channels/${channel.id}/deliveries`, {
        token: user.token,
        params: { id: channel.id },
      });
    const viewer = await as(users.viewer);
    expect(viewer.status).toBe(200);
    expect(viewer.json[0].lastError).toBe("HTTP 500 (the reply's body is shown to operators)");
    expect(viewer.text).not.toContain("tk_live_123");
    expect((await as(users.operator)).json[0].lastError).toContain("tk_live_123");
  });

  it("shows the rows a check query returned to operators, and how many to viewers", async () => {
    const restore = await db().restore.create({
      data: {
        clusterId: clusterA,
        kind: "pitr",
        status: "succeeded",
        request: { clusterId: clusterA, kind: "pitr" },
        requestedBy: "test",
        verification: {
          databases: [],
          inRecovery: false,
          check: {
            database: "app",
            columns: ["email"],
            rows: [["ceo@example.com"], ["cfo@example.com"]],
            truncated: false,
          },
        },
      },
    });
    const read = (user: TestUser) =>
      call(restoreRoute.GET, "GET", `/api/v1/restores/${restore.id}`, {
        token: user.token,
        params: { id: restore.id },
      });
    const viewer = await read(users.viewer);
    expect(viewer.json.verification.check).toMatchObject({ rows: [], rowsHidden: 2, columns: ["email"] });
    expect(viewer.text).not.toContain("ceo@example.com");
    const list = await call(restoresRoute.GET, "GET", `/api/v1/restores?clusterId=${clusterA}`, {
      token: users.viewer.token,
    });
    expect(list.text).not.toContain("ceo@example.com");
    expect((await read(users.operator)).json.verification.check.rows).toEqual([
      ["ceo@example.com"],
      ["cfo@example.com"],
    ]);
  });
});

describe("ids in a request belong to its cluster", () => {
  it("refuses a logical restore of another cluster's backup, and a table copied from another cluster's restore", async () => {
    const backupOfB = await db().backup.create({
      data: {
        clusterId: clusterB,
        kind: "logical",
        status: "succeeded",
        options: { clusterId: clusterB, kind: "logical" },
        requestedBy: "test",
        database: "app",
        path: "/nonexistent",
        finishedAt: new Date(),
      },
    });
    const logical = await call(restoresRoute.POST, "POST", "/api/v1/restores", {
      token: users.operator.token,
      body: { clusterId: clusterA, kind: "logical", backupId: backupOfB.id, database: "bounds_copy" },
    });
    expect(logical.status).toBe(422);
    expect(logical.json.error.details.issues[0].path).toBe("backupId");

    const restoreOfB = await db().restore.create({
      data: {
        clusterId: clusterB,
        kind: "logical",
        status: "succeeded",
        request: { clusterId: clusterB, kind: "logical" },
        requestedBy: "test",
      },
    });
    const table = await call(restoresRoute.POST, "POST", "/api/v1/restores", {
      token: users.operator.token,
      body: {
        clusterId: clusterA,
        kind: "table",
        sourceRestoreId: restoreOfB.id,
        table: "public.orders",
        newName: "orders_copy",
        confirm: "orders_copy",
      },
    });
    expect(table.status).toBe(422);
    expect(table.json.error.details.issues[0].path).toBe("sourceRestoreId");
    expect(
      await db().restore.count({ where: { clusterId: clusterA, kind: { in: ["logical", "table"] } } }),
    ).toBe(0);
  });
});
