// Over 400 lines: one describe per scenario of issue 12 (aliasing repositories, a shared archive, retiring a cluster) on one sandbox set-up.
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as backupRoute from "@/app/api/v1/backups/[id]/route";
import * as backupsRoute from "@/app/api/v1/backups/route";
import * as filesRoute from "@/app/api/v1/clusters/[id]/files/route";
import * as clusterRoute from "@/app/api/v1/clusters/[id]/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import * as restoreRoute from "@/app/api/v1/restores/[id]/route";
import { db } from "@/lib/db";
import { SamplerFleet } from "@/lib/worker/sampler";
import { getMonthlyReport } from "@/lib/reports/monthly";
import { instancePaths, instancePid, removeInstance } from "@/lib/restore/instance";
import { tearDownExpired } from "@/lib/restore/run";
import { legacyReceiveWalSlotName, receiveWalSlotName } from "@/lib/backup/slot-names";
import { call, makeUser, type TestUser } from "@/test/api-client";
import {
  registerSandboxCluster,
  sandboxPrimary,
  takePhysicalBackup,
  withSandboxPrimary,
} from "@/test/sandbox-cluster";
import { runPitrRestore } from "@/test/pitr-restore";
import { waitUntil } from "@/test/wait";

// Items 7–9 of issue 12 against the real sandbox: folders that alias are refused when saved;
// deleting a cluster retires it (its evidence stays, its name is free again), drops Walden's
// replication slot on the primary (audited) and tears down its restored instances.

const home = inject("waldenHome");
const run = Date.now().toString(36);
const scratch = path.join(home, `retire-${run}`);
const createdIds: string[] = [];
const restoreIds: string[] = [];
let admin: TestUser;
let viewer: TestUser;

function body(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    primary: sandboxPrimary(),
    archive: { mode: "archive_command", path: path.join(scratch, "archive", name) },
    ...extra,
  };
}

async function register(name: string, extra: Record<string, unknown> = {}) {
  const response = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
    token: admin.token,
    body: body(name, extra),
  });
  if (response.status === 201) createdIds.push(response.json.id);
  return response;
}

async function slots(): Promise<Map<string, boolean>> {
  return withSandboxPrimary(async (client) => {
    const { rows } = await client.query<{ slot_name: string; active: boolean }>(
      "select slot_name, active from pg_replication_slots where slot_name like 'walden_%'",
    );
    return new Map(rows.map((row) => [row.slot_name, row.active]));
  });
}

function issuePaths(json: { error: { details?: { issues?: { path: string }[] } } }): string[] {
  return (json.error.details?.issues ?? []).map((issue) => issue.path);
}

beforeAll(async () => {
  admin = await makeUser("admin");
  viewer = await makeUser("viewer");
  await fs.mkdir(path.join(scratch, "repo-a"), { recursive: true });
  await fs.mkdir(path.join(scratch, "archive"), { recursive: true });
  await fs.symlink(path.join(scratch, "repo-a"), path.join(scratch, "repo-link"));
});

afterAll(async () => {
  for (const id of restoreIds) await removeInstance(instancePaths(id)).catch(() => {});
  await db().cluster.deleteMany({ where: { id: { in: createdIds } } });
  await fs.rm(scratch, { recursive: true, force: true });
});

describe("a second repository that aliases the primary one", () => {
  it("is a 422 on repository.secondaryPath when equal, inside, containing or a symlink to it", async () => {
    const primary = path.join(scratch, "repo-a");
    const cases = {
      equal: primary,
      inside: path.join(primary, "copies"),
      containing: scratch,
      symlink: path.join(scratch, "repo-link"),
      "symlink, inside": path.join(scratch, "repo-link", "copies"),
    };
    const refused: Record<string, string> = {};
    for (const [label, secondaryPath] of Object.entries(cases)) {
      const response = await register(`alias-${label.replace(/\W+/g, "-")}-${run}`, {
        repository: { path: primary, secondaryPath },
      });
      expect(response.status, label).toBe(422);
      expect(issuePaths(response.json), label).toEqual(["repository.secondaryPath"]);
      refused[label] = response.json.error.message;
    }
    expect(refused.equal).toMatch(/is the primary repository itself/);
    expect(refused.inside).toMatch(/is inside the primary repository/);
    expect(refused.containing).toMatch(/contains the primary repository/);
    expect(refused.symlink).toMatch(/is the primary repository itself/);
    // No primary path given: the primary is WALDEN_HOME/repo.
    const defaultRoot = await register(`alias-default-${run}`, {
      repository: { secondaryPath: path.join(home, "repo", "copies") },
    });
    expect(defaultRoot.status).toBe(422);
    expect(defaultRoot.json.error.message).toMatch(/inside the primary repository/);
    expect(await db().cluster.count({ where: { name: { startsWith: "alias-" } } })).toBe(0);

    const fine = await register(`alias-ok-${run}`, {
      repository: { path: primary, secondaryPath: path.join(scratch, "repo-b") },
    });
    expect(fine.status).toBe(201);
    // The same check when an edit sets it.
    const patched = await call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${fine.json.id}`, {
      token: admin.token,
      params: { id: fine.json.id },
      body: { repository: { secondaryPath: path.join(scratch, "repo-link") } },
    });
    expect(patched.status).toBe(422);
    expect(issuePaths(patched.json)).toEqual(["repository.secondaryPath"]);
    const stored = await db().cluster.findUniqueOrThrow({ where: { id: fine.json.id } });
    expect(stored.secondaryRepositoryPath).toBe(path.join(scratch, "repo-b"));
  });
});

describe("two clusters and one archive folder", () => {
  it("is a 422 on archive.path when equal, inside, containing or through a symlink", async () => {
    const archiveA = path.join(scratch, "shared", "a");
    const first = await register(`archive-a-${run}`, {
      archive: { mode: "archive_command", path: archiveA },
    });
    expect(first.status).toBe(201);
    await fs.mkdir(archiveA, { recursive: true });
    await fs.symlink(archiveA, path.join(scratch, "archive-link"));
    const cases = {
      equal: archiveA,
      inside: path.join(archiveA, "sub"),
      containing: path.join(scratch, "shared"),
      symlink: path.join(scratch, "archive-link"),
    };
    const messages: Record<string, string> = {};
    for (const [label, archivePath] of Object.entries(cases)) {
      const response = await register(`archive-b-${run}`, { archive: { mode: "stream", path: archivePath } });
      expect(response.status, label).toBe(422);
      expect(issuePaths(response.json), label).toEqual(["archive.path"]);
      expect(response.json.error.message, label).toContain(`cluster "archive-a-${run}"`);
      messages[label] = response.json.error.message;
    }
    expect(messages.equal).toMatch(/ is the WAL archive of /);
    expect(messages.inside).toMatch(/ is inside the WAL archive of /);
    expect(messages.containing).toMatch(/ contains the WAL archive of /);
    expect(messages.symlink).toMatch(/ is the WAL archive of /);
    const second = await register(`archive-b-${run}`);
    expect(second.status).toBe(201);
    const patched = await call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${second.json.id}`, {
      token: admin.token,
      params: { id: second.json.id },
      body: { archive: { mode: "archive_command", path: path.join(scratch, "archive-link", "x") } },
    });
    expect(patched.status).toBe(422);
    expect(issuePaths(patched.json)).toEqual(["archive.path"]);
  });
});

describe("deleting a stream-mode cluster", () => {
  const name = `retire-${run}`;
  let clusterId: string;
  let backupId: string;
  let restoreId: string;
  let reportSha: string;
  let fleet: SamplerFleet | null = null;

  afterAll(async () => {
    await fleet?.stop();
  });

  it("has a backup, a running restored instance and a stored report to keep", async () => {
    // The sandbox archive is filled by the primary's archive_command: the backup and restore use
    // it (registered as the other pg tests do), then the cluster is switched to stream mode with a
    // folder of its own.
    clusterId = await registerSandboxCluster(name);
    createdIds.push(clusterId);
    backupId = await takePhysicalBackup(clusterId);

    const restored = await runPitrRestore(clusterId, { type: "immediate" });
    restoreId = restored.id;
    restoreIds.push(restored.id);
    expect([restored.status, restored.error, restored.instanceState]).toEqual(["succeeded", null, "running"]);
    expect(await instancePid(instancePaths(restored.id))).not.toBeNull();

    // This month's report, stored as it would be once the month has ended.
    const month = new Date().toISOString().slice(0, 7);
    const nextMonth = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1, 1));
    const report = await getMonthlyReport({ month, clusterId }, nextMonth);
    expect(report.snapshot?.sha256).toMatch(/^[0-9a-f]{64}$/);
    reportSha = report.snapshot!.sha256;
  });

  it("streams through a slot named after its id; the name-based slot of older versions is dropped once it does", async () => {
    const legacy = legacyReceiveWalSlotName(name);
    const current = receiveWalSlotName(clusterId);
    await withSandboxPrimary((client) =>
      client.query("select pg_create_physical_replication_slot($1)", [legacy]),
    );
    const switched = await call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${clusterId}`, {
      token: admin.token,
      params: { id: clusterId },
      body: { archive: { mode: "stream", path: path.join(scratch, "archive", name) } },
    });
    expect(switched.status).toBe(200);
    fleet = new SamplerFleet(inject("databaseUrl"), `retire-test-${run}`, () => {});
    fleet.start();
    await waitUntil(
      "the id-named slot to stream",
      async () => (await slots()).get(current) === true,
      30_000,
      250,
    );
    // The owner drops it at the first sample that lists the new slot active.
    await waitUntil("the legacy slot to be dropped", async () => !(await slots()).has(legacy), 30_000, 250);
    const audited = await db().auditEvent.findMany({
      where: { action: "cluster.slot.drop", targetId: clusterId },
    });
    expect(audited.map((event) => [event.outcome, (event.details as { slot: string }).slot])).toEqual([
      ["success", legacy],
    ]);
    // A rename keeps the slot: it is named after the id.
    const renamed = await call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${clusterId}`, {
      token: admin.token,
      params: { id: clusterId },
      body: { name: `${name}-b` },
    });
    expect(renamed.status).toBe(200);
    const back = await call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${clusterId}`, {
      token: admin.token,
      params: { id: clusterId },
      body: { name },
    });
    expect(back.status).toBe(200);
    expect((await slots()).get(current)).toBe(true);
  });

  it("drops the slot (audited) when switched to archive_command, and streams again when switched back", async () => {
    const current = receiveWalSlotName(clusterId);
    const archive = path.join(scratch, "archive", name);
    const patch = (mode: string) =>
      call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${clusterId}`, {
        token: admin.token,
        params: { id: clusterId },
        body: { archive: { mode, path: archive } },
      });
    expect((await patch("archive_command")).status).toBe(200);
    // The owner re-reads the registration within 10 s, stops pg_receivewal, then drops the slot.
    await waitUntil("the slot to be dropped", async () => !(await slots()).has(current), 40_000, 250);
    const drops = await db().auditEvent.findMany({
      where: { action: "cluster.slot.drop", targetId: clusterId },
      orderBy: { at: "asc" },
    });
    expect(drops.at(-1)).toMatchObject({
      outcome: "success",
      actorLabel: "sampler",
      details: { slot: current, reason: expect.stringMatching(/archive_command/) },
    });
    expect((await patch("stream")).status).toBe(200);
    await waitUntil(
      "the slot to stream again",
      async () => (await slots()).get(current) === true,
      40_000,
      250,
    );
  });

  it("retires it: the slot is dropped on the primary (audited), the restored instance torn down, the evidence kept", async () => {
    const current = receiveWalSlotName(clusterId);
    const reportsBefore = await db().reportSnapshot.count({ where: { clusterId } });
    const deleted = await call(
      clusterRoute.DELETE,
      "DELETE",
      `/api/v1/clusters/${clusterId}?confirm=${name}`,
      {
        token: admin.token,
        params: { id: clusterId },
      },
    );
    expect(deleted.status).toBe(200);
    expect(deleted.json).toMatchObject({
      id: clusterId,
      name,
      retiredName: `${name}-retired-${clusterId.slice(0, 8)}`,
      restores: { cancelled: 0, stopping: 0, instancesToTearDown: 1 },
    });
    expect(deleted.json.slots).toEqual([
      { slot: current, outcome: "dropped" },
      { slot: legacyReceiveWalSlotName(name), outcome: "absent" },
    ]);
    expect((await slots()).has(current)).toBe(false);
    const drop = await db().auditEvent.findFirst({
      where: { action: "cluster.slot.drop", targetId: clusterId, outcome: "success", actorId: admin.id },
    });
    expect(drop?.details).toMatchObject({ slot: current, reason: "the cluster was deleted" });
    const retire = await db().auditEvent.findFirst({
      where: { action: "cluster.delete", targetId: clusterId, outcome: "success" },
    });
    expect(retire?.details).toMatchObject({ name });

    // No worker takes the cluster again, so nothing re-creates the slot.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(fleet!.ownedClusterIds).not.toContain(clusterId);
    expect((await slots()).has(current)).toBe(false);

    // The worker's restore.sweep tears the restored instance down.
    const paths = instancePaths(restoreId);
    expect(await tearDownExpired()).toContain(restoreId);
    expect(await instancePid(paths)).toBeNull();
    expect(existsSync(paths.root)).toBe(false);
    expect((await db().restore.findUniqueOrThrow({ where: { id: restoreId } })).instanceState).toBe(
      "removed",
    );

    // Evidence stays: the rows, readable by id, and the stored report with the same checksum.
    const backup = await call(backupRoute.GET, "GET", `/api/v1/backups/${backupId}`, {
      token: viewer.token,
      params: { id: backupId },
    });
    expect([backup.status, backup.json.status, backup.json.clusterId]).toEqual([200, "succeeded", clusterId]);
    const restore = await call(restoreRoute.GET, "GET", `/api/v1/restores/${restoreId}`, {
      token: viewer.token,
      params: { id: restoreId },
    });
    expect([restore.status, restore.json.status]).toEqual([200, "succeeded"]);
    expect(await db().reportSnapshot.count({ where: { clusterId } })).toBe(reportsBefore);
    const month = new Date().toISOString().slice(0, 7);
    const report = await getMonthlyReport({ month, clusterId }, new Date(Date.now() + 40 * 86_400_000));
    expect(report.snapshot?.sha256).toBe(reportSha);

    // Gone from the lists and the API.
    const gone = await call(clusterRoute.GET, "GET", `/api/v1/clusters/${clusterId}`, {
      token: viewer.token,
      params: { id: clusterId },
    });
    expect(gone.status).toBe(404);
    expect(gone.json.error.message).toMatch(/was deleted on .*backups, restores and reports stay readable/);
    const list = await call(clustersRoute.GET, "GET", "/api/v1/clusters", { token: viewer.token });
    expect(list.json.map((cluster: { id: string }) => cluster.id)).not.toContain(clusterId);
    // No new work for it: a backup request is a 404 (its backups stay restorable by id).
    const backupAgain = await call(backupsRoute.POST, "POST", "/api/v1/backups", {
      token: admin.token,
      body: { clusterId, kind: "physical" },
    });
    expect(backupAgain.status).toBe(404);
    const again = await call(clusterRoute.DELETE, "DELETE", `/api/v1/clusters/${clusterId}?confirm=${name}`, {
      token: admin.token,
      params: { id: clusterId },
    });
    expect(again.status).toBe(404);
  });

  it("keeps its backup files until an admin removes them, typed; the rows and the archive folder stay", async () => {
    const backup = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
    expect(existsSync(backup.path!)).toBe(true);
    const retiredName = `${name}-retired-${clusterId.slice(0, 8)}`;
    const remove = (confirm: string, id = clusterId) =>
      call(filesRoute.DELETE, "DELETE", `/api/v1/clusters/${id}/files?confirm=${confirm}`, {
        token: admin.token,
        params: { id },
      });
    const untyped = await remove(name);
    expect(untyped.status).toBe(422);
    expect(untyped.json.error.message).toContain(`?confirm=${retiredName}`);
    const live = await db().cluster.findFirstOrThrow({ where: { id: { in: createdIds }, retiredAt: null } });
    expect((await remove(live.name, live.id)).status).toBe(409);
    expect(existsSync(backup.path!)).toBe(true);

    const removed = await remove(retiredName);
    expect(removed.status).toBe(200);
    expect(removed.json).toMatchObject({ backups: { removed: 1 }, copies: { removed: 0 }, failed: [] });
    expect(removed.json.backups.bytes).toBeGreaterThan(1_000_000);
    expect(existsSync(backup.path!)).toBe(false);
    const row = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
    expect([row.status, row.path, row.checksum]).toEqual(["expired", null, backup.checksum]);
    expect(existsSync(path.join(scratch, "archive", name))).toBe(true);
    const event = await db().auditEvent.findFirst({
      where: { action: "cluster.files.remove", targetId: clusterId, outcome: "success" },
    });
    expect(event?.details).toMatchObject({ backups: { removed: 1 } });
  });

  it("lets the name, and its archive folder, be registered again", async () => {
    const reused = await register(name, {
      archive: { mode: "archive_command", path: path.join(scratch, "archive", name) },
    });
    expect(reused.status).toBe(201);
    expect(reused.json.id).not.toBe(clusterId);
    expect(await db().backup.count({ where: { clusterId } })).toBe(1);
    expect(await db().backup.count({ where: { clusterId: reused.json.id } })).toBe(0);
  });
});
