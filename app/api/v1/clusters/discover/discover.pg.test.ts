import { beforeAll, describe, expect, inject, it } from "vitest";
import * as discoverRoute from "@/app/api/v1/clusters/discover/route";
import { db } from "@/lib/db";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { sandboxNode as node } from "@/test/sandbox-cluster";

// Registering from one node, against the sandbox's real topology: primary → standby1 → standby2
// (cascading). Each node names the standbys streaming from it, and a standby its upstream.

const sandbox = inject("sandbox");
const { primary } = sandbox.cluster;
const [standby1, standby2] = sandbox.cluster.standbys;

let admin: TestUser;
let operator: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  admin = await makeUser("admin", "discover-admin");
  operator = await makeUser("operator", "discover-operator");
  viewer = await makeUser("viewer", "discover-viewer");
});

const discover = (body: unknown, user: TestUser = admin) =>
  call(discoverRoute.POST, "POST", "/api/v1/clusters/discover", { token: user.token, body });

describe("POST /api/v1/clusters/discover", () => {
  it("from the primary: lists standby1 streaming from it, with its address and states, no upstream", async () => {
    const response = await discover(node(primary.port));
    expect(response.status).toBe(200);
    expect(response.json.node).toMatchObject({ role: "primary" });
    expect(response.json.upstream).toBeNull();
    expect(response.json.standbys).toEqual([
      expect.objectContaining({
        applicationName: standby1!.name,
        suggestedName: standby1!.name,
        clientAddr: "127.0.0.1",
        state: "streaming",
        syncState: "async",
        slotName: standby1!.slot,
      }),
    ]);
    expect(response.json.standbys[0].clientPort).toBeGreaterThan(0);
    expect(response.json.warnings.join(" ")).toMatch(/which port each standby listens on/);
    // The password is used for the connection and forgotten: it is nowhere in the answer or the audit.
    expect(response.text).not.toContain(primary.password);
    const events = await db().auditEvent.findMany({
      where: { action: "cluster.discover", actorId: admin.id },
      select: { outcome: true, targetId: true, details: true },
    });
    expect(events[0]).toMatchObject({ outcome: "success", targetId: `127.0.0.1:${primary.port}` });
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(primary.password);
  });

  it("from a cascading standby: its upstream (the primary) and the standby streaming from it", async () => {
    const response = await discover(node(standby1!.port));
    expect(response.status).toBe(200);
    expect(response.json.node).toMatchObject({ role: "standby" });
    expect(response.json).toMatchObject({ clusterName: standby1!.name, suggestedName: standby1!.name });
    expect(response.json.upstream).toEqual({
      host: "127.0.0.1",
      port: primary.port,
      status: "streaming",
      slotName: standby1!.slot,
    });
    expect(response.json.standbys.map((s: { applicationName: string }) => s.applicationName)).toEqual([
      standby2!.name,
    ]);
  });

  it("from the last standby: its upstream is standby1 and nothing streams from it", async () => {
    const response = await discover(node(standby2!.port));
    expect(response.status).toBe(200);
    expect(response.json.upstream).toMatchObject({ host: "127.0.0.1", port: standby1!.port });
    expect(response.json.standbys).toEqual([]);
  });

  it("is 422 naming the field for bad input or a wrong password, 403 below admin (it dials a host the caller names)", async () => {
    const bad = await discover({ ...node(primary.port), host: "db; rm -rf /" });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.json.error.details)).toMatch(/host/);
    const wrong = await discover({ ...node(primary.port), password: "not-the-password" });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.message).toMatch(/Password authentication failed/);
    expect((await discover(node(primary.port), viewer)).status).toBe(403);
    expect((await discover(node(primary.port), operator)).status).toBe(403);
  });
});
