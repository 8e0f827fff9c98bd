import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as applyRoute from "@/app/api/v1/clusters/[id]/retention/apply/route";
import * as previewRoute from "@/app/api/v1/clusters/[id]/retention/preview/route";
import * as restoresRoute from "@/app/api/v1/restores/route";
import { runBackup } from "@/lib/backup/run";
import { db } from "@/lib/db";
import { planPitrRestore } from "@/lib/restore/plan-service";
import { logicalBackupRequestSchema } from "@/lib/schemas/backup";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";
import { getRestoreWindow } from "@/lib/wal/restore-window";
import { parseWalFileName } from "@/lib/wal/segments";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { registerSandboxCluster, takePhysicalBackup, withSandboxPrimary } from "@/test/sandbox-cluster";

// Retention next to restores and failed verifications, on real backups of the sandbox: what a
// queued or running restore (or drill) uses stays on disk with its WAL until it is finished,
// and a backup whose verification failed counts towards nothing while the last verified-good
// one is kept. The cluster's archive is a private set of hard links to the sandbox archive's
// segments (inside WALDEN_HOME, so retention may prune it) — pruning never touches the
// sandbox's own archive, which the other test files restore from.

const sandbox = inject("sandbox");
const run = Date.now().toString(36);
const name = `retention-${run}`;
const archive = path.join(inject("waldenHome"), `retention-archive-${run}`);
let clusterId: string;
let admin: TestUser;
/** Oldest first: b1 (30 days ago), b2 (20 days ago), b3 (now). */
const backups: { id: string; path: string; startWal: string }[] = [];

const segno = (wal: string) => {
  const parsed = parseWalFileName(wal);
  if (parsed.kind !== "segment") throw new Error(`not a segment: ${wal}`);
  return parsed.segno;
};

/** The segment files of the private archive, sorted. */
async function archivedSegments(): Promise<string[]> {
  return (await fs.readdir(archive)).filter((file) => parseWalFileName(file).kind === "segment").sort();
}

async function preview() {
  const response = await call(previewRoute.GET, "GET", `/api/v1/clusters/${clusterId}/retention/preview`, {
    token: admin.token,
    params: { id: clusterId },
  });
  expect(response.status).toBe(200);
  return response.json;
}

async function apply() {
  const response = await call(
    applyRoute.POST,
    "POST",
    `/api/v1/clusters/${clusterId}/retention/apply?confirm=${name}`,
    { token: admin.token, params: { id: clusterId }, origin: "http://localhost:3000" },
  );
  expect(response.status, response.text).toBe(200);
  return response.json;
}

const statusOf = async (id: string) => (await db().backup.findUniqueOrThrow({ where: { id } })).status;
const keepReason = (plan: { keep: { id: string; reason: string }[] }, id: string) =>
  plan.keep.find((decision) => decision.id === id)?.reason;

beforeAll(async () => {
  admin = await makeUser("admin", "retention");
  clusterId = await registerSandboxCluster(name);
  for (let i = 0; i < 3; i += 1) {
    const id = await takePhysicalBackup(clusterId);
    const row = await db().backup.findUniqueOrThrow({ where: { id } });
    backups.push({ id, path: row.path!, startWal: row.startWal! });
    // A commit and a closed segment after each backup, so every one starts its own segment.
    await withSandboxPrimary(async (client) => {
      await client.query("create temporary table retention_tick (x int); drop table retention_tick");
      await waitForArchived(sandbox.cluster.archiveDir, await switchWal(client));
    });
  }
  const days = [30, 20, 0];
  for (const [i, backup] of backups.entries())
    await db().backup.update({
      where: { id: backup.id },
      data: { finishedAt: new Date(Date.now() - days[i]! * 86_400_000 - 60_000) },
    });
  // The private archive: links to the sandbox's segments from a few before b1 on.
  await fs.mkdir(archive, { mode: 0o700 });
  const from = segno(backups[0]!.startWal) - 3;
  for (const file of await fs.readdir(sandbox.cluster.archiveDir)) {
    const parsed = parseWalFileName(file);
    if (parsed.kind === "history" || (parsed.kind === "segment" && parsed.segno >= from))
      await fs.link(path.join(sandbox.cluster.archiveDir, file), path.join(archive, file));
  }
  await db().cluster.update({ where: { id: clusterId }, data: { archivePath: archive } });
  // Without restores or verifications this policy keeps b3 (redundancy, window) and b2 (the
  // window's base), and expires b1 with the WAL before b2.
  await db().retentionPolicy.create({
    data: { clusterId, recoveryWindowDays: 1, minRedundancy: 1, logicalKeep: 0 },
  });
}, 240_000);

afterAll(async () => {
  await db().restore.deleteMany({ where: { clusterId } });
  await db().cluster.delete({ where: { id: clusterId } });
  await fs.rm(archive, { recursive: true, force: true });
});

describe("retention next to restores", () => {
  it("keeps the backup and WAL a queued drill and a running restore use, and lets them go once finished", async () => {
    const [b1, b2, b3] = backups as [(typeof backups)[0], (typeof backups)[0], (typeof backups)[0]];
    const beforeB1 = (await archivedSegments()).filter((wal) => segno(wal) < segno(b1.startWal));
    const fromB1 = (await archivedSegments()).filter((wal) => segno(wal) >= segno(b1.startWal));
    expect(beforeB1.length).toBeGreaterThan(0);

    // A queued drill names its backup in its plan only; a running restore in backup_id too.
    const drill = await db().restore.create({
      data: {
        clusterId,
        kind: "pitr",
        purpose: "drill",
        status: "queued",
        request: { clusterId, kind: "pitr", target: { type: "latest" } },
        plan: { backupId: b1.id, fromWal: b1.startWal },
        requestedBy: "test",
      },
    });
    const restore = await db().restore.create({
      data: {
        clusterId,
        kind: "pitr",
        status: "running",
        request: { clusterId, kind: "pitr", target: { type: "latest" } },
        backupId: b1.id,
        plan: { backupId: b1.id },
        requestedBy: "test",
      },
    });

    const shown = await preview();
    expect(keepReason(shown, b1.id)).toBe(
      `used by drill ${drill.id} (queued), used by restore ${restore.id} (running)`,
    );
    expect(shown.expire).toEqual([]);
    expect(shown.wal.keepFrom).toBe(b1.startWal);

    const applied = await apply();
    expect(applied.expire).toEqual([]);
    expect(await Promise.all(backups.map((b) => statusOf(b.id)))).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
    for (const backup of backups) expect(existsSync(path.join(backup.path, "backup_manifest"))).toBe(true);
    // Only the WAL before b1's start went; all of b1's onwards is still archived.
    expect(await archivedSegments()).toEqual(fromB1);
    expect(applied.wal).toMatchObject({
      count: beforeB1.length,
      fromWal: beforeB1[0],
      toWal: beforeB1.at(-1),
    });

    // Finished: the drill succeeded, the restore was cancelled. Now b1 goes, with its WAL.
    await db().restore.update({ where: { id: drill.id }, data: { status: "succeeded" } });
    await db().restore.update({ where: { id: restore.id }, data: { status: "cancelled" } });
    const after = await apply();
    expect(after.expire.map((decision: { id: string }) => decision.id)).toEqual([b1.id]);
    expect(await Promise.all(backups.map((b) => statusOf(b.id)))).toEqual([
      "expired",
      "succeeded",
      "succeeded",
    ]);
    expect(existsSync(b1.path)).toBe(false);
    expect(
      existsSync(path.join(b2.path, "backup_manifest")) && existsSync(path.join(b3.path, "backup_manifest")),
    ).toBe(true);
    expect(await archivedSegments()).toEqual(fromB1.filter((wal) => segno(wal) >= segno(b2.startWal)));
    expect(after.wal.keepFrom).toBe(b2.startWal);
    // The evidence stays: the expired backup's row and the audit of its expiry.
    const audited = await db().auditEvent.findMany({
      where: { action: "backup.expire", targetId: b1.id },
    });
    expect(audited).toHaveLength(1);
  });
});

describe("retention next to a failed verification", () => {
  it("does not plan from the failed backup, does not count it, and keeps the last verified-good one", async () => {
    const [, b2, b3] = backups as [(typeof backups)[0], (typeof backups)[0], (typeof backups)[0]];
    const failedAt = new Date();
    await db().backup.update({ where: { id: b2.id }, data: { verified: true, verifiedAt: new Date() } });
    await db().backup.update({
      where: { id: b3.id },
      data: { verified: false, verifiedAt: failedAt, verifyLog: "failed: checksum mismatch for base.tar" },
    });
    // Minimum redundancy 1 and no window: before, the newest (b3) was "the one" and b2 went.
    await db().retentionPolicy.update({
      where: { clusterId },
      data: { recoveryWindowDays: 0, minRedundancy: 1 },
    });

    // Not restorable: the window does not start from it, the planner refuses it by id and picks b2.
    const window = await getRestoreWindow(clusterId);
    expect(window.backups.find((b) => b.id === b3.id)).toMatchObject({
      restorableFrom: null,
      verificationFailedAt: failedAt.toISOString(),
    });
    expect(window.ranges.flatMap((range) => range.backupIds)).not.toContain(b3.id);
    const asked = await planPitrRestore(
      pitrRestoreRequestSchema.parse({
        clusterId,
        kind: "pitr",
        target: { type: "immediate" },
        backupId: b3.id,
      }),
    );
    expect(asked).toMatchObject({ ok: false, reason: "backup_not_usable" });
    expect(!asked.ok && asked.message).toContain("verification failed");
    const picked = await planPitrRestore(
      pitrRestoreRequestSchema.parse({ clusterId, kind: "pitr", target: { type: "immediate" } }),
    );
    expect(picked.ok && picked.plan.backupId).toBe(b2.id);

    // A logical backup whose verification failed is refused as a restore source too.
    const dump = await db().backup.create({
      data: {
        clusterId,
        kind: "logical",
        options: logicalBackupRequestSchema.parse({ clusterId, kind: "logical", database: "app" }),
        requestedBy: "test",
      },
    });
    await runBackup(dump.id, "test-worker");
    await db().backup.update({ where: { id: dump.id }, data: { verified: false, verifiedAt: failedAt } });
    const refused = await call(restoresRoute.POST, "POST", "/api/v1/restores", {
      token: admin.token,
      origin: "http://localhost:3000",
      body: { clusterId, kind: "logical", backupId: dump.id, database: `restored_${run}` },
    });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.json.error.message).toContain("its verification failed");
    expect(await db().restore.count({ where: { clusterId, kind: "logical" } })).toBe(0);
    await db().retentionPolicy.update({ where: { clusterId }, data: { logicalKeep: 1 } });

    const shown = await preview();
    expect(keepReason(shown, b2.id)).toBe("last verified-good physical backup");
    // Neither failed backup counts: not b3 for the minimum redundancy, not the dump for the one logical kept.
    expect(shown.expire).toEqual([
      expect.objectContaining({ id: dump.id, reason: expect.stringMatching(/verification failed/) }),
      expect.objectContaining({ id: b3.id, reason: expect.stringMatching(/verification failed/) }),
    ]);
    const walBefore = await archivedSegments();
    await apply();
    expect(await statusOf(b2.id)).toBe("succeeded");
    expect(existsSync(path.join(b2.path, "backup_manifest"))).toBe(true);
    expect(await statusOf(b3.id)).toBe("expired");
    // The failed backup held no WAL back and b2's is all still there.
    expect(await archivedSegments()).toEqual(walBefore);
    expect((await archivedSegments())[0]).toBe(b2.startWal);
  });
});
