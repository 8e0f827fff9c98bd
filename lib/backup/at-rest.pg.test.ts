import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as localRoute from "@/app/api/v1/clusters/[id]/repositories/local/route";
import * as repositoriesRoute from "@/app/api/v1/clusters/[id]/repositories/route";
import * as restoresRoute from "@/app/api/v1/restores/route";
import { CIPHERTEXT_SUMS, startsAsAgeFile } from "@/lib/backup/at-rest";
import { parseChecksums, sha256File } from "@/lib/backup/checksum";
import { copyBackupOffsite } from "@/lib/backup/offsite-copy";
import { runBackup } from "@/lib/backup/run";
import { verifyBackup } from "@/lib/backup/verify";
import { db } from "@/lib/db";
import { keyFingerprint } from "@/lib/offsite/age";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { offsiteBackupPrefix, toOffsiteRow } from "@/lib/offsite/stored-settings";
import { parseBackupDescriptor } from "@/lib/repository/descriptor";
import { sealIdentity } from "@/lib/restore/identity";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { servePlanRequests, stopServingPlanRequests } from "@/lib/restore/plan-requests.pg-helper";
import { getBackupRunbookOrThrow } from "@/lib/restore/runbook-load";
import { startDueDrills } from "@/lib/restore/drills";
import { logicalBackupRequestSchema } from "@/lib/schemas/backup";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { startS3Server } from "@/test/s3-server";
import { runPitrRestore } from "@/test/pitr-restore";
import {
  registerSandboxCluster,
  sandboxPrimary,
  takePhysicalBackup,
  withSandboxPrimary,
} from "@/test/sandbox-cluster";

// Backups encrypted at rest in the local repository (issue 14), end to end on the sandbox: the
// settings API, a physical and a logical backup written as age files only (Debian's `age`
// decrypts them to the plaintext SHA256SUMS names), restores refused without a key (422
// `identity`), a PITR with the key md5-identical to the source, verification in full with the
// key Walden holds and of the ciphertext only without it, and a scheduled drill skipped.

const sandbox = inject("sandbox");
const run = Date.now().toString(36);
const table = `at_rest_${run}`;
let clusterId: string;
let admin: TestUser;
let viewer: TestUser;
let operator: TestUser;
let keyDir: string;
let keyFile: string;
let identity: string;
let recipient: string;
let sourceMd5: string;
let physicalId: string;
let logicalId: string;
const restores: string[] = [];

const md5Sql = `select md5(coalesce(string_agg(t::text, ',' order by id), '')) as md5 from ${table} t`;
const url = (rest = "") => `/api/v1/clusters/${clusterId}/repositories${rest}`;

async function putLocal(user: TestUser, encryption: Record<string, unknown>) {
  return call(localRoute.PUT, "PUT", url("/local"), {
    token: user.token,
    params: { id: clusterId },
    body: { encryption },
  });
}

async function takeLogicalBackup(): Promise<string> {
  const options = logicalBackupRequestSchema.parse({ clusterId, kind: "logical", format: "custom" });
  const backup = await db().backup.create({
    data: { clusterId, kind: "logical", options, requestedBy: "test" },
  });
  await runBackup(backup.id, "test-worker");
  const done = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
  if (done.status !== "succeeded") throw new Error(`logical backup failed: ${done.error}\n${done.log}`);
  return backup.id;
}

async function filesIn(dir: string): Promise<string[]> {
  return (await fs.readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

beforeAll(async () => {
  admin = await makeUser("admin");
  viewer = await makeUser("viewer");
  operator = await makeUser("operator");
  // The key made by Debian's age-keygen: Walden's age must interoperate with the standard tool.
  keyDir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-at-rest-"));
  keyFile = path.join(keyDir, "key.txt");
  execFileSync("age-keygen", ["-o", keyFile], { stdio: "ignore" });
  identity = readFileSync(keyFile, "utf8")
    .split("\n")
    .find((line) => line.startsWith("AGE-SECRET-KEY-1"))!;
  recipient = execFileSync("age-keygen", ["-y", keyFile], { encoding: "utf8" }).trim();

  clusterId = await registerSandboxCluster(`at-rest-${run}`);
  await withSandboxPrimary(async (client) => {
    await client.query(`create table ${table} (id int primary key, amount int not null, note text)`);
    await client.query(`insert into ${table} select g, g * 7, 'row ' || g from generate_series(1, 2000) g`);
    sourceMd5 = (await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5;
  });

  // The worker's restore.plan handler, served in this process, answers the API's questions.
  await servePlanRequests();
}, 120_000);

afterAll(async () => {
  await stopServingPlanRequests();
  for (const id of restores) {
    await removeInstance(instancePaths(id)).catch(() => {});
    await db()
      .restore.update({ where: { id }, data: { instanceState: "removed" } })
      .catch(() => {});
  }
  await withSandboxPrimary((client) => client.query(`drop table if exists ${table}`)).catch(() => {});
  await fs.rm(keyDir, { recursive: true, force: true });
});

describe("local encryption settings", () => {
  it("is set by an admin only, checks the identity against the recipient, and never returns the identity", async () => {
    expect((await putLocal(viewer, { enabled: true, recipient })).status).toBe(403);

    const missing = await putLocal(admin, { enabled: true });
    expect(missing.status, missing.text).toBe(422);
    expect(missing.json.error.details.issues[0].path).toBe("encryption.recipient");

    const otherKey = execFileSync("age-keygen", [], { encoding: "utf8" })
      .split("\n")
      .find((line) => line.startsWith("AGE-SECRET-KEY-1"))!;
    const mismatch = await putLocal(admin, { enabled: true, recipient, identity: otherKey });
    expect(mismatch.status, mismatch.text).toBe(422);
    expect(mismatch.json.error.details.issues[0].path).toBe("encryption.identity");
    expect(mismatch.text).not.toContain(otherKey);

    const saved = await putLocal(admin, { enabled: true, recipient });
    expect(saved.status, saved.text).toBe(200);
    const read = await call(repositoriesRoute.GET, "GET", url(), {
      token: viewer.token,
      params: { id: clusterId },
    });
    expect(read.status).toBe(200);
    const fingerprint = createHash("sha256")
      .update(recipient)
      .digest("hex")
      .slice(0, 16)
      .match(/.{4}/g)!
      .join("-");
    expect(read.json.local.encryption).toEqual({
      enabled: true,
      recipient,
      fingerprint,
      keyHeldByWalden: false,
    });
    const audited = await db().auditEvent.findFirst({
      where: { action: "local_repository.update", targetId: clusterId },
      orderBy: { id: "desc" },
    });
    expect(audited?.outcome).toBe("success");
  });
});

describe("backups encrypted at rest", () => {
  beforeAll(async () => {
    physicalId = await takePhysicalBackup(clusterId);
    logicalId = await takeLogicalBackup();
    // WAL past the backup, archived, so "latest" has a point to stop on.
    await withSandboxPrimary(async (client) => {
      await client.query("create temporary table at_rest_tick (x int); drop table at_rest_tick");
      await waitForArchived(sandbox.cluster.archiveDir, await switchWal(client));
    });
  }, 300_000);

  it("leaves only age files on disk, both checksum lists, and a plain descriptor naming the recipient", async () => {
    for (const id of [physicalId, logicalId]) {
      const backup = await db().backup.findUniqueOrThrow({ where: { id } });
      expect(backup.encryptionRecipient).toBe(recipient);
      const dir = backup.path!;
      const files = await filesIn(dir);
      const data = files.filter((file) => !["SHA256SUMS", CIPHERTEXT_SUMS, "walden.json"].includes(file));
      expect(data.length).toBeGreaterThan(0);
      for (const file of data) {
        expect(file.endsWith(".age"), file).toBe(true);
        expect(await startsAsAgeFile(path.join(dir, file)), file).toBe(true);
        expect((await fs.stat(path.join(dir, file))).mode & 0o077).toBe(0);
      }
      expect(
        files.filter((file) => /^(base\.tar|pg_wal\.tar|dump)/.test(file) && !file.endsWith(".age")),
      ).toEqual([]);
      // SHA256SUMS names the plaintext; SHA256SUMS.ciphertext every stored file, each matching.
      const plain = parseChecksums(await fs.readFile(path.join(dir, "SHA256SUMS"), "utf8"));
      const cipher = parseChecksums(await fs.readFile(path.join(dir, CIPHERTEXT_SUMS), "utf8"));
      expect(cipher.map((entry) => entry.file).sort()).toEqual(data);
      expect(plain.map((entry) => `${entry.file}.age`).sort()).toEqual(data);
      for (const entry of cipher) expect(await sha256File(path.join(dir, entry.file))).toBe(entry.sha256);
      expect(await sha256File(path.join(dir, "SHA256SUMS"))).toBe(backup.checksum);
      const descriptor = parseBackupDescriptor(await fs.readFile(path.join(dir, "walden.json"), "utf8"));
      expect(descriptor.ok && descriptor.descriptor.encryption?.recipient).toBe(recipient);
    }
  });

  it("Debian's age decrypts each file with only the key to the plaintext SHA256SUMS names", async () => {
    for (const [id, name] of [
      [physicalId, /^base\.tar/],
      [logicalId, /^dump/],
    ] as const) {
      const dir = (await db().backup.findUniqueOrThrow({ where: { id } })).path!;
      const { sha256: expected, file } = parseChecksums(
        await fs.readFile(path.join(dir, "SHA256SUMS"), "utf8"),
      ).find((entry) => name.test(entry.file))!;
      const out = path.join(keyDir, `${id}-${file}`);
      execFileSync("age", ["--decrypt", "-i", keyFile, "-o", out, path.join(dir, `${file}.age`)]);
      expect(await sha256File(out)).toBe(expected);
      await fs.rm(out);
    }
  });

  it("refuses a restore without a key (none given, none held), naming identity", async () => {
    const pitr = await call(restoresRoute.POST, "POST", "/api/v1/restores", {
      token: operator.token,
      body: { clusterId, kind: "pitr", target: { type: "latest" }, backupId: physicalId, source: "local" },
    });
    expect(pitr.status, pitr.text).toBe(422);
    expect(pitr.json.error.details.issues[0].path).toBe("identity");
    expect(pitr.json.error.message).toMatch(/encrypted at rest/);

    const logical = await call(restoresRoute.POST, "POST", "/api/v1/restores", {
      token: operator.token,
      body: { clusterId, kind: "logical", backupId: logicalId, database: `at_rest_${run}` },
    });
    expect(logical.status, logical.text).toBe(422);
    expect(logical.json.error.details.issues[0].path).toBe("identity");
    expect(await db().restore.count({ where: { clusterId } })).toBe(0);
  }, 120_000);

  it("verifies the ciphertext only without a key, and says so", async () => {
    for (const id of [physicalId, logicalId]) {
      expect(await verifyBackup(id, "test-worker")).toBe(true);
      const row = await db().backup.findUniqueOrThrow({ where: { id } });
      expect(row.verified).toBe(true);
      expect(row.verifyScope).toBe("ciphertext");
      expect(row.verifyLog).toMatch(/verified \(ciphertext only\)/);
      expect(row.verifyLog).toMatch(/SHA256SUMS\.ciphertext match/);
      expect(row.verifyLog).not.toMatch(/pg_verifybackup|pg_restore --list/);
    }
  }, 120_000);

  it("skips a scheduled drill without a key, with the reason recorded", async () => {
    await db().drillSchedule.upsert({
      where: { clusterId },
      create: { clusterId, cron: "* * * * *", timezone: "UTC", enabled: true },
      update: { cron: "* * * * *", enabled: true, lastRunAt: null },
    });
    const now = new Date(Date.now() + 120_000);
    await startDueDrills(now);
    const schedule = await db().drillSchedule.findUniqueOrThrow({ where: { clusterId } });
    expect(schedule.lastOutcome).toMatch(/^skipped: .*encrypted at rest/);
    expect(await db().restore.count({ where: { clusterId } })).toBe(0);
    await db().drillSchedule.update({ where: { clusterId }, data: { enabled: false } });
  }, 60_000);

  it("restores (PITR) with the identity given: md5-identical to the source", async () => {
    const restore = await runPitrRestore(
      clusterId,
      { type: "latest" },
      { backupId: physicalId, source: "local", identity: sealIdentity(identity) },
    );
    restores.push(restore.id);
    const steps = restore.steps as { name: string; log: string[] }[];
    expect(steps.find((step) => step.name === "extract")!.log.join("\n")).toMatch(/decrypted \d+ files/);
    // The staging folder is gone once extracted.
    await expect(fs.stat(path.join(instancePaths(restore.id).root, "decrypted-backup"))).rejects.toThrow();
    const client = new pg.Client({ ...sandboxPrimary(), port: restore.port! });
    await client.connect();
    try {
      expect((await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5).toBe(sourceMd5);
    } finally {
      await client.end();
    }
    // Marked removed too, so the row no longer counts against the instance limit of later files.
    await removeInstance(instancePaths(restore.id));
    await db().restore.update({ where: { id: restore.id }, data: { instanceState: "removed" } });
  }, 300_000);

  it("verifies in full with the key Walden holds", async () => {
    const held = await putLocal(admin, { enabled: true, recipient, identity });
    expect(held.status, held.text).toBe(200);
    expect(held.json.local.encryption.keyHeldByWalden).toBe(true);
    expect(held.text).not.toContain(identity);
    const cluster = await db().cluster.findUniqueOrThrow({ where: { id: clusterId } });
    expect(cluster.localEncryptionIdentityEncrypted).not.toContain(identity.slice(16));

    expect(await verifyBackup(physicalId, "test-worker")).toBe(true);
    const physical = await db().backup.findUniqueOrThrow({ where: { id: physicalId } });
    expect(physical.verifyScope).toBe("full");
    expect(physical.verifyLog).toMatch(/decrypted \d+ files/);
    expect(physical.verifyLog).toMatch(/archive holds/);

    expect(await verifyBackup(logicalId, "test-worker")).toBe(true);
    const logical = await db().backup.findUniqueOrThrow({ where: { id: logicalId } });
    expect(logical.verifyScope).toBe("full");
    expect(logical.verifyLog).toMatch(/pg_restore --list reads the dump/);
    // No plaintext left behind in the repository by the verifications.
    const clusterDir = path.dirname(physical.path!);
    expect((await fs.readdir(clusterDir)).filter((name) => name.startsWith(".verify-"))).toEqual([]);
  }, 300_000);

  it("copies offsite the ciphertext as stored, described as encrypted to the backup's recipient", async () => {
    const s3Dir = path.join(keyDir, "s3");
    // h1's own port (WALDEN_TEST_PG_PORT + 90): no other test file uses it.
    const s3 = await startS3Server({ port: 19390, directory: s3Dir, buckets: ["at-rest"] });
    try {
      const row = toOffsiteRow(s3.settings("at-rest", "walden"));
      await db().offsiteRepository.upsert({
        where: { clusterId },
        create: { clusterId, ...row },
        update: row,
      });
      const result = await copyBackupOffsite(physicalId, "test-worker", { retry: { attempts: 1 } });
      expect(result.ok).toBe(true);
      const backup = await db().backup.findUniqueOrThrow({
        where: { id: physicalId },
        include: { cluster: true },
      });
      const repository = new S3Repository(s3.settings("at-rest", "walden"));
      try {
        const prefix = `${offsiteBackupPrefix(backup.cluster.name, backup.id)}/`;
        const keys = (await repository.list(prefix)).map((object) => object.key.slice(prefix.length)).sort();
        const stored = parseChecksums(await fs.readFile(path.join(backup.path!, CIPHERTEXT_SUMS), "utf8"));
        expect(keys).toEqual(
          [...stored.map((entry) => entry.file), CIPHERTEXT_SUMS, "SHA256SUMS", "walden.json"].sort(),
        );
        // Byte for byte the local ciphertext: the object's SHA-256 is the stored file's.
        const base = stored.find((entry) => entry.file.startsWith("base.tar"))!;
        const fetched = path.join(keyDir, "fetched.age");
        await repository.getFile(`${prefix}${base.file}`, fetched);
        expect(await sha256File(fetched)).toBe(base.sha256);
        expect(await startsAsAgeFile(fetched)).toBe(true);
        const descriptor = parseBackupDescriptor(
          (await repository.getBytes(`${prefix}walden.json`))!.toString("utf8"),
        );
        expect(descriptor.ok && descriptor.descriptor.encryption).toEqual({
          method: "age",
          recipientFingerprint: keyFingerprint(recipient),
        });
      } finally {
        repository.close();
      }
    } finally {
      await db().offsiteRepository.deleteMany({ where: { clusterId } });
      await s3.stop();
    }
  }, 120_000);

  it("the break-glass runbook decrypts the backup with age and the key first, then reads it as plain", async () => {
    const dataDir = path.join(keyDir, "runbook-data");
    const runbook = await getBackupRunbookOrThrow(physicalId, { dataDir, target: { type: "latest" } });
    const [first, ...rest] = runbook.sections;
    expect(first!.title).toMatch(/Decrypt the backup/);
    // The later steps read the decrypted folder, by the plaintext names.
    const later = rest.flatMap((section) => section.commands).join("\n");
    expect(later).toContain(`${dataDir}.decrypted`);
    expect(later).toMatch(/base\.tar/);
    expect(later).not.toMatch(/base\.tar[^ '"]*\.age/);
    // Run the decrypt step as a person would, with only the key file and Debian's age.
    execFileSync("bash", ["-euo", "pipefail", "-c", first!.commands.join("\n")], {
      env: { ...process.env, AGE_KEY_FILE: keyFile },
      stdio: "pipe",
    });
    const out = execFileSync("bash", ["-c", `cd '${dataDir}.decrypted' && sha256sum -c SHA256SUMS`], {
      encoding: "utf8",
    });
    expect(out).toMatch(/base\.tar[^:]*: OK/);
    expect(out).not.toMatch(/FAILED/);
  }, 120_000);
});
