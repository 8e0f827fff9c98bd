import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { registerCluster } from "@/lib/clusters/mutations";
import { db } from "@/lib/db";
import { SamplerFleet } from "@/lib/worker/sampler";
import { evaluateAlerts } from "@/lib/alerts/evaluate";
import { runBackup } from "@/lib/backup/run";
import { currentPrimary, SplitBrainError } from "@/lib/clusters/current-primary";
import { physicalBackupRequestSchema } from "@/lib/schemas/backup";
import { getReplicationSnapshot } from "@/lib/replication/queries";
import { promoteSandboxStandby, startSandbox, stopSandbox, type SandboxInfo } from "@/lib/sandbox";
import { sandboxClusterInput } from "@/lib/sandbox/cluster-input.pg-helper";
import { clusterCreateSchema } from "@/lib/schemas/cluster";

// Promotion cannot be undone, so it gets a throwaway sandbox of its own (ports 26600+). The
// primary stays up while standby1 is promoted: two writable nodes, a split brain (issue 15).
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
  const cluster = await registerCluster(
    actor,
    clusterCreateSchema.parse(sandboxClusterInput(sandbox, `promoted-${Date.now().toString(36)}`)),
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

it("calls two writable nodes a split brain: a critical alert, and backups refused (and audited) while it lasts", async () => {
  // The previous test left standby1 promoted beside a running primary.
  await expect(currentPrimary(clusterId)).rejects.toBeInstanceOf(SplitBrainError);
  const backup = await db().backup.create({
    data: {
      clusterId,
      kind: "physical",
      options: physicalBackupRequestSchema.parse({ clusterId, kind: "physical" }),
      requestedBy: "test",
    },
  });
  const startedAt = Date.now();
  await runBackup(backup.id, "promotion-test");
  expect(Date.now() - startedAt).toBeLessThan(10_000);
  const refused = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
  expect(refused.status).toBe("failed");
  expect(refused.error).toMatch(
    /^split brain in cluster promoted-\w+: primary and standby1 are all writable/,
  );
  expect(
    await db().auditEvent.count({
      where: { action: "backup.refuse", targetId: backup.id, outcome: "failed" },
    }),
  ).toBe(1);

  await evaluateAlerts(new Date(), { clusterIds: [clusterId] });
  const alert = await db().alert.findFirst({ where: { clusterId, kind: "split_brain" } });
  expect(alert).toMatchObject({ state: "firing", severity: "critical", subject: "cluster" });
  expect(alert!.message).toMatch(/split brain: primary and standby1 are all writable/);
  const observed = await db().node.findMany({ where: { clusterId, observedRole: "primary" } });
  expect(observed.map((node) => node.name).sort()).toEqual(["primary", "standby1"]);
});
