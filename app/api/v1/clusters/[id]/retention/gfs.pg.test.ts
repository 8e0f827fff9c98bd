import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as applyRoute from "@/app/api/v1/clusters/[id]/retention/apply/route";
import * as previewRoute from "@/app/api/v1/clusters/[id]/retention/preview/route";
import {
  addPhysicalBackup,
  makeRetentionCluster,
  walName as wal,
} from "@/app/api/v1/clusters/[id]/retention/retention-fixture";
import * as retentionRoute from "@/app/api/v1/clusters/[id]/retention/route";
import { backupPaths, repositoryRoot } from "@/lib/backup/repository";
import { db } from "@/lib/db";
import { call, makeUser, type TestUser } from "@/test/api-client";

// Grandfather-father-son retention through the API on a catalog laid out at fixed dates: the
// tiers set, the dry run naming each kept backup's periods on the calendar of the physical
// schedule's time zone (Europe/Paris), then apply, after which exactly the previewed backups
// are left, and a second preview has nothing more to expire.

const home = inject("waldenHome");
const clusterName = `gfs-${Date.now().toString(36)}`;
let archive: string;
let removeCluster: () => Promise<void>;
let admin: TestUser;
let viewer: TestUser;
let clusterId: string;

// Oldest first; each backup starts at a later WAL segment than the one before.
const backups = [
  { key: "2024-03-01", finishedAt: "2024-03-01T02:00:00Z" },
  // 00:30 on 1 January 2025 in Paris: year 2025 there, 2024 in UTC.
  { key: "2024-12-31-late", finishedAt: "2024-12-31T23:30:00Z" },
  { key: "2025-06-01", finishedAt: "2025-06-01T02:00:00Z" },
  { key: "2025-12-31", finishedAt: "2025-12-31T22:00:00Z" },
  { key: "2026-08-05", finishedAt: "2026-08-05T02:00:00Z" },
  // The newest of August, but its verification failed: it counts for nothing.
  { key: "2026-08-31-failed", finishedAt: "2026-08-31T02:00:00Z", failed: true },
  { key: "2026-09-10", finishedAt: "2026-09-10T02:00:00Z" },
  { key: "2026-10-15", finishedAt: "2026-10-15T02:00:00Z" },
  { key: "2026-10-31-noon", finishedAt: "2026-10-31T12:00:00Z" },
  // 00:30 on Sunday 1 November in Paris.
  { key: "2026-10-31-late", finishedAt: "2026-10-31T23:30:00Z" },
  { key: "2026-11-02", finishedAt: "2026-11-02T02:00:00Z" },
  { key: "2026-11-20", finishedAt: "2026-11-20T02:00:00Z" },
  { key: "2026-11-27", finishedAt: "2026-11-27T02:00:00Z" },
  { key: "2026-11-29", finishedAt: "2026-11-29T02:00:00Z" },
  { key: "2026-11-30-night", finishedAt: "2026-11-30T02:00:00Z" },
  { key: "2026-11-30-day", finishedAt: "2026-11-30T14:00:00Z" },
];
const idOf: Record<string, string> = {};
const keyOf: Record<string, string> = {};
const startSegment = (index: number) => 10 + index * 2;

const tiers = { keepDaily: 3, keepWeekly: 3, keepMonthly: 5, keepYearly: 3 };
const expectedTiers: Record<string, string[]> = {
  "2026-11-30-day": ["daily 2026-11-30", "weekly 2026-W49", "monthly 2026-11", "yearly 2026"],
  "2026-11-29": ["daily 2026-11-29", "weekly 2026-W48"],
  "2026-11-27": ["daily 2026-11-27"],
  "2026-11-20": ["weekly 2026-W47"],
  "2026-10-31-noon": ["monthly 2026-10"],
  "2026-09-10": ["monthly 2026-09"],
  "2026-08-05": ["monthly 2026-08"],
  "2025-12-31": ["monthly 2025-12", "yearly 2025"],
  "2024-03-01": ["yearly 2024"],
};
const expectedExpired = [
  "2026-11-30-night",
  "2026-11-02",
  "2026-10-31-late",
  "2026-10-15",
  "2026-08-31-failed",
  "2025-06-01",
  "2024-12-31-late",
];

beforeAll(async () => {
  admin = await makeUser("admin");
  viewer = await makeUser("viewer");
  const cluster = await makeRetentionCluster(home, clusterName, 50);
  ({ clusterId, archive, remove: removeCluster } = cluster);
  // The tiers follow the calendar of the nightly physical backup's time zone.
  await db().backupSchedule.create({
    data: { clusterId, kind: "physical", cron: "0 2 * * *", timezone: "Europe/Paris", options: {} },
  });
  for (const [index, backup] of backups.entries()) {
    const id = await addPhysicalBackup(
      { clusterId, name: clusterName },
      {
        finishedAt: new Date(backup.finishedAt),
        startSegment: startSegment(index),
        verificationFailed: backup.failed,
      },
    );
    idOf[backup.key] = id;
    keyOf[id] = backup.key;
  }
});

afterAll(() => removeCluster());

const keys = (decisions: { id: string }[]) => decisions.map((decision) => keyOf[decision.id]).sort();

describe("grandfather-father-son retention", () => {
  it("takes the four tiers from 0 to 1000, and refuses others naming the field", async () => {
    const policy = { recoveryWindowDays: 0, minRedundancy: 1, logicalKeep: 0 };
    for (const [field, value] of [
      ["keepWeekly", 1001],
      ["keepDaily", -1],
      ["keepMonthly", 1.5],
    ] as const) {
      const refused = await call(retentionRoute.PUT, "PUT", "/x", {
        token: admin.token,
        params: { id: clusterId },
        body: { ...policy, ...tiers, [field]: value },
      });
      expect(refused.status).toBe(422);
      expect(refused.json.error.details.issues.map((issue: { path: string }) => issue.path)).toEqual([field]);
    }
    const saved = await call(retentionRoute.PUT, "PUT", "/x", {
      token: admin.token,
      params: { id: clusterId },
      body: { ...policy, ...tiers },
    });
    expect(saved.status).toBe(200);
    const read = await call(retentionRoute.GET, "GET", "/x", {
      token: viewer.token,
      params: { id: clusterId },
    });
    expect(read.json).toEqual({
      ...policy,
      ...tiers,
      offsiteTiers: { keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 },
      isDefault: false,
    });
  });

  it("previews the tiers on the schedule's calendar, each kept backup with its periods", async () => {
    const preview = await call(previewRoute.GET, "GET", "/x", {
      token: viewer.token,
      params: { id: clusterId },
    });
    expect(preview.status).toBe(200);
    expect(preview.json.tierTimeZone).toBe("Europe/Paris");
    expect(keys(preview.json.keep)).toEqual(Object.keys(expectedTiers).sort());
    expect(keys(preview.json.expire)).toEqual([...expectedExpired].sort());
    for (const decision of preview.json.keep as { id: string; reason: string; tiers: string[] }[])
      expect(decision.tiers, keyOf[decision.id]).toEqual(expectedTiers[keyOf[decision.id]!]);
    // Kept by a tier alone, the periods are the reason.
    expect(
      preview.json.keep.find((decision: { id: string }) => decision.id === idOf["2024-03-01"]).reason,
    ).toBe("yearly 2024");
    // The oldest kept backup (2024-03-01) needs the WAL from its start.
    expect(preview.json.wal).toMatchObject({ skipped: null, count: 9, keepFrom: wal(startSegment(0)) });
  });

  it("keeps exactly the backups it previewed when applied", async () => {
    const preview = await call(previewRoute.GET, "GET", "/x", {
      token: viewer.token,
      params: { id: clusterId },
    });
    const applied = await call(applyRoute.POST, "POST", `/x?confirm=${clusterName}`, {
      token: admin.token,
      params: { id: clusterId },
    });
    expect(applied.status).toBe(200);
    expect(keys(applied.json.expire)).toEqual(keys(preview.json.expire));

    const rows = await db().backup.findMany({ where: { clusterId } });
    const succeeded = rows.filter((row) => row.status === "succeeded");
    expect(keys(succeeded)).toEqual(keys(preview.json.keep));
    expect(keys(rows.filter((row) => row.status === "expired"))).toEqual(keys(preview.json.expire));
    for (const row of succeeded) await expect(fs.stat(row.path!)).resolves.toBeTruthy();
    for (const row of rows.filter((row) => row.status === "expired")) {
      expect(row.path).toBeNull();
      await expect(fs.stat(backupPaths(repositoryRoot(), clusterName, row.id).finalDir)).rejects.toThrow();
    }
    const remaining = (await fs.readdir(archive)).sort();
    expect(remaining[0]).toBe(wal(startSegment(0)));
    expect(remaining).toHaveLength(50 - 9);

    // Applying did not move a tier: the same backups stand for the same periods, none is due.
    const again = await call(previewRoute.GET, "GET", "/x", {
      token: viewer.token,
      params: { id: clusterId },
    });
    expect(again.json.expire).toEqual([]);
    expect(
      again.json.keep.map((decision: { id: string; tiers: string[] }) => [decision.id, decision.tiers]),
    ).toEqual(
      preview.json.keep.map((decision: { id: string; tiers: string[] }) => [decision.id, decision.tiers]),
    );
  });
});
