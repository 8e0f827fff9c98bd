import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as backupRoute from "@/app/api/v1/backups/[id]/route";
import { repositoryRoot } from "@/lib/backup/repository";
import { db } from "@/lib/db";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { registerSandboxCluster, takePhysicalBackup } from "@/test/sandbox-cluster";

// Pin, unpin and delete one real backup (pg_basebackup against the sandbox) through the real
// handlers: the typed confirmation, the pinned refusal, the files gone, the row kept, the audit.

const run = Date.now().toString(36);
const clusterName = `pinned-${run}`;
const label = `keep-me-${run}`;
let operator: TestUser;
let admin: TestUser;
let clusterId: string;
let backupId: string;
let folder: string;

const url = (confirm?: string) =>
  `/api/v1/backups/${backupId}${confirm === undefined ? "" : `?confirm=${encodeURIComponent(confirm)}`}`;
const patch = (body: unknown, token = operator.token) =>
  call(backupRoute.PATCH, "PATCH", url(), { token, body, params: { id: backupId } });
const remove = (confirm: string | undefined, token = admin.token) =>
  call(backupRoute.DELETE, "DELETE", url(confirm), { token, params: { id: backupId } });
const exists = (target: string) =>
  fs.stat(target).then(
    () => true,
    () => false,
  );
const auditOf = (action: string, outcome = "success") =>
  db().auditEvent.findMany({ where: { targetId: backupId, action, outcome } });

beforeAll(async () => {
  operator = await makeUser("operator");
  admin = await makeUser("admin");
  clusterId = await registerSandboxCluster(clusterName);
  backupId = await takePhysicalBackup(clusterId);
  const backup = await db().backup.update({ where: { id: backupId }, data: { label } });
  folder = backup.path!;
  expect(await exists(folder)).toBe(true);
}, 180_000);

afterAll(async () => {
  await db().cluster.delete({ where: { id: clusterId } });
  await fs.rm(path.join(repositoryRoot(), clusterName), { recursive: true, force: true });
});

describe("pinning a backup", () => {
  it("is 422 for a body that is not {pinned: boolean}, naming the field", async () => {
    const response = await patch({ pinned: "yes" });
    expect(response.status).toBe(422);
    expect(response.json.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(
      "pinned",
    );
    const extra = await patch({ pinned: true, label: "other" });
    expect(extra.status).toBe(422);
  });

  it("pins for an operator, audited, and the backup says so", async () => {
    const response = await patch({ pinned: true });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: backupId, pinned: true });
    expect((await db().backup.findUniqueOrThrow({ where: { id: backupId } })).pinned).toBe(true);
    expect(await auditOf("backup.pin")).toHaveLength(1);
  });
});

describe("deleting a backup", () => {
  it("needs the label typed: a wrong one is a 422 naming it, audited as denied, the files stay", async () => {
    for (const typed of [undefined, "keep-me"]) {
      const response = await remove(typed);
      expect(response.status).toBe(422);
      expect(response.json.error.message).toContain(`confirm=${label}`);
    }
    expect(await auditOf("backup.delete", "denied")).toHaveLength(2);
    expect(await exists(folder)).toBe(true);
  });

  it("is refused with a 422 while the backup is pinned, whoever asks", async () => {
    const response = await remove(label);
    expect(response.status).toBe(422);
    expect(response.json.error.message).toMatch(/pinned: unpin it first/);
    expect(await exists(folder)).toBe(true);
    expect((await db().backup.findUniqueOrThrow({ where: { id: backupId } })).status).toBe("succeeded");
  });

  it("is admin-only: an operator gets a 403", async () => {
    await patch({ pinned: false });
    expect(await auditOf("backup.unpin")).toHaveLength(1);
    const response = await remove(label, operator.token);
    expect(response.status).toBe(403);
    expect(await exists(folder)).toBe(true);
  });

  it("is refused with a 409 while a restore uses the backup", async () => {
    const restore = await db().restore.create({
      data: {
        clusterId,
        kind: "pitr",
        status: "queued",
        backupId,
        request: { clusterId, kind: "pitr" },
        requestedBy: "test",
      },
    });
    try {
      const response = await remove(label);
      expect(response.status).toBe(409);
      expect(response.json.error.message).toContain(restore.id);
    } finally {
      await db().restore.delete({ where: { id: restore.id } });
    }
  });

  it("removes the folder once unpinned, keeps the row as expired, audits what was removed", async () => {
    const response = await remove(label);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      id: backupId,
      status: "expired",
      removed: [folder],
      offsiteCopiesKept: 0,
    });
    expect(await exists(folder)).toBe(false);
    const row = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
    expect(row).toMatchObject({ status: "expired", path: null, label });
    const [event] = await auditOf("backup.delete");
    expect(event?.details).toMatchObject({ removed: [folder], label, kind: "physical" });
  });

  it("is a 409 the second time, and pinning an expired backup is a 409 too", async () => {
    expect((await remove(label)).status).toBe(409);
    expect((await patch({ pinned: true })).status).toBe(409);
  });
});
