import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as windowRoute from "@/app/api/v1/clusters/[id]/restore-window/route";
import * as metricsRoute from "@/app/metrics/route";
import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { ensureQueue } from "@/lib/queue/boss";
import { queueOptions } from "@/lib/queue/queues";
import { jobSender } from "@/lib/queue/sender";
import { toOffsiteRow } from "@/lib/offsite/stored-settings";
import type { RestoreWindow } from "@/lib/schemas/restore-window";
import { shipWalOffsite } from "@/lib/wal/offsite-ship";
import { probeCommit, switchWal, waitForArchived, withPrimary } from "@/lib/wal/wal-fixtures";
import { archiveScan } from "@/lib/worker/handlers/archive-scan";
import { forgetSharedReads } from "@/lib/web/shared-read";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { registerSandboxCluster } from "@/test/sandbox-cluster";
import { startS3Server, type S3TestServer } from "@/test/s3-server";

// Archived WAL shipped to the offsite repository against a real S3 server (s3rver): segments
// and timeline history files go up once each, positions per timeline are kept, and the lag
// (bytes and seconds) is on the restore window and /metrics. The archive is laid out by the
// test with 1 MiB segments (a size PostgreSQL allows, so the scan takes them as WAL).

const S3_PORT = 25842;
const BUCKET = "wal";
const MiB = 1024 * 1024;
const t0 = new Date("2026-12-01T10:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
let s3: S3TestServer;
let s3Dir: string;
let archive: string;
let viewer: TestUser;
let clusterId: string;
let clusterName: string;

/** Segment `segno` of `timeline` with 1 MiB segments (4096 a log id). */
const segment = (timeline: number, segno: number) =>
  `${timeline.toString(16).toUpperCase().padStart(8, "0")}00000000${segno.toString(16).toUpperCase().padStart(8, "0")}`;

async function archiveSegment(name: string, archivedAt: Date) {
  const file = path.join(archive, name);
  await fs.writeFile(file, Buffer.alloc(MiB, name));
  await fs.utimes(file, archivedAt, archivedAt);
}

/** The window the archive scan would store: only what the lag reads is filled in. */
async function storeWindow(lastWal: string, segments: number, latest: Date) {
  const window: RestoreWindow = {
    clusterId,
    earliest: null,
    latest: latest.toISOString(),
    ranges: [],
    timelines: [],
    gaps: [],
    backups: [],
    problems: [],
    archive: {
      path: archive,
      segments,
      firstWal: segment(1, 1),
      lastWal,
      segmentSize: MiB,
      historyFiles: 1,
      partialFiles: 0,
      backupHistoryFiles: 0,
      ignoredFiles: 0,
      scannedAt: new Date().toISOString(),
    },
  };
  await db().restoreWindowSnapshot.upsert({
    where: { clusterId },
    create: { clusterId, computedAt: new Date(), window: toJson(window) },
    update: { computedAt: new Date(), window: toJson(window), error: null },
  });
}

async function offsiteLag() {
  // The web keeps a window's offsite lag up to 5 s (lib/web/restore-window-read.ts); shipping
  // here is the worker's change, not a web request's, so the test forgets it as a new read would.
  forgetSharedReads();
  const response = await call(windowRoute.GET, "GET", `/api/v1/clusters/${clusterId}/restore-window`, {
    token: viewer.token,
    params: { id: clusterId },
  });
  expect(response.status).toBe(200);
  return response.json.offsite;
}

beforeAll(async () => {
  s3Dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-s3-wal-"));
  s3 = await startS3Server({ port: S3_PORT, directory: s3Dir, buckets: [BUCKET] });
  viewer = await makeUser("viewer");
  clusterName = `offsite-wal-${Date.now().toString(36)}`;
  archive = path.join(inject("waldenHome"), "archive", clusterName);
  await fs.mkdir(archive, { recursive: true });
  const cluster = await db().cluster.create({
    data: { name: clusterName, archiveMode: "archive_command", archivePath: archive },
  });
  clusterId = cluster.id;
});

afterAll(async () => {
  await db().cluster.delete({ where: { id: clusterId } });
  await fs.rm(archive, { recursive: true, force: true });
  await s3.stop();
  await fs.rm(s3Dir, { recursive: true, force: true });
});

describe("WAL shipped offsite", () => {
  it("has no offsite figures without an offsite repository", async () => {
    await archiveSegment(segment(1, 1), at(0));
    await storeWindow(segment(1, 1), 1, at(0));
    expect(await offsiteLag()).toBeNull();
    expect(await shipWalOffsite(clusterId)).toEqual({ segments: [], histories: [] });
  });

  it("ships every segment and history file once, and the lag follows the archive", async () => {
    const row = toOffsiteRow(s3.settings(BUCKET, "offsite"));
    await db().offsiteRepository.create({ data: { clusterId, ...row } });
    await archiveSegment(segment(1, 2), at(60));
    await archiveSegment(segment(2, 3), at(120));
    await fs.writeFile(path.join(archive, "00000002.history"), "1\t0/300000\tno recovery target specified\n");
    await storeWindow(segment(2, 3), 3, at(120));

    // Nothing shipped yet: the whole archive is behind.
    expect(await offsiteLag()).toMatchObject({ lagBytes: 3 * MiB, lagSeconds: null, latest: null });

    const first = await shipWalOffsite(clusterId);
    expect(first.histories).toEqual(["00000002.history"]);
    expect(first.segments).toEqual([segment(1, 1), segment(1, 2), segment(2, 3)]);
    expect(await offsiteLag()).toMatchObject({ lagBytes: 0, lagSeconds: 0, latest: at(120).toISOString() });

    const repository = new S3Repository(s3.settings(BUCKET, "offsite"));
    try {
      const keys = (await repository.list(`${clusterName}/wal/`)).map((object) => object.key).sort();
      expect(keys).toEqual(
        ["00000002.history", segment(1, 1), segment(1, 2), segment(2, 3)]
          .map((name) => `${clusterName}/wal/${name}`)
          .sort(),
      );
      const head = await repository.head(`${clusterName}/wal/${segment(2, 3)}`);
      expect(head?.sizeBytes).toBe(MiB);
    } finally {
      repository.close();
    }
    const positions = await db().offsiteWalPosition.findMany({
      where: { clusterId },
      orderBy: { timeline: "asc" },
    });
    expect(
      positions.map((position) => [position.timeline, position.lastSegment, position.historyShipped]),
    ).toEqual([
      [1, segment(1, 2), true],
      [2, segment(2, 3), true],
    ]);

    // Two more segments archived, not shipped yet: 2 MiB and 2 minutes behind.
    await archiveSegment(segment(2, 4), at(180));
    await archiveSegment(segment(2, 5), at(240));
    await storeWindow(segment(2, 5), 5, at(240));
    expect(await offsiteLag()).toMatchObject({
      lagBytes: 2 * MiB,
      lagSeconds: 120,
      latest: at(120).toISOString(),
    });
    const metrics = await call(metricsRoute.GET, "GET", "/metrics", { token: viewer.token });
    expect(metrics.text).toContain(`walden_offsite_lag_seconds{cluster="${clusterName}"} 120`);
    expect(metrics.text).toContain(`walden_backup_copies{cluster="${clusterName}",repository="offsite"} 0`);

    // The next run ships only those two.
    const second = await shipWalOffsite(clusterId);
    expect(second).toEqual({ segments: [segment(2, 4), segment(2, 5)], histories: [] });
    expect(await offsiteLag()).toMatchObject({ lagBytes: 0, lagSeconds: 0 });
    const after = await call(metricsRoute.GET, "GET", "/metrics", { token: viewer.token });
    expect(after.text).toContain(`walden_offsite_lag_seconds{cluster="${clusterName}"} 0`);
  });
});

describe("WAL shipped after the archive scan", () => {
  it("queues the shipping after a scan of real WAL, and the lag is 0 once shipped", async () => {
    // The sandbox's last three archived segments, in an archive of this cluster's own (three
    // closed here, so the test does not depend on what other test files archived before it).
    const sandbox = inject("sandbox");
    const sandboxArchive = sandbox.cluster.archiveDir;
    await withPrimary(sandbox.cluster.primary, async (client) => {
      for (let closed = 0; closed < 3; closed += 1) {
        await probeCommit(client);
        await waitForArchived(sandboxArchive, await switchWal(client));
      }
    });
    const names = (await fs.readdir(sandboxArchive)).filter((name) => /^[0-9A-F]{24}$/.test(name)).sort();
    expect(names.length).toBeGreaterThanOrEqual(3);
    const own = path.join(inject("waldenHome"), "archive", `${clusterName}-real`);
    await fs.mkdir(own, { recursive: true });
    for (const name of names.slice(-3))
      await fs.copyFile(path.join(sandboxArchive, name), path.join(own, name));
    const realId = await registerSandboxCluster(`${clusterName}-real`, { archivePath: own });
    try {
      const row = toOffsiteRow(s3.settings(BUCKET, "real"));
      await db().offsiteRepository.create({ data: { clusterId: realId, ...row } });
      const boss = await jobSender();
      await ensureQueue(boss, "offsite.ship", queueOptions["offsite.ship"]);
      await archiveScan.handle(
        { clusterId: realId },
        { boss, workerId: "test", log: () => {}, mayReap: () => true },
      );
      const jobs = await db().$queryRaw<{ id: string }[]>`
        select id from pgboss.job where name = 'offsite.ship' and data->>'clusterId' = ${realId}`;
      expect(jobs).toHaveLength(1);

      const shipped = await shipWalOffsite(realId);
      expect(shipped.segments).toEqual(names.slice(-3));
      const response = await call(windowRoute.GET, "GET", `/api/v1/clusters/${realId}/restore-window`, {
        token: viewer.token,
        params: { id: realId },
      });
      expect(response.status).toBe(200);
      expect(response.json.archive.lastWal).toBe(names.at(-1));
      expect(response.json.offsite).toMatchObject({
        lagBytes: 0,
        lagSeconds: 0,
        latest: response.json.latest,
      });
    } finally {
      await db().cluster.delete({ where: { id: realId } });
      await fs.rm(own, { recursive: true, force: true });
    }
  });
});

describe("one shipper at a time, from the WAL a backup needs", () => {
  it("ships from the oldest backup's start segment, and a second run at once is skipped", async () => {
    const name = `${clusterName}-once`;
    const own = path.join(inject("waldenHome"), "archive", name);
    await fs.mkdir(own, { recursive: true });
    for (let segno = 1; segno <= 6; segno += 1) {
      const file = path.join(own, segment(1, segno));
      await fs.writeFile(file, Buffer.alloc(MiB, segno));
      await fs.utimes(file, at(segno * 60), at(segno * 60));
    }
    const cluster = await db().cluster.create({
      data: { name, archiveMode: "archive_command", archivePath: own },
    });
    try {
      await db().offsiteRepository.create({
        data: { clusterId: cluster.id, ...toOffsiteRow(s3.settings(BUCKET, "once")) },
      });
      // Two physical backups: the older one needs WAL from segment 4 on; segments 1-3 restore nothing.
      for (const startSegment of [4, 5])
        await db().backup.create({
          data: {
            clusterId: cluster.id,
            kind: "physical",
            status: "succeeded",
            options: {},
            requestedBy: "test",
            finishedAt: at(startSegment * 60),
            startWal: segment(1, startSegment),
            stopWal: segment(1, startSegment),
          },
        });

      // The first run is held after its first segment while a second one is asked for.
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let reachedFirst!: () => void;
      const firstShipped = new Promise<void>((resolve) => {
        reachedFirst = resolve;
      });
      const first = shipWalOffsite(cluster.id, {
        afterFile: async (file) => {
          if (file !== segment(1, 4)) return;
          reachedFirst();
          await held;
        },
      });
      await firstShipped;
      const second = await shipWalOffsite(cluster.id);
      expect(second).toEqual({
        segments: [],
        histories: [],
        skipped: "another offsite.ship of this cluster is running",
      });
      release();
      expect(await first).toEqual({ segments: [4, 5, 6].map((segno) => segment(1, segno)), histories: [] });

      const repository = new S3Repository(s3.settings(BUCKET, "once"));
      try {
        expect((await repository.list(`${name}/wal/`)).map((object) => object.key)).toEqual(
          [4, 5, 6].map((segno) => `${name}/wal/${segment(1, segno)}`),
        );
      } finally {
        repository.close();
      }
      // The lock went with the run: the next one runs, and has nothing left to ship.
      expect(await shipWalOffsite(cluster.id)).toEqual({ segments: [], histories: [] });
    } finally {
      await db().cluster.delete({ where: { id: cluster.id } });
      await fs.rm(own, { recursive: true, force: true });
    }
  });
});
