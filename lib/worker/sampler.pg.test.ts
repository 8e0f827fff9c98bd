import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { registerCluster } from "@/lib/clusters/mutations";
import { db } from "@/lib/db";
import { SamplerFleet } from "@/lib/worker/sampler";
import { getLagSeries, getReplicationSnapshot, type ReplicationView } from "@/lib/replication/queries";
import { rollUpReplication } from "@/lib/replication/rollup";
import { startSandbox, stopSandboxServer } from "@/lib/sandbox";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import { sandboxNode } from "@/test/sandbox-cluster";

// The real sampler against the real sandbox: break replication on purpose and watch the
// snapshot say so. Every test puts the sandbox back as it found it.

const sandbox = inject("sandbox");
const sandboxOptions = { home: inject("waldenHome"), basePort: sandbox.catalog.port };
const actor: Actor = {
  kind: "session",
  userId: "00000000-0000-0000-0000-000000000001",
  email: "test",
  role: "admin",
  label: "sampler test",
};
const MiB = 1024 * 1024;

const standbyPort = (name: string) => sandbox.cluster.standbys.find((standby) => standby.name === name)!.port;

async function sql(port: number, text: string): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client(sandboxNode(port));
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

let clusterId: string;
let fleet: SamplerFleet;

async function waitFor(
  description: string,
  check: (view: ReplicationView) => boolean,
  timeoutMs = 10_000,
): Promise<ReplicationView> {
  const deadline = Date.now() + timeoutMs;
  let view: ReplicationView | null = null;
  while (Date.now() < deadline) {
    view = await getReplicationSnapshot(clusterId);
    if (view && check(view)) return view;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `timed out waiting for ${description}; last snapshot: ${JSON.stringify(view?.standbys ?? view, null, 1)}`,
  );
}
const standbyOf = (view: ReplicationView, name: string) =>
  view.standbys.find((standby) => standby.name === name)!;

beforeAll(async () => {
  const cluster = await registerCluster(
    actor,
    clusterCreateSchema.parse({
      name: `sampled-${Date.now().toString(36)}`,
      primary: sandboxNode(sandbox.cluster.primary.port),
      standbys: sandbox.cluster.standbys.map((standby) => ({
        name: standby.name,
        ...sandboxNode(standby.port),
      })),
      archive: { mode: "archive_command", path: sandbox.cluster.archiveDir },
    }),
    {},
  );
  clusterId = cluster.id;
  fleet = new SamplerFleet(inject("databaseUrl"), "test-worker", () => {});
  fleet.start();
  await waitFor(
    "both standbys streaming",
    (view) => view.standbys.every((standby) => standby.state === "streaming"),
    20_000,
  );
});

afterAll(async () => {
  await fleet.stop();
  await db().cluster.delete({ where: { id: clusterId } });
  await startSandbox(sandboxOptions);
});

describe("replication sampler", () => {
  it("shows the topology with the cascade and a fresh sample", async () => {
    const view = await waitFor("a sample", () => true);
    expect(view.stale).toBe(false);
    expect(view.primary).toMatchObject({ reachable: true, inRecovery: false, timeline: expect.any(Number) });
    expect(view.primary.currentLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(standbyOf(view, "standby1").upstream).toBe("primary");
    expect(standbyOf(view, "standby2").upstream).toBe("standby1");
    expect(view.slots.map((slot) => `${slot.node}:${slot.name}:${slot.active}`).sort()).toEqual([
      "primary:standby1:true",
      "standby1:standby2:true",
    ]);
    expect(Date.now() - Date.parse(view.sampledAt)).toBeLessThan(3_000);
  });

  it("reports a paused standby with byte lag while the primary writes, and clears it after resume", async () => {
    await sql(standbyPort("standby1"), "select pg_wal_replay_pause()");
    try {
      await sql(sandbox.cluster.primary.port, "create table if not exists sampler_bulk (x text)");
      await sql(
        sandbox.cluster.primary.port,
        "insert into sampler_bulk select repeat(md5(i::text), 8) from generate_series(1, 40000) i",
      );
      const paused = await waitFor("standby1 paused with > 5 MiB replay lag", (view) => {
        const standby = standbyOf(view, "standby1");
        return standby.state === "paused" && (standby.lagBytes.replay ?? 0) > 5 * MiB;
      });
      expect(standbyOf(paused, "standby1").replayPaused).toBe(true);
      expect(standbyOf(paused, "standby1").lagSeconds.replay).toBeGreaterThan(0);
    } finally {
      await sql(standbyPort("standby1"), "select pg_wal_replay_resume()");
    }
    const resumed = await waitFor("standby1 streaming again", (view) => {
      const standby = standbyOf(view, "standby1");
      return standby.state === "streaming" && (standby.lagBytes.replay ?? Infinity) < MiB;
    });
    expect(standbyOf(resumed, "standby1").lagSeconds.replay).toBeLessThan(2);

    const events = await db().replicationEvent.findMany({
      where: { clusterId, node: "standby1", kind: "state_change" },
      orderBy: { at: "asc" },
    });
    expect(events.map((event) => event.toValue)).toEqual(expect.arrayContaining(["paused", "streaming"]));

    const series = await getLagSeries(clusterId, {
      standby: "standby1",
      points: 20,
      from: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    expect(series.source).toBe("raw");
    expect(series.points.length).toBeLessThanOrEqual(20);
    expect(Math.max(...series.points.map((point) => point.replayBytesMax ?? 0))).toBeGreaterThan(5 * MiB);
  });

  it("marks a stopped standby disconnected within 5 s, with lag seconds that keep growing", async () => {
    await stopSandboxServer(sandboxOptions, "standby2");
    try {
      const stoppedAt = Date.now();
      const first = await waitFor(
        "standby2 disconnected",
        (view) => standbyOf(view, "standby2").state === "disconnected",
        5_000,
      );
      expect(Date.now() - stoppedAt).toBeLessThan(5_000);
      expect(standbyOf(first, "standby2").reachable).toBe(false);
      const firstLag = standbyOf(first, "standby2").lagSeconds.replay!;
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const later = await waitFor("a later sample", (view) => view.sampledAt > first.sampledAt);
      expect(standbyOf(later, "standby2").lagSeconds.replay!).toBeGreaterThan(firstLag + 1.5);
      // The slot on standby1 that fed it is now inactive.
      expect(later.slots.find((slot) => slot.name === "standby2")?.active).toBe(false);
    } finally {
      await startSandbox(sandboxOptions);
    }
    await waitFor("standby2 back", (view) => standbyOf(view, "standby2").state === "streaming", 20_000);
  });

  it("flags a failing archive_command", async () => {
    const primaryPort = sandbox.cluster.primary.port;
    const [original] = await sql(
      primaryPort,
      "select setting from pg_settings where name = 'archive_command'",
    );
    await sql(primaryPort, "alter system set archive_command = 'false'");
    await sql(primaryPort, "select pg_reload_conf()");
    try {
      await sql(primaryPort, "select pg_switch_wal()");
      await sql(
        primaryPort,
        "create table if not exists sampler_switch (x int); insert into sampler_switch values (1)",
      );
      await sql(primaryPort, "select pg_switch_wal()");
      const failing = await waitFor("archiver failing", (view) => view.archiver?.failing === true, 15_000);
      expect(failing.archiver!.failedCount).toBeGreaterThan(0);
      expect(failing.archiver!.lastFailedWal).toMatch(/^[0-9A-F]{24}$/);
    } finally {
      await sql(primaryPort, "alter system reset archive_command");
      await sql(primaryPort, "select pg_reload_conf()");
    }
    expect(original?.setting).toBeTruthy();
    await waitFor("archiver recovered", (view) => view.archiver?.failing === false, 20_000);
  });

  it("shows an unused slot inactive, with retained WAL growing as the primary writes", async () => {
    const primaryPort = sandbox.cluster.primary.port;
    await sql(primaryPort, "select pg_create_physical_replication_slot('walden_test_idle', true)");
    try {
      const before = await waitFor("the idle slot", (view) =>
        view.slots.some((slot) => slot.name === "walden_test_idle"),
      );
      const retainedBefore =
        before.slots.find((slot) => slot.name === "walden_test_idle")!.retainedBytes ?? 0;
      await sql(
        primaryPort,
        "insert into sampler_bulk select repeat(md5(i::text), 8) from generate_series(1, 10000) i",
      );
      const after = await waitFor("the slot holding more WAL", (view) => {
        const slot = view.slots.find((candidate) => candidate.name === "walden_test_idle");
        return (slot?.retainedBytes ?? 0) > retainedBefore + MiB;
      });
      expect(after.slots.find((slot) => slot.name === "walden_test_idle")).toMatchObject({
        active: false,
        node: "primary",
        walStatus: "reserved",
      });
    } finally {
      await sql(primaryPort, "select pg_drop_replication_slot('walden_test_idle')");
    }
  });

  it("rolls raw samples up into minute and hour buckets idempotently", async () => {
    await db().replicationSample.createMany({
      data: [0, 20, 40].map((second) => ({
        clusterId,
        standby: "standby1",
        at: new Date(Date.now() - 5 * 60_000 - (Date.now() % 60_000) + second * 1000),
        state: "streaming",
        replayBytes: BigInt(second * 1000),
        replaySeconds: second,
      })),
    });
    await rollUpReplication();
    await rollUpReplication();
    const minutes = await db().replicationRollup.findMany({
      where: { clusterId, standby: "standby1", resolution: "1m" },
    });
    expect(minutes.length).toBeGreaterThan(0);
    const synthetic = minutes.find((row) => row.replayBytesMax === 40_000n);
    expect(synthetic).toBeDefined();
    expect(synthetic!.replayBytesMin).toBe(0n);
  });
});

describe("sampler ownership", () => {
  it("gives each cluster one owner, and a second worker takes over when the first stops", async () => {
    const second = new SamplerFleet(inject("databaseUrl"), "second-worker", () => {});
    second.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(fleet.ownedClusterIds).toContain(clusterId);
      expect(second.ownedClusterIds).not.toContain(clusterId);

      await fleet.stop();
      const deadline = Date.now() + 10_000;
      while (!second.ownedClusterIds.includes(clusterId) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      expect(second.ownedClusterIds).toContain(clusterId);
      const row = await (async () => {
        const until = Date.now() + 5_000;
        for (;;) {
          const snapshot = await db().clusterSnapshot.findUnique({ where: { clusterId } });
          if (snapshot?.ownerId === "second-worker" || Date.now() > until) return snapshot;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      expect(row?.ownerId).toBe("second-worker");
    } finally {
      await second.stop();
      fleet = new SamplerFleet(inject("databaseUrl"), "test-worker", () => {});
    }
  });
});
