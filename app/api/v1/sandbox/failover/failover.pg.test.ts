import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as failoverRoute from "@/app/api/v1/sandbox/failover/route";
import { db } from "@/lib/db";
import { jobSender } from "@/lib/queue/sender";
import { call, makeUser, type TestUser } from "@/test/api-client";

// The demo's failover button: admins only, the sandbox's cluster only (the one named in
// $WALDEN_HOME/sandbox.json), audited; the worker does the failover (lib/sandbox/failover.pg.test.ts).

const home = mkdtempSync(path.join(os.tmpdir(), "walden-demo-home-"));
const previousHome = process.env.WALDEN_HOME;
let admin: TestUser;
let operator: TestUser;
let sandboxCluster: string;
let otherCluster: string;

const post = (body: unknown, token = admin.token) =>
  call(failoverRoute.POST, "POST", "/api/v1/sandbox/failover", { token, body });

beforeAll(async () => {
  admin = await makeUser("admin");
  operator = await makeUser("operator");
  const create = (name: string) =>
    db().cluster.create({
      data: { name: `${name}-${Date.now().toString(36)}`, archiveMode: "archive_command" },
    });
  sandboxCluster = (await create("demo-sandbox")).id;
  otherCluster = (await create("not-the-sandbox")).id;
  writeFileSync(path.join(home, "sandbox.json"), JSON.stringify({ clusters: [{ id: sandboxCluster }] }));
  process.env.WALDEN_HOME = home;
});

afterAll(async () => {
  if (previousHome === undefined) delete process.env.WALDEN_HOME;
  else process.env.WALDEN_HOME = previousHome;
  rmSync(home, { recursive: true, force: true });
  await db().cluster.deleteMany({ where: { id: { in: [sandboxCluster, otherCluster] } } });
});

it("queues the failover of the sandbox's cluster for an admin, audited", async () => {
  const response = await post({ clusterId: sandboxCluster, node: "standby1" });
  expect(response.status, response.text).toBe(202);
  expect(response.json).toMatchObject({ jobId: expect.any(String), node: "standby1" });
  const event = await db().auditEvent.findFirst({
    where: { action: "sandbox.failover", targetId: sandboxCluster, actorId: admin.id },
  });
  expect(event).toMatchObject({ outcome: "success" });
  // No worker of another test may ever run it against the shared test sandbox.
  await (await jobSender()).deleteJob("sandbox.failover", response.json.jobId);
});

it("answers a dry run (does the button apply?) with 200, queueing and auditing nothing", async () => {
  const before = await db().auditEvent.count({
    where: { action: "sandbox.failover", targetId: sandboxCluster },
  });
  const probe = await post({ clusterId: sandboxCluster, node: "standby1", dryRun: true });
  expect(probe.status, probe.text).toBe(200);
  expect(probe.json).toEqual({ node: "standby1", jobId: null });
  expect(
    await db().auditEvent.count({ where: { action: "sandbox.failover", targetId: sandboxCluster } }),
  ).toBe(before);
  expect((await post({ clusterId: otherCluster, node: "standby1", dryRun: true })).status).toBe(404);
});

it("is a 404 for any other cluster, a 422 for a bad body, a 403 below admin", async () => {
  const other = await post({ clusterId: otherCluster, node: "standby1" });
  expect(other.status).toBe(404);
  expect(other.json.error.message).toMatch(/is not the demo sandbox's/);
  const bad = await post({ clusterId: sandboxCluster, node: "standby9" });
  expect(bad.status).toBe(422);
  expect(bad.text).toMatch(/must be primary, standby1 or standby2/);
  expect((await post({ clusterId: sandboxCluster, node: "standby1" }, operator.token)).status).toBe(403);
  expect(await db().auditEvent.count({ where: { action: "sandbox.failover", targetId: otherCluster } })).toBe(
    0,
  );
});
