import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { registerCluster } from "@/lib/clusters/mutations";
import { db } from "@/lib/db";
import { SamplerFleet } from "@/lib/worker/sampler";
import { getReplicationSnapshot } from "@/lib/replication/queries";
import { promoteSandboxStandby, startSandbox, stopSandbox, type SandboxInfo } from "@/lib/sandbox";
import { clusterCreateSchema } from "@/lib/schemas/cluster";

// Promotion cannot be undone, so it gets a throwaway sandbox of its own (ports 26600+).
const options = { home: mkdtempSync(path.join(os.tmpdir(), "walden-promote-")), basePort: 26600 };
const actor: Actor = {
  kind: "session",
  userId: "00000000-0000-0000-0000-000000000002",
  email: "test",
  role: "admin",
  label: "promotion test",
};
let sandbox: SandboxInfo;
let clusterId: string;
let fleet: SamplerFleet;

beforeAll(async () => {
  sandbox = await startSandbox(options);
  const node = (port: number) => ({
    host: "127.0.0.1",
    port,
    user: "walden",
    password: sandbox.cluster.primary.password,
    database: "app",
  });
  const cluster = await registerCluster(
    actor,
    clusterCreateSchema.parse({
      name: `promoted-${Date.now().toString(36)}`,
      primary: node(sandbox.cluster.primary.port),
      standbys: sandbox.cluster.standbys.map((standby) => ({ name: standby.name, ...node(standby.port) })),
    }),
    {},
  );
  clusterId = cluster.id;
  fleet = new SamplerFleet(inject("databaseUrl"), "promotion-test", () => {});
  fleet.start();
});

afterAll(async () => {
  // beforeAll may have failed part-way: clean up whatever it got to.
  await fleet?.stop();
  if (clusterId) await db().cluster.delete({ where: { id: clusterId } });
  await stopSandbox(options);
  rmSync(options.home, { recursive: true, force: true });
});

it("records a promoted standby as a role change and stops calling it streaming", async () => {
  const until = async (check: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error("timed out");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  await until(
    async () => (await getReplicationSnapshot(clusterId))?.standbys[0]?.state === "streaming",
    20_000,
  );

  await promoteSandboxStandby(options, "standby1");
  await until(
    async () =>
      (await db().replicationEvent.count({ where: { clusterId, kind: "role_change", node: "standby1" } })) >
      0,
    10_000,
  );

  const event = await db().replicationEvent.findFirst({
    where: { clusterId, kind: "role_change", node: "standby1" },
  });
  expect(event).toMatchObject({ fromValue: "standby", toValue: "primary" });
  const view = await getReplicationSnapshot(clusterId);
  const standby1 = view!.standbys.find((standby) => standby.name === "standby1")!;
  expect(standby1.state).toBe("disconnected");
  expect(standby1.reason).toMatch(/promoted/);
});
