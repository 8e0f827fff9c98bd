import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as applyRoute from "@/app/api/v1/clusters/[id]/retention/apply/route";
import * as previewRoute from "@/app/api/v1/clusters/[id]/retention/preview/route";
import * as retentionRoute from "@/app/api/v1/clusters/[id]/retention/route";
import { backupPaths, repositoryRoot } from "@/lib/backup/repository";
import { db } from "@/lib/db";
import { call, makeUser, type TestUser } from "@/test/api-client";
import {
  addPhysicalBackup,
  makeRetentionCluster,
  walName as wal,
} from "@/app/api/v1/clusters/[id]/retention/retention-fixture";

// Retention on a catalog and repository the test lays out itself: dry run first, then apply,
// and check that exactly the listed backups and WAL files are gone.

const home = inject("waldenHome");
const clusterName = `retained-${Date.now().toString(36)}`;
let archive: string;
let removeCluster: () => Promise<void>;
let admin: TestUser;
let viewer: TestUser;
let clusterId: string;
const backupIds: Record<string, string> = {};

beforeAll(async () => {
  admin = await makeUser("admin");
  viewer = await makeUser("viewer");
  const cluster = await makeRetentionCluster(home, clusterName, 40);
  ({ clusterId, archive, remove: removeCluster } = cluster);
  await fs.writeFile(path.join(archive, "00000002.history"), "1\t0/5000000\tno recovery target specified\n");
  // Physical backups 1, 3, 6, 8, 10 and 20 days old; their start segment grows with recency.
  for (const days of [1, 3, 6, 8, 10, 20])
    backupIds[`p${days}`] = await addPhysicalBackup(
      { clusterId, name: clusterName },
      { finishedAt: new Date(Date.now() - days * 86_400_000), startSegment: 40 - days },
    );
});

afterAll(() => removeCluster());

describe("retention", () => {
  it("has defaults, and only admins change them", async () => {
    const defaults = await call(retentionRoute.GET, "GET", "/x", {
      token: viewer.token,
      params: { id: clusterId },
    });
    expect(defaults.json).toEqual({
      recoveryWindowDays: 7,
      minRedundancy: 2,
      logicalKeep: 7,
      keepDaily: 0,
      keepWeekly: 0,
      keepMonthly: 0,
      keepYearly: 0,
      offsiteTiers: { keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 },
      isDefault: true,
    });
    const denied = await call(retentionRoute.PUT, "PUT", "/x", {
      token: viewer.token,
      params: { id: clusterId },
      body: { recoveryWindowDays: 1, minRedundancy: 1, logicalKeep: 1 },
    });
    expect(denied.status).toBe(403);
    const bad = await call(retentionRoute.PUT, "PUT", "/x", {
      token: admin.token,
      params: { id: clusterId },
      body: { recoveryWindowDays: 7, minRedundancy: 0, logicalKeep: 1 },
    });
    expect(bad.status).toBe(422);
  });

  it("previews which backups and WAL would go, and the new earliest restorable time", async () => {
    const preview = await call(previewRoute.GET, "GET", "/x", {
      token: viewer.token,
      params: { id: clusterId },
    });
    expect(preview.status).toBe(200);
    expect(preview.json.expire.map((decision: { id: string }) => decision.id).sort()).toEqual(
      [backupIds.p10, backupIds.p20].sort(),
    );
    expect(preview.json.keep).toHaveLength(4);
    // The oldest kept backup (8 days) starts at segment 32: segments 1–31 can go, the history file stays.
    expect(preview.json.wal).toMatchObject({
      skipped: null,
      count: 31,
      fromWal: wal(1),
      toWal: wal(31),
      keepFrom: wal(32),
    });
    expect(Date.parse(preview.json.earliestRestorable.after)).toBeGreaterThan(
      Date.parse(preview.json.earliestRestorable.before),
    );
    // A dry run deletes nothing.
    expect((await fs.readdir(archive)).length).toBe(41);
    expect((await db().backup.findUniqueOrThrow({ where: { id: backupIds.p20! } })).status).toBe("succeeded");
  });

  it("applies only with the cluster's name typed, and deletes exactly what the preview listed", async () => {
    expect(
      (await call(applyRoute.POST, "POST", "/x", { token: viewer.token, params: { id: clusterId } })).status,
    ).toBe(403);
    const unconfirmed = await call(applyRoute.POST, "POST", "/x?confirm=nope", {
      token: admin.token,
      params: { id: clusterId },
    });
    expect(unconfirmed.status).toBe(422);

    const applied = await call(applyRoute.POST, "POST", `/x?confirm=${clusterName}`, {
      token: admin.token,
      params: { id: clusterId },
    });
    expect(applied.status).toBe(200);
    for (const key of ["p10", "p20"]) {
      const backup = await db().backup.findUniqueOrThrow({ where: { id: backupIds[key]! } });
      expect(backup).toMatchObject({ status: "expired", path: null });
      await expect(fs.stat(backupPaths(repositoryRoot(), clusterName, backup.id).finalDir)).rejects.toThrow();
    }
    for (const key of ["p1", "p3", "p6", "p8"]) {
      const backup = await db().backup.findUniqueOrThrow({ where: { id: backupIds[key]! } });
      expect(backup.status).toBe("succeeded");
      await expect(fs.stat(backup.path!)).resolves.toBeTruthy();
    }
    const remaining = (await fs.readdir(archive)).sort();
    expect(remaining[0]).toBe(wal(32));
    expect(remaining).toContain("00000002.history");
    expect(remaining).toHaveLength(10);

    const events = await db().auditEvent.findMany({
      where: { actorId: admin.id, action: { in: ["backup.expire", "wal.prune"] } },
    });
    expect(events.filter((event) => event.action === "backup.expire")).toHaveLength(2);
    expect(events.find((event) => event.action === "wal.prune")?.details).toMatchObject({
      count: 31,
      from: wal(1),
      to: wal(31),
    });
  });
});
