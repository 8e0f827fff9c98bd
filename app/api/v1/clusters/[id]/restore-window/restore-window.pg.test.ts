import { copyFile, mkdir, mkdtemp, readdir, rm, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as restoreWindowRoute from "@/app/api/v1/clusters/[id]/restore-window/route";
import type { Actor } from "@/lib/auth/actor";
import { registerCluster } from "@/lib/clusters/mutations";
import { db } from "@/lib/db";
import { parseLsn } from "@/lib/replication/lsn";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import {
  currentPosition,
  probeCommit,
  switchWal,
  waitForArchived,
  withPrimary,
  type ProbeCommit,
} from "@/lib/wal/wal-fixtures";
import { refreshRestoreWindow } from "@/lib/wal/refresh-window";
import { call, makeUser, type TestUser } from "@/test/api-client";

// The restore window of real archived WAL: the sandbox primary's own archive, then a copy of
// it with one segment deleted. Backup rows are written here; lib/backup fills them for real.

const sandbox = inject("sandbox");
const primary = sandbox.cluster.primary;
const archiveDir = sandbox.cluster.archiveDir;
const actor: Actor = {
  kind: "session",
  userId: "00000000-0000-0000-0000-000000000001",
  email: "test",
  role: "admin",
  label: "restore window test",
};
const suffix = Date.now().toString(36);
const clusterIds: string[] = [];
let viewer: TestUser;
let tempDir: string;

interface FakeBackup {
  startLsn: string;
  stopLsn: string;
  startWal: string;
  stopWal: string;
  timeline: number;
  startedAt: Date;
  finishedAt: Date;
}
let backup: FakeBackup;
let rounds: ProbeCommit[];
let afterGapBackup: FakeBackup;

async function makeCluster(name: string, archivePath: string): Promise<string> {
  // Two registered clusters cannot share an archive folder: an earlier test's cluster on the same
  // folder is done with, so it goes first.
  await db().cluster.deleteMany({ where: { id: { in: clusterIds }, archivePath } });
  const cluster = await registerCluster(
    actor,
    clusterCreateSchema.parse({
      name: `${name}-${suffix}`,
      primary: {
        host: primary.host,
        port: primary.port,
        user: primary.user,
        password: primary.password,
        database: primary.database,
      },
      archive: { mode: "archive_command", path: archivePath },
    }),
    {},
  );
  clusterIds.push(cluster.id);
  return cluster.id;
}

async function insertBackup(clusterId: string, fake: FakeBackup, label: string): Promise<string> {
  const row = await db().backup.create({
    data: {
      clusterId,
      kind: "physical",
      status: "succeeded",
      label,
      options: {},
      requestedBy: "test",
      startLsn: fake.startLsn,
      stopLsn: fake.stopLsn,
      startWal: fake.startWal,
      stopWal: fake.stopWal,
      timeline: fake.timeline,
      startedAt: fake.startedAt,
      finishedAt: fake.finishedAt,
    },
  });
  return row.id;
}

/** What the worker's archive.scan does, then what the API answers. */
async function getWindow(id: string, token = viewer.token) {
  await refreshRestoreWindow(id).catch(() => {});
  return call(restoreWindowRoute.GET, "GET", `/api/v1/clusters/${id}/restore-window`, {
    token,
    params: { id },
  });
}

beforeAll(async () => {
  viewer = await makeUser("viewer", "restore-window");
  tempDir = await mkdtemp(path.join(os.tmpdir(), "walden-restore-window-"));
  await withPrimary(primary, async (client) => {
    // A "backup": a start and stop position with commits between, its stop segment archived.
    const start = await currentPosition(client);
    await probeCommit(client);
    const stop = await currentPosition(client);
    backup = {
      startLsn: start.lsn,
      stopLsn: stop.lsn,
      startWal: start.wal,
      stopWal: stop.wal,
      timeline: start.timeline,
      startedAt: start.at,
      finishedAt: new Date(stop.at.getTime() + 1),
    };
    await new Promise((resolve) => setTimeout(resolve, 5));
    await switchWal(client);
    // Four more segments, each with one commit of ours: r1, r2 (deleted in the copy), r3, r4.
    rounds = [];
    for (let i = 0; i < 4; i++) {
      const commit = await probeCommit(client);
      rounds.push(commit);
      if (i === 2) {
        const position = await currentPosition(client);
        afterGapBackup = {
          startLsn: commit.lsnBefore,
          stopLsn: position.lsn,
          startWal: commit.wal,
          stopWal: position.wal,
          timeline: position.timeline,
          startedAt: commit.before,
          finishedAt: new Date(commit.after.getTime() + 1),
        };
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const closed = await switchWal(client);
      expect(closed).toBe(commit.wal);
    }
    await waitForArchived(archiveDir, rounds.at(-1)!.wal);
  });
  expect(new Set(rounds.map((round) => round.wal)).size).toBe(4);
});

afterAll(async () => {
  await db().cluster.deleteMany({ where: { id: { in: clusterIds } } });
  await rm(tempDir, { recursive: true, force: true });
});

describe("GET /api/v1/clusters/:id/restore-window", () => {
  it("needs a signed-in user, and is 404 for an unknown cluster", async () => {
    const id = "00000000-0000-4000-8000-000000000000";
    const anonymous = await call(restoreWindowRoute.GET, "GET", `/api/v1/clusters/${id}/restore-window`, {
      params: { id },
    });
    expect(anonymous.status).toBe(401);
    const unknown = await getWindow(id);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("not_found");
    expect((await getWindow("not-a-uuid")).status).toBe(404);
  });

  it("has no window before there is a backup", async () => {
    const clusterId = await makeCluster("rw-empty", archiveDir);
    const response = await getWindow(clusterId);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ clusterId, earliest: null, latest: null, ranges: [], backups: [] });
    expect(response.json.problems[0]).toMatch(/no succeeded physical backup/);
    expect(response.json.archive.segments).toBeGreaterThan(4);
  });

  it("runs from the backup's stop time to the newest archived commit of the sandbox archive", async () => {
    const clusterId = await makeCluster("rw-live", archiveDir);
    const backupId = await insertBackup(clusterId, backup, "sandbox backup");
    // Rows of other kinds or states are never part of the window.
    await db().backup.create({
      data: { clusterId, kind: "logical", status: "succeeded", options: {}, requestedBy: "test" },
    });
    await db().backup.create({
      data: { clusterId, kind: "physical", status: "failed", options: {}, requestedBy: "test" },
    });
    const response = await getWindow(clusterId);
    expect(response.status).toBe(200);
    const window = response.json;
    expect(window.earliest).toBe(backup.finishedAt.toISOString());
    // The newest commit is ours from round 4, or one made after it by anything else.
    expect(Date.parse(window.latest)).toBeGreaterThanOrEqual(rounds[3]!.before.getTime());
    expect(Date.parse(window.latest)).toBeLessThanOrEqual(Date.now());
    expect(window.latest).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    expect(window.ranges).toHaveLength(1);
    expect(window.ranges[0]).toMatchObject({
      from: window.earliest,
      to: window.latest,
      timeline: backup.timeline,
      fromBackupId: backupId,
      backupIds: [backupId],
      fromWal: backup.startWal,
    });
    expect(parseLsn(window.ranges[0].lastCommit.lsn)).toBeGreaterThanOrEqual(parseLsn(rounds[3]!.lsnBefore));
    expect(window.gaps).toEqual([]);
    expect(window.backups).toEqual([
      {
        id: backupId,
        label: "sandbox backup",
        startLsn: backup.startLsn,
        stopLsn: backup.stopLsn,
        timeline: backup.timeline,
        startWal: backup.startWal,
        stopWal: backup.stopWal,
        finishedAt: backup.finishedAt.toISOString(),
        walComplete: true,
        restorableFrom: backup.finishedAt.toISOString(),
        restorableTo: window.latest,
        targetTimeline: backup.timeline,
        missingWal: [],
      },
    ]);
    expect(window.timelines.map((timeline: { timeline: number }) => timeline.timeline)).toContain(
      backup.timeline,
    );
    expect(window.archive).toMatchObject({
      path: archiveDir,
      segmentSize: 16 * 1024 * 1024,
      firstWal: expect.stringMatching(/^[0-9A-F]{24}$/),
    });
    expect(window.archive.lastWal >= rounds[3]!.wal).toBe(true);
    expect(Date.now() - Date.parse(window.archive.scannedAt)).toBeLessThan(10_000);
  });

  it("stops the window at a deleted segment, and starts a second piece at a backup after it", async () => {
    const copy = path.join(tempDir, "archive");
    await mkdir(copy);
    for (const name of await readdir(archiveDir)) {
      // Only the segments from the backup on: a 16 MiB copy each.
      if (/^[0-9A-F]{24}$/.test(name) && name >= backup.startWal && name <= rounds[3]!.wal) {
        await copyFile(path.join(archiveDir, name), path.join(copy, name));
      }
    }
    const missing = rounds[1]!.wal;
    await unlink(path.join(copy, missing));
    const clusterId = await makeCluster("rw-gap", copy);
    const firstId = await insertBackup(clusterId, backup, "before the gap");

    const oneBackup = (await getWindow(clusterId)).json;
    // The last commit before the hole is ours from round 1 (nothing else commits after it
    // and before its pg_switch_wal() in a quiet sandbox; allow for it anyway).
    const latest = Date.parse(oneBackup.latest);
    expect(latest).toBeGreaterThanOrEqual(rounds[0]!.before.getTime());
    expect(latest).toBeLessThan(rounds[1]!.before.getTime());
    expect(oneBackup.ranges).toHaveLength(1);
    expect(oneBackup.ranges[0].toWal).toBe(rounds[0]!.wal);
    expect(oneBackup.gaps).toHaveLength(1);
    expect(oneBackup.gaps[0]).toMatchObject({
      timeline: backup.timeline,
      fromWal: missing,
      toWal: missing,
      segments: 1,
      from: oneBackup.latest,
    });
    // The first commit after the gap is in round 3's segment, after round 2's commit.
    expect(Date.parse(oneBackup.gaps[0].to)).toBeGreaterThan(rounds[1]!.after.getTime());
    expect(Date.parse(oneBackup.gaps[0].to)).toBeLessThanOrEqual(rounds[2]!.after.getTime());
    expect(oneBackup.problems.join("\n")).toMatch(new RegExp(`WAL ${missing} is missing from the archive`));

    const secondId = await insertBackup(clusterId, afterGapBackup, "after the gap");
    const twoBackups = (await getWindow(clusterId)).json;
    expect(twoBackups.earliest).toBe(backup.finishedAt.toISOString());
    expect(Date.parse(twoBackups.latest)).toBeGreaterThanOrEqual(rounds[3]!.before.getTime());
    expect(twoBackups.ranges.map((range: { fromBackupId: string }) => range.fromBackupId)).toEqual([
      firstId,
      secondId,
    ]);
    expect(twoBackups.ranges[0].to).toBe(oneBackup.latest);
    expect(twoBackups.ranges[1]).toMatchObject({
      from: afterGapBackup.finishedAt.toISOString(),
      to: twoBackups.latest,
      toWal: rounds[3]!.wal,
    });
    expect(twoBackups.gaps).toEqual(oneBackup.gaps);
  });

  it("does not offer a backup whose own WAL was deleted", async () => {
    const copy = path.join(tempDir, "no-stop-wal");
    await mkdir(copy);
    for (const name of await readdir(archiveDir)) {
      if (/^[0-9A-F]{24}$/.test(name) && name >= backup.startWal && name !== backup.stopWal) {
        await copyFile(path.join(archiveDir, name), path.join(copy, name));
      }
    }
    const clusterId = await makeCluster("rw-lost", copy);
    await insertBackup(clusterId, backup, "lost its WAL");
    const window = (await getWindow(clusterId)).json;
    expect(window.earliest).toBeNull();
    expect(window.backups[0]).toMatchObject({ walComplete: false, missingWal: [backup.stopWal] });
    expect(window.problems.join("\n")).toMatch(/"lost its WAL" .* is not restorable: its own WAL/);
  });

  it("is 503 with the path when the archive folder cannot be read", async () => {
    const gone = path.join(tempDir, "never-created");
    const clusterId = await makeCluster("rw-unreadable", gone);
    const response = await getWindow(clusterId);
    expect(response.status).toBe(503);
    expect(response.json.error.code).toBe("upstream_unavailable");
    expect(response.json.error.message).toContain(gone);
  });
});
