import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as verifyRoute from "@/app/api/v1/backups/[id]/verify/route";
import * as windowRoute from "@/app/api/v1/clusters/[id]/restore-window/route";
import * as drillsRoute from "@/app/api/v1/clusters/[id]/drills/route";
import * as restoreRoute from "@/app/api/v1/restores/[id]/route";
import * as previewRoute from "@/app/api/v1/restores/preview/route";
import * as restoresRoute from "@/app/api/v1/restores/route";
import { systemActor } from "@/lib/auth/system-actor";
import { verifyBackup } from "@/lib/backup/verify";
import { db } from "@/lib/db";
import { generateAgeKey } from "@/lib/offsite/age";
import { computeOffsiteWindow, withOffsiteWalFolder } from "@/lib/offsite/offsite-wal-window";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { getOffsiteSettings } from "@/lib/offsite/stored-settings";
import { parsePayload } from "@/lib/queue/queues";
import { jobSender } from "@/lib/queue/sender";
import { startDrill } from "@/lib/restore/drills";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { servePlanRequests, stopServingPlanRequests } from "@/lib/restore/plan-requests.pg-helper";
import { loseLocalCopy, offsiteCluster, type OffsiteCluster } from "@/lib/restore/offsite-fixture.pg-helper";
import { planPitrRestore } from "@/lib/restore/plan-service";
import { runRestore } from "@/lib/restore/run";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";
import type { StoredRestoreWindow } from "@/lib/schemas/restore-window";
import { refreshRestoreWindow } from "@/lib/wal/refresh-window";
import { getStoredRestoreWindowOrThrow } from "@/lib/wal/stored-window";
import { backupVerify } from "@/lib/worker/handlers/backup-verify";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { registerSandboxCluster, sandboxPrimary } from "@/test/sandbox-cluster";
import { startS3Server, type S3TestServer } from "@/test/s3-server";

// Issue 14, with the local backup folder and the archive folder deleted: a NEW restore is
// planned from the offsite copy alone (its WAL listing, history files and the commit times of
// the segments that bound the window, downloaded and read with pg_waldump) and run to a time
// between two damaging changes (md5-identical rows); the same through the API with an
// encrypted copy and the age identity given (never stored in the clear, returned or audited);
// a drill and a verification from offsite; 422s naming `source` and `identity`. restore.plan is
// answered by the worker's own handler, served in-process.

const run = Date.now().toString(36);
const S3_PORT = 25871;
const BUCKET = "offsite";
let s3: S3TestServer;
let root: string;
let operator: TestUser;
const clusters: string[] = [];
const restores: string[] = [];

const timeRequest = (fixture: OffsiteCluster, extra: Record<string, unknown> = {}) => ({
  clusterId: fixture.clusterId,
  kind: "pitr",
  target: { type: "time", value: fixture.afterUpdate },
  ...extra,
});

async function runAndRead(restoreId: string) {
  restores.push(restoreId);
  expect(await runRestore(restoreId, "test-worker")).toBe(true);
  const done = await db().restore.findUniqueOrThrow({ where: { id: restoreId } });
  const steps = done.steps as { name: string; status: string; log: string[] }[];
  const log = (name: string) => steps.find((step) => step.name === name)?.log.join("\n") ?? "";
  expect(done.error, steps.map((s) => `${s.name}: ${s.log.slice(-5).join(" | ")}`).join("\n")).toBeNull();
  expect(done.status).toBe("succeeded");
  return { done, log };
}

async function restoredMd5(port: number, sql: string): Promise<string> {
  const client = new pg.Client({ ...sandboxPrimary(), port });
  await client.connect();
  try {
    return (await client.query<{ md5: string }>(sql)).rows[0]!.md5;
  } finally {
    await client.end();
  }
}

let plain: OffsiteCluster;
let plainWindow: StoredRestoreWindow;
let encrypted: OffsiteCluster;
const key = generateAgeKey();

beforeAll(async () => {
  root = path.join(inject("waldenHome"), "offsite-plan", run);
  await fs.mkdir(path.join(root, "s3"), { recursive: true });
  s3 = await startS3Server({ port: S3_PORT, directory: path.join(root, "s3"), buckets: [BUCKET] });
  operator = await makeUser("operator");
  plain = await offsiteCluster({ root, run, s3, bucket: BUCKET, label: "plain" });
  clusters.push(plain.clusterId);
  // The window endpoint's offsite part, while the local archive is still there to compare with.
  await refreshRestoreWindow(plain.clusterId);
  plainWindow = await getStoredRestoreWindowOrThrow(plain.clusterId);
  encrypted = await offsiteCluster({ root, run, s3, bucket: BUCKET, label: "sealed", key });
  clusters.push(encrypted.clusterId);
  await loseLocalCopy(plain);
  await loseLocalCopy(encrypted);
  // The worker's restore.plan handler, served in this process, answers the API's questions.
  await servePlanRequests();
}, 300_000);

afterAll(async () => {
  await stopServingPlanRequests();
  for (const id of restores) await removeInstance(instancePaths(id)).catch(() => {});
  for (const id of clusters)
    await db()
      .cluster.delete({ where: { id } })
      .catch(() => {});
  await s3?.stop();
  await fs.rm(root, { recursive: true, force: true });
});

describe("the offsite window, computed from the offsite copy's own facts", () => {
  it("serves offsite {earliest, latest, lagBytes, lagSeconds} from the offsite listing and its commit times", async () => {
    const facts = plainWindow.offsiteWindow;
    expect(facts?.error ?? null).toBeNull();
    const backup = await db().backup.findUniqueOrThrow({ where: { id: plain.backupId } });
    // Its window starts at the backup copied offsite and ends at a commit read from offsite WAL.
    expect(facts!.earliest).toBe(backup.finishedAt!.toISOString());
    expect(Date.parse(facts!.latest!)).toBeGreaterThan(Date.parse(plain.afterUpdate));
    expect(facts!.lastWal).toBe(plainWindow.archive!.lastWal);
    expect(plainWindow.offsite).toEqual({
      earliest: facts!.earliest,
      latest: facts!.latest,
      lagBytes: 0,
      lagSeconds: 0,
    });
    // The segments read are kept in the cluster's cache folder under WALDEN_HOME, few of them.
    const cached = await fs.readdir(path.join(inject("waldenHome"), "offsite-cache", plain.clusterId));
    expect(cached.length).toBeGreaterThan(0);
    expect(cached.length).toBeLessThanOrEqual(16);
  });
});

describe("the window once the local archive is gone", () => {
  it("is the offsite copy's window, saying so, instead of a 503", async () => {
    await refreshRestoreWindow(plain.clusterId);
    const window = await getStoredRestoreWindowOrThrow(plain.clusterId);
    expect(window.source).toBe("offsite");
    expect(window.problems[0]).toMatch(
      /Cannot read the WAL archive folder .*this is the offsite copy's window/,
    );
    expect(window.earliest).toBe(plainWindow.offsiteWindow!.earliest);
    expect(Date.parse(window.latest!)).toBeGreaterThan(Date.parse(plain.afterUpdate));
    expect(window.archive!.path).toContain(`offsite-plain-${run}/wal/`);
    expect(window.backups.map((backup) => backup.id)).toContain(plain.backupId);
  });

  it("is the offsite copy's window for a cluster with no archive folder at all", async () => {
    const { archivePath } = await db().cluster.update({
      where: { id: plain.clusterId },
      data: { archivePath: null },
      select: { archivePath: true },
    });
    try {
      await refreshRestoreWindow(plain.clusterId);
      const window = await getStoredRestoreWindowOrThrow(plain.clusterId);
      expect(window.source).toBe("offsite");
      expect(window.problems[0]).toMatch(
        /no WAL archive folder configured: this is the offsite copy's window/,
      );
      expect(window.earliest).toBe(plainWindow.offsiteWindow!.earliest);
    } finally {
      await db().cluster.update({ where: { id: plain.clusterId }, data: { archivePath: plain.archiveLink } });
    }
    expect(archivePath).toBeNull();
  });
});

describe("the window of an encrypted offsite copy, without its identity", () => {
  it("answers 200 from the commit times stored with each shipped segment, as the decrypted WAL says", async () => {
    await refreshRestoreWindow(encrypted.clusterId);
    const answer = await call(
      windowRoute.GET,
      "GET",
      `/api/v1/clusters/${encrypted.clusterId}/restore-window`,
      {
        token: operator.token,
        params: { id: encrypted.clusterId },
      },
    );
    expect(answer.status, answer.text).toBe(200);
    const window = answer.json as StoredRestoreWindow;
    expect(window.source).toBe("offsite");
    // The same window read from the plaintext: the segments downloaded, decrypted and read with pg_waldump.
    const cluster = await db().cluster.findUniqueOrThrow({ where: { id: encrypted.clusterId } });
    const repository = new S3Repository((await getOffsiteSettings(cluster.id))!);
    try {
      const decrypted = await withOffsiteWalFolder(repository, cluster, key.identity, (folder) =>
        computeOffsiteWindow(cluster, repository, folder),
      );
      expect(decrypted.latest).not.toBeNull();
      expect(window.earliest).toBe(decrypted.earliest);
      expect(Math.abs(Date.parse(window.latest!) - Date.parse(decrypted.latest!))).toBeLessThan(1_000);
    } finally {
      repository.close();
    }
    expect(Date.parse(window.latest!)).toBeGreaterThan(Date.parse(encrypted.afterUpdate));
    expect(window.backups.map((backup) => backup.id)).toContain(encrypted.backupId);
    // Read from the objects' metadata: no segment was downloaded into the cluster's cache.
    const cached = await fs
      .readdir(path.join(inject("waldenHome"), "offsite-cache", encrypted.clusterId))
      .catch(() => [] as string[]);
    expect(cached.filter((name) => /^[0-9A-F]{24}$/.test(name))).toEqual([]);
  }, 120_000);
});

describe("a new restore planned from the offsite copy alone", () => {
  it("plans from the offsite WAL listing and restores md5-identical rows", async () => {
    const planned = await planPitrRestore(pitrRestoreRequestSchema.parse(timeRequest(plain)));
    if (!planned.ok) throw new Error(planned.message);
    expect(planned.plan).toMatchObject({ backupId: plain.backupId, source: "offsite" });
    expect(planned.plan.sourceReason).toMatch(/local archive folder .* is gone/);

    const request = pitrRestoreRequestSchema.parse(timeRequest(plain));
    const row = await db().restore.create({
      data: {
        clusterId: plain.clusterId,
        kind: "pitr",
        request,
        plan: planned.plan,
        backupId: plain.backupId,
        requestedBy: "test",
      },
    });
    const { done, log } = await runAndRead(row.id);
    expect(log("plan")).toMatch(/from the offsite copy: the local archive folder .* is gone/);
    expect(log("extract")).toMatch(/downloaded \d+ files .* checked against SHA256SUMS/);
    expect(log("configure")).toMatch(/fetched \d+ of \d+ offsite WAL files/);
    expect(await restoredMd5(done.port!, plain.md5Sql)).toBe(plain.md5Updated);
  }, 240_000);

  it("finds an xid target in the offsite WAL", async () => {
    const planned = await planPitrRestore(
      pitrRestoreRequestSchema.parse({
        ...timeRequest(plain),
        target: { type: "xid", value: plain.deleteXid, inclusive: false },
      }),
    );
    if (!planned.ok) throw new Error(planned.message);
    expect(planned.plan).toMatchObject({
      source: "offsite",
      target: { type: "xid", value: plain.deleteXid },
    });
    expect(planned.plan.toLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
  }, 120_000);

  it("refuses the local copy once it is gone, and offsite for a cluster without an offsite repository, naming source", async () => {
    const local = await call(previewRoute.POST, "POST", "/api/v1/restores/preview", {
      token: operator.token,
      body: timeRequest(plain, { source: "local" }),
    });
    expect(local.status, local.text).toBe(422);
    expect(local.json.error.details.issues[0].path).toBe("source");
    expect(local.json.error.message).toMatch(/local WAL archive folder .* is not on disk/);

    const bare = await registerSandboxCluster(`offsite-bare-${run}`, {
      archivePath: path.join(root, "none"),
    });
    clusters.push(bare);
    const offsite = await call(restoresRoute.POST, "POST", "/api/v1/restores", {
      token: operator.token,
      body: { clusterId: bare, kind: "pitr", target: { type: "latest" }, source: "offsite" },
    });
    expect(offsite.status, offsite.text).toBe(422);
    expect(offsite.json.error.details.issues[0].path).toBe("source");
    expect(await db().restore.count({ where: { clusterId: bare } })).toBe(0);
  }, 60_000);
});

describe("an encrypted offsite copy, restored with its identity", () => {
  it("refuses no identity, a malformed one and a wrong one, naming identity", async () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /encrypted .*give the age identity/],
      ["AGE-SECRET-KEY-1NOTAKEY", /not an age identity/],
      [generateAgeKey().identity, /does not open/],
    ];
    for (const [identity, message] of cases) {
      const answer = await call(previewRoute.POST, "POST", "/api/v1/restores/preview", {
        token: operator.token,
        body: timeRequest(encrypted, identity === undefined ? {} : { identity }),
      });
      expect(answer.status, answer.text).toBe(422);
      expect(answer.json.error.details.issues[0].path).toBe("identity");
      expect(answer.json.error.message).toMatch(message);
      expect(answer.text).not.toContain("AGE-SECRET-KEY-1NOTAKEY");
    }
  }, 120_000);

  it("plans, runs and verifies with the identity, which is never kept, returned or audited", async () => {
    const preview = await call(previewRoute.POST, "POST", "/api/v1/restores/preview", {
      token: operator.token,
      body: timeRequest(encrypted, { identity: key.identity }),
    });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.json.plan).toMatchObject({ source: "offsite", backupId: encrypted.backupId });

    const started = await call(restoresRoute.POST, "POST", "/api/v1/restores", {
      token: operator.token,
      body: timeRequest(encrypted, { identity: key.identity }),
    });
    expect(started.status, started.text).toBe(202);
    expect(started.json.plan.source).toBe("offsite");
    const id: string = started.json.id;
    const stored = await db().restore.findUniqueOrThrow({ where: { id } });
    const sealed = (stored.request as { identity?: string }).identity;
    expect(sealed).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain(key.identity);
    const shown = await call(restoreRoute.GET, "GET", `/api/v1/restores/${id}`, {
      token: operator.token,
      params: { id },
    });
    expect(shown.status).toBe(200);
    expect(shown.json.request).not.toHaveProperty("identity");
    const audits = await db().auditEvent.findMany({ where: { targetId: id } });
    expect(audits.length).toBeGreaterThan(0);
    const audited = JSON.stringify(audits.map((event) => event.details));
    expect(audited).toContain(encrypted.clusterId);
    expect(audited).not.toContain(key.identity);
    expect(audited).not.toContain(sealed);

    const { done, log } = await runAndRead(id);
    expect(log("extract")).toMatch(/decrypted with the identity given/);
    expect(await restoredMd5(done.port!, encrypted.md5Sql)).toBe(encrypted.md5Updated);
    // Wiped when the restore ended.
    expect(done.request).not.toHaveProperty("identity");
  }, 240_000);
});

describe("a drill and a verification from the offsite copy", () => {
  // The restores above are done with: their instances go, so the drill is within the instance
  // limit whatever earlier test files left running.
  beforeAll(async () => {
    for (const id of restores) {
      await removeInstance(instancePaths(id)).catch(() => {});
      await db().restore.update({ where: { id }, data: { instanceState: "removed" } });
    }
  }, 60_000);

  it("refuses a drill asked from the local copy once it is gone, naming source", async () => {
    await expect(
      startDrill(plain.clusterId, systemActor("test"), {}, { source: "local" }),
    ).rejects.toMatchObject({
      code: "unprocessable_entity",
      details: { issues: [{ path: "source" }] },
    });
    // The same through the API: the drill endpoint's optional body names the copy.
    const url = `/api/v1/clusters/${plain.clusterId}/drills`;
    const params = { id: plain.clusterId };
    const asked = await call(drillsRoute.POST, "POST", url, {
      token: operator.token,
      params,
      body: { source: "local" },
    });
    expect(asked.status).toBe(422);
    expect(asked.json.error.details.issues).toEqual([expect.objectContaining({ path: "source" })]);
    const unknown = await call(drillsRoute.POST, "POST", url, {
      token: operator.token,
      params,
      body: { source: "tape" },
    });
    expect(unknown.status).toBe(422);
  });

  it("runs a drill from offsite when the local copy is gone", async () => {
    const drill = await startDrill(plain.clusterId, systemActor("test"));
    expect(drill.plan?.source).toBe("offsite");
    const { done, log } = await runAndRead(drill.id);
    expect(done.purpose).toBe("drill");
    expect(done.rtoMs).toBeGreaterThan(0);
    expect(done.instanceState).toBe("removed");
    expect(log("plan")).toMatch(/from the offsite copy/);
  }, 240_000);

  it("verifies a backup from offsite when its local folder is gone", async () => {
    expect(await verifyBackup(plain.backupId, "test-worker")).toBe(true);
    const backup = await db().backup.findUniqueOrThrow({ where: { id: plain.backupId } });
    expect(backup.verified).toBe(true);
    expect(backup.verifyLog).toMatch(/downloaded \d+ files/);
    expect(backup.verifyLog).toMatch(/verified from the offsite copy/);
    expect(backup.verifyLog).toMatch(/archive holds/);
  }, 120_000);

  it("verifies from the copy the API names: the job carries source, and the worker reads that copy", async () => {
    const url = `/api/v1/backups/${plain.backupId}/verify`;
    const params = { id: plain.backupId };
    const asked = await call(verifyRoute.POST, "POST", url, {
      token: operator.token,
      params,
      body: { source: "offsite" },
    });
    expect(asked.status).toBe(202);
    const boss = await jobSender();
    // Earlier test files may have left verifications queued: take ours by its backup id.
    const jobs = await boss.fetch("backup.verify", { batchSize: 100 });
    const job = jobs.find((queued) => parsePayload("backup.verify", queued.data).backupId === plain.backupId);
    const payload = parsePayload("backup.verify", job!.data);
    expect(payload).toEqual({ backupId: plain.backupId, source: "offsite" });
    await boss.complete("backup.verify", job!.id);
    const ctx = { boss, workerId: "test-worker", log: () => {}, mayReap: () => true };
    await backupVerify.handle(payload, ctx);
    const backup = await db().backup.findUniqueOrThrow({ where: { id: plain.backupId } });
    expect(backup.verified).toBe(true);
    expect(backup.verifyLog).toMatch(/verified from the offsite copy/);
    // A backup with no finished offsite copy cannot be verified from there: 422 naming source.
    await db().backupCopy.updateMany({
      where: { backupId: plain.backupId, repository: "s3" },
      data: { status: "failed" },
    });
    try {
      const refused = await call(verifyRoute.POST, "POST", url, {
        token: operator.token,
        params,
        body: { source: "offsite" },
      });
      expect(refused.status).toBe(422);
      expect(refused.json.error.details.issues).toEqual([expect.objectContaining({ path: "source" })]);
    } finally {
      await db().backupCopy.updateMany({
        where: { backupId: plain.backupId, repository: "s3" },
        data: { status: "succeeded" },
      });
    }
  }, 120_000);
});
