import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as eventsRoute from "@/app/api/v1/clusters/[id]/events/route";
import * as lagRoute from "@/app/api/v1/clusters/[id]/lag/route";
import * as replicationRoute from "@/app/api/v1/clusters/[id]/replication/route";
import * as metricsRoute from "@/app/metrics/route";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { call, makeUser, type TestUser } from "@/test/api-client";

// The read side of monitoring, on a cluster whose snapshot the test writes itself, so the
// assertions do not depend on sampler timing (lib/worker/sampler.pg.test.ts covers that).

let viewer: TestUser;
let clusterId: string;
const clusterName = `metrics-${Date.now().toString(36)}`;

const snapshot = (sampledAt: Date) => ({
  clusterId: "",
  primary: {
    name: "primary",
    reachable: true,
    currentLsn: "0/5000000",
    timeline: 1,
    inRecovery: false,
    serverVersionNum: 150000,
    walBytesPerSecond: 1024,
    error: null,
  },
  standbys: [
    {
      name: "replica-a",
      upstream: "primary",
      state: "paused",
      stateSince: sampledAt.toISOString(),
      reason: "replay paused",
      reachable: true,
      syncState: "async",
      sentLsn: "0/5000000",
      writeLsn: "0/5000000",
      flushLsn: "0/5000000",
      receiveLsn: "0/5000000",
      replayLsn: "0/3000000",
      lagBytes: { sent: 0, write: 0, flush: 0, replay: 33554432 },
      lagSeconds: { write: 0, flush: 0, replay: 12.5 },
      replayPaused: true,
      lastReplayedCommitAt: null,
      timeline: 1,
      conflicts: 0,
      error: null,
    },
  ],
  slots: [
    {
      name: "replica_a",
      node: "primary",
      slotType: "physical",
      active: false,
      walStatus: "extended",
      safeWalSize: null,
      retainedBytes: 4096,
      restartLsn: "0/3000000",
      lossForecastAt: null,
    },
  ],
  archiver: {
    archivedCount: 3,
    failedCount: 1,
    lastArchivedWal: null,
    lastArchivedAt: null,
    lastFailedWal: "000000010000000000000004",
    lastFailedAt: sampledAt.toISOString(),
    failing: true,
    readyCount: 2,
  },
  sampledAt: sampledAt.toISOString(),
  intervalSeconds: 1,
});

beforeAll(async () => {
  viewer = await makeUser("viewer");
  const cluster = await db().cluster.create({
    data: {
      name: clusterName,
      archiveMode: "archive_command",
      nodes: {
        create: [
          { name: "primary", role: "primary", host: "127.0.0.1", port: 1, username: "u", database: "d" },
          { name: "replica-a", role: "standby", host: "127.0.0.1", port: 2, username: "u", database: "d" },
        ],
      },
    },
  });
  clusterId = cluster.id;
});

afterAll(async () => {
  await db().cluster.delete({ where: { id: clusterId } });
});

const get = (route: typeof replicationRoute.GET, url: string, token = viewer.token) =>
  call(route, "GET", url, { token, params: { id: clusterId } });

describe("GET /api/v1/clusters/:id/replication", () => {
  it("is 503 with a hint before any sample exists, 404 for an unknown cluster", async () => {
    const none = await get(replicationRoute.GET, `/api/v1/clusters/${clusterId}/replication`);
    expect(none.status).toBe(503);
    expect(none.json.error.message).toMatch(/worker/);
    const unknown = await call(replicationRoute.GET, "GET", "/x", {
      token: viewer.token,
      params: { id: "00000000-0000-0000-0000-00000000dead" },
    });
    expect(unknown.status).toBe(404);
  });

  it("returns the snapshot, and says when it is stale", async () => {
    const sampledAt = new Date();
    await db().clusterSnapshot.create({
      data: {
        clusterId,
        sampledAt,
        ownerId: "test",
        snapshot: { ...snapshot(sampledAt), clusterId } as unknown as Prisma.InputJsonValue,
      },
    });
    const fresh = await get(replicationRoute.GET, `/api/v1/clusters/${clusterId}/replication`);
    expect(fresh.status).toBe(200);
    expect(fresh.json).toMatchObject({ stale: false, primary: { currentLsn: "0/5000000", timeline: 1 } });
    expect(fresh.json.standbys[0]).toMatchObject({
      name: "replica-a",
      state: "paused",
      lagBytes: { replay: 33554432 },
      lagSeconds: { replay: 12.5 },
    });

    await db().clusterSnapshot.update({
      where: { clusterId },
      data: { sampledAt: new Date(Date.now() - 60_000) },
    });
    const stale = await get(replicationRoute.GET, `/api/v1/clusters/${clusterId}/replication`);
    expect(stale.json.stale).toBe(true);
    await db().clusterSnapshot.update({ where: { clusterId }, data: { sampledAt: new Date() } });
  });

  it("needs a signed-in caller", async () => {
    const anonymous = await call(replicationRoute.GET, "GET", "/x", { params: { id: clusterId } });
    expect(anonymous.status).toBe(401);
  });
});

describe("GET /api/v1/clusters/:id/lag", () => {
  it("refuses times without an offset and unknown standbys with 422", async () => {
    const noOffset = await get(lagRoute.GET, `/api/v1/clusters/${clusterId}/lag?from=2026-11-26T10:00:00`);
    expect(noOffset.status).toBe(422);
    expect(noOffset.json.error.details.issues[0].path).toBe("from");
    const unknown = await get(lagRoute.GET, `/api/v1/clusters/${clusterId}/lag?standby=nope`);
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.message).toMatch(/replica-a/);
    const tooMany = await get(lagRoute.GET, `/api/v1/clusters/${clusterId}/lag?points=999999`);
    expect(tooMany.status).toBe(422);
  });

  it("downsamples raw samples to at most `points` and picks rollups for long ranges", async () => {
    const now = Date.now();
    await db().replicationSample.createMany({
      data: Array.from({ length: 600 }, (_, index) => ({
        clusterId,
        standby: "replica-a",
        at: new Date(now - index * 1000),
        state: "streaming",
        replayBytes: BigInt(index === 300 ? 9_000_000 : 1000),
        replaySeconds: 0.5,
      })),
    });
    const from = new Date(now - 10 * 60_000).toISOString();
    const to = new Date(now).toISOString();
    const series = await get(
      lagRoute.GET,
      `/api/v1/clusters/${clusterId}/lag?standby=replica-a&from=${from}&to=${to}&points=30`,
    );
    expect(series.status).toBe(200);
    expect(series.json.source).toBe("raw");
    expect(series.json.points.length).toBeGreaterThan(5);
    expect(series.json.points.length).toBeLessThanOrEqual(30);
    expect(
      Math.max(...series.json.points.map((point: { replayBytesMax: number }) => point.replayBytesMax)),
    ).toBe(9_000_000);

    const week = await get(
      lagRoute.GET,
      `/api/v1/clusters/${clusterId}/lag?from=${new Date(now - 7 * 86_400_000).toISOString()}`,
    );
    expect(week.json.source).toBe("1m");
    const year = await get(
      lagRoute.GET,
      `/api/v1/clusters/${clusterId}/lag?from=${new Date(now - 200 * 86_400_000).toISOString()}`,
    );
    expect(year.json.source).toBe("1h");
  });
});

describe("GET /api/v1/clusters/:id/events", () => {
  it("lists events newest first", async () => {
    await db().replicationEvent.createMany({
      data: [
        {
          clusterId,
          at: new Date(Date.now() - 2000),
          node: "replica-a",
          kind: "state_change",
          fromValue: "streaming",
          toValue: "paused",
          message: "first",
        },
        {
          clusterId,
          at: new Date(Date.now() - 1000),
          node: "replica-a",
          kind: "state_change",
          fromValue: "paused",
          toValue: "streaming",
          message: "second",
        },
      ],
    });
    const events = await get(eventsRoute.GET, `/api/v1/clusters/${clusterId}/events`);
    expect(events.json.map((event: { message: string }) => event.message)).toEqual(["second", "first"]);
  });
});

describe("GET /metrics", () => {
  it("is 401 without a token and exposes lag, state, slot and archiver series with one", async () => {
    expect((await call(metricsRoute.GET, "GET", "/metrics")).status).toBe(401);
    const response = await call(metricsRoute.GET, "GET", "/metrics", { token: viewer.token });
    expect(response.status).toBe(200);
    const line = (text: string) => expect(response.text).toContain(text);
    line(`walden_replication_lag_bytes{cluster="${clusterName}",standby="replica-a",kind="replay"} 33554432`);
    line(`walden_replication_lag_seconds{cluster="${clusterName}",standby="replica-a",kind="replay"} 12.5`);
    line(`walden_standby_state{cluster="${clusterName}",standby="replica-a",state="paused"} 1`);
    line(`walden_standby_state{cluster="${clusterName}",standby="replica-a",state="streaming"} 0`);
    line(`walden_slot_retained_bytes{cluster="${clusterName}",node="primary",slot="replica_a"} 4096`);
    line(`walden_archiver_failing{cluster="${clusterName}"} 1`);
    line(`walden_cluster_status{cluster="${clusterName}",status="critical"} 0`);
    line(`walden_cluster_status{cluster="${clusterName}",status="warning"} 1`);
  });
});
