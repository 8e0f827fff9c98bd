import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as localRoute from "@/app/api/v1/clusters/[id]/repositories/local/route";
import * as restoresRoute from "@/app/api/v1/restores/route";
import { startsAsAgeFile } from "@/lib/backup/at-rest";
import { sha256File } from "@/lib/backup/checksum";
import { copyBackupOffsite } from "@/lib/backup/offsite-copy";
import { verifyBackup } from "@/lib/backup/verify";
import { db } from "@/lib/db";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { offsiteWalPrefix, toOffsiteRow } from "@/lib/offsite/stored-settings";
import { sealIdentity } from "@/lib/restore/identity";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { servePlanRequests, stopServingPlanRequests } from "@/lib/restore/plan-requests.pg-helper";
import { findTableEvents } from "@/lib/restore/events/find-events";
import { getBackupRunbookOrThrow } from "@/lib/restore/runbook-load";
import { tableEventsQuerySchema } from "@/lib/schemas/restore";
import { shipWalOffsite } from "@/lib/wal/offsite-ship";
import { getRestoreWindow } from "@/lib/wal/restore-window";
import { readSealedFacts } from "@/lib/wal/sealed-names";
import { sealArchive, sealClusterArchive } from "@/lib/wal/sealed-wal";
import { probeCommit, switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { runPitrRestore } from "@/test/pitr-restore";
import { startS3Server } from "@/test/s3-server";
import {
  registerSandboxCluster,
  sandboxPrimary,
  takePhysicalBackup,
  withSandboxPrimary,
} from "@/test/sandbox-cluster";

// The local WAL archive encrypted at rest (issue 14), on the sandbox: a plain backup taken
// before encryption was turned on, the WAL before its stop plain and the WAL after it sealed (a
// mixed archive, as a cluster that turns encryption on has). Sealed segments are age files
// Debian's age opens with only the key; the window is computed from them without the key; a
// restore without a key is refused naming identity; a PITR to a time inside the sealed WAL is
// md5-identical to the source at that time, and leaves no key and no decrypted WAL behind.
//
// The test's archive is its own folder (a copy of the sandbox's WAL from the backup on), so that
// sealing never touches the archive other test files read.

const sandbox = inject("sandbox");
const run = Date.now().toString(36);
const table = `sealed_wal_${run}`;
const md5Sql = `select md5(coalesce(string_agg(t::text, ',' order by id), '')) as md5 from ${table} t`;
let clusterId: string;
let admin: TestUser;
let operator: TestUser;
let dir: string;
let archive: string;
let keyFile: string;
let identity: string;
let recipient: string;
let backupId: string;
let stopWal: string;
let targetTime: string;
let targetMd5: string;
let sealedNames: string[];
const restores: string[] = [];

const positionOf = (name: string) => name.slice(8);
const SEGMENT = /^[0-9A-F]{24}$/;

beforeAll(async () => {
  admin = await makeUser("admin");
  operator = await makeUser("operator");
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-sealed-wal-"));
  archive = path.join(dir, "archive");
  await fs.mkdir(archive, { mode: 0o700 });
  keyFile = path.join(dir, "key.txt");
  execFileSync("age-keygen", ["-o", keyFile], { stdio: "ignore" });
  identity = readFileSync(keyFile, "utf8")
    .split("\n")
    .find((line) => line.startsWith("AGE-SECRET-KEY-1"))!;
  recipient = execFileSync("age-keygen", ["-y", keyFile], { encoding: "utf8" }).trim();

  // The backup waits for its WAL in the sandbox's archive; the cluster reads its own copy after.
  clusterId = await registerSandboxCluster(`sealed-wal-${run}`);
  await withSandboxPrimary(async (client) => {
    await client.query(`create table ${table} (id int primary key, amount int not null)`);
    await client.query(`insert into ${table} select g, g * 3 from generate_series(1, 500) g`);
  });
  backupId = await takePhysicalBackup(clusterId);
  const backup = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
  stopWal = backup.stopWal!;
  await withSandboxPrimary(async (client) => {
    await client.query(`update ${table} set amount = amount + 1 where id <= 250`);
    await switchWal(client);
    await client.query(`insert into ${table} select g, g from generate_series(501, 800) g`);
    const probe = await probeCommit(client);
    targetTime = probe.after.toISOString();
    targetMd5 = (await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await client.query(`delete from ${table} where id > 100`);
    await client.query("create temporary table sealed_tick (x int); drop table sealed_tick");
    await waitForArchived(sandbox.cluster.archiveDir, await switchWal(client));
  });

  // The copy: WAL up to the backup's stop plain; the later WAL sealed (as after encryption was
  // turned on), by sealArchive in a folder of its own and moved in.
  const incoming = path.join(dir, "incoming");
  await fs.mkdir(incoming, { mode: 0o700 });
  for (const name of (await fs.readdir(sandbox.cluster.archiveDir)).sort()) {
    if (name.endsWith(".history")) {
      await fs.copyFile(path.join(sandbox.cluster.archiveDir, name), path.join(archive, name));
      continue;
    }
    if (!SEGMENT.test(name) || positionOf(name) < positionOf(backup.startWal!)) continue;
    const into = positionOf(name) <= positionOf(stopWal) ? archive : incoming;
    await fs.copyFile(path.join(sandbox.cluster.archiveDir, name), path.join(into, name));
  }
  await db().cluster.update({ where: { id: clusterId }, data: { archivePath: archive } });
  await servePlanRequests();
}, 300_000);

afterAll(async () => {
  await stopServingPlanRequests();
  for (const id of restores) {
    await removeInstance(instancePaths(id)).catch(() => {});
    await db()
      .restore.update({ where: { id }, data: { instanceState: "removed" } })
      .catch(() => {});
  }
  await withSandboxPrimary((client) => client.query(`drop table if exists ${table}`)).catch(() => {});
  await fs.rm(dir, { recursive: true, force: true });
});

describe("the WAL archive sealed at rest", () => {
  it("is left plain while the cluster's local encryption is off", async () => {
    const before = (await fs.readdir(archive)).sort();
    expect((await sealClusterArchive(clusterId, () => {})).sealed).toEqual([]);
    expect((await fs.readdir(archive)).sort()).toEqual(before);
  });

  it("seals each complete segment to <segment>.age, private, with its facts, and removes the plaintext", async () => {
    const saved = await call(localRoute.PUT, "PUT", `/api/v1/clusters/${clusterId}/repositories/local`, {
      token: admin.token,
      params: { id: clusterId },
      body: { encryption: { enabled: true, recipient } },
    });
    expect(saved.status, saved.text).toBe(200);
    const plainInIncoming = (await fs.readdir(path.join(dir, "incoming"))).sort();
    expect(plainInIncoming.length).toBeGreaterThan(1);
    const result = await sealArchive(path.join(dir, "incoming"), recipient);
    expect(result.problems).toEqual([]);
    expect(result.sealed).toEqual(plainInIncoming);
    sealedNames = result.sealed;
    const left = (await fs.readdir(path.join(dir, "incoming"))).sort();
    expect(left).toEqual(sealedNames.flatMap((name) => [`${name}.age`, `${name}.age.json`]).sort());
    for (const file of left) {
      expect((await fs.stat(path.join(dir, "incoming", file))).mode & 0o077, file).toBe(0);
      await fs.rename(path.join(dir, "incoming", file), path.join(archive, file));
    }
    for (const name of sealedNames) {
      expect(await startsAsAgeFile(path.join(archive, `${name}.age`))).toBe(true);
      const facts = await readSealedFacts(archive, name);
      expect(facts.recipient).toBe(recipient);
      expect(facts.bytes).toBe(16 * 1024 * 1024);
    }
    // Sealing again finds nothing plain after the stop segment's.
    expect(
      (await fs.readdir(archive)).filter(
        (name) => SEGMENT.test(name) && positionOf(name) > positionOf(stopWal),
      ),
    ).toEqual([]);
  });

  it("Debian's age opens a sealed segment with only the key, to the plaintext its facts name", async () => {
    const name = sealedNames.at(-1)!;
    const out = path.join(dir, "opened");
    execFileSync("age", ["--decrypt", "-i", keyFile, "-o", out, path.join(archive, `${name}.age`)]);
    expect(await sha256File(out)).toBe((await readSealedFacts(archive, name)).sha256);
    await fs.rm(out);
  });

  it("computes the restore window over the mixed archive without the key", async () => {
    const window = await getRestoreWindow(clusterId);
    expect(window.gaps).toEqual([]);
    expect(window.archive?.lastWal).toBe(sealedNames.at(-1));
    expect(Date.parse(window.latest!)).toBeGreaterThan(Date.parse(targetTime));
  });

  it("refuses a restore without a key, naming identity and the WAL archive", async () => {
    const refused = await call(restoresRoute.POST, "POST", "/api/v1/restores", {
      token: operator.token,
      body: {
        clusterId,
        kind: "pitr",
        target: { type: "time", value: targetTime },
        backupId,
        source: "local",
      },
    });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.json.error.details.issues[0].path).toBe("identity");
    expect(refused.json.error.message).toMatch(/WAL archive is encrypted at rest/);
  }, 120_000);

  it("restores (PITR) to a time inside the sealed WAL: md5-identical, no key or decrypted WAL left behind", async () => {
    const restore = await runPitrRestore(
      clusterId,
      { type: "time", value: targetTime },
      { backupId, source: "local", identity: sealIdentity(identity) },
    );
    restores.push(restore.id);
    const steps = restore.steps as { name: string; log: string[] }[];
    const configure = steps.find((step) => step.name === "configure")!.log.join("\n");
    expect(configure).toMatch(/segment\(s\) decrypted/);
    expect(configure).toMatch(/restore_command = cp .*archive-wal/);
    const root = instancePaths(restore.id).root;
    await expect(fs.stat(path.join(root, "archive-wal"))).rejects.toThrow();
    const files = (await fs.readdir(root, { recursive: true, withFileTypes: true })).filter((e) =>
      e.isFile(),
    );
    for (const file of files) {
      const full = path.join(file.parentPath, file.name);
      if ((await fs.stat(full)).size > 1024 * 1024) continue;
      expect(readFileSync(full, "latin1"), full).not.toContain("AGE-SECRET-KEY-1");
    }
    const client = new pg.Client({ ...sandboxPrimary(), port: restore.port! });
    await client.connect();
    try {
      expect((await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5).toBe(targetMd5);
    } finally {
      await client.end();
    }
  }, 300_000);

  it("ships sealed segments offsite as stored, described as age-encrypted to the local key with the plaintext's checksum", async () => {
    // The last port of h2's restore range: no other test file uses it.
    const s3 = await startS3Server({ port: 26979, directory: path.join(dir, "s3"), buckets: ["sealed"] });
    const settings = s3.settings("sealed", "walden");
    const repository = new S3Repository(settings);
    try {
      const row = toOffsiteRow(settings);
      await db().offsiteRepository.create({ data: { clusterId, ...row } });
      const shipped = await shipWalOffsite(clusterId, { retry: { attempts: 1 } });
      expect(shipped.segments).toEqual(expect.arrayContaining(sealedNames));
      const prefix = `${offsiteWalPrefix(`sealed-wal-${run}`)}/`;
      for (const name of [sealedNames[0]!, sealedNames.at(-1)!]) {
        const facts = await readSealedFacts(archive, name);
        const head = (await repository.head(`${prefix}${name}`))!;
        expect(head).toMatchObject({
          encryption: "age",
          ageRecipient: recipient,
          plaintextSha256: facts.sha256,
          sha256: await sha256File(path.join(archive, `${name}.age`)),
        });
        expect(head.walCommits).toEqual(facts.commits);
        // Once encrypted, not twice: the key opens it in one pass to the plaintext.
        const out = path.join(dir, `offsite-${name}`);
        await repository.getFile(`${prefix}${name}`, out, { identity });
        expect(await sha256File(out)).toBe(facts.sha256);
        await fs.rm(out);
      }
    } finally {
      repository.close();
      await db().offsiteWalPosition.deleteMany({ where: { clusterId } });
      await db().offsiteRepository.deleteMany({ where: { clusterId } });
      await s3.stop();
    }
  }, 120_000);

  it("the break-glass runbook decrypts the WAL with age and only the key, and restore_command reads that folder", async () => {
    const dataDir = path.join(dir, "runbook-data");
    const runbook = await getBackupRunbookOrThrow(backupId, {
      dataDir,
      target: { type: "time", value: targetTime, inclusive: true },
    });
    const section = runbook.sections.find((candidate) => candidate.titleKey === "decryptWal")!;
    expect(section.title).toMatch(/Decrypt the WAL archive/);
    expect(runbook.restore.archivePath).toBe(`${dataDir}.wal`);
    const settings = runbook.sections.find((candidate) => candidate.titleKey === "recoverySettings")!;
    expect(settings.commands.join("\n")).toContain(`restore_command = 'cp ''${dataDir}.wal''/`);
    execFileSync("bash", ["-euo", "pipefail", "-c", section.commands.join("\n")], {
      env: { ...process.env, AGE_KEY_FILE: keyFile },
      stdio: "pipe",
    });
    const staged = (await fs.readdir(`${dataDir}.wal`)).sort();
    expect(staged).toEqual(expect.arrayContaining([stopWal, ...sealedNames]));
    expect(staged.filter((name) => name.endsWith(".age"))).toEqual([]);
    for (const name of sealedNames)
      expect(await sha256File(path.join(`${dataDir}.wal`, name))).toBe(
        (await readSealedFacts(archive, name)).sha256,
      );
    // A damaged facts file stops the step, naming the segment.
    const last = sealedNames.at(-1)!;
    const factsFile = path.join(archive, `${last}.age.json`);
    const facts = await fs.readFile(factsFile, "utf8");
    await fs.writeFile(factsFile, facts.replace(/"sha256":"[0-9a-f]{8}/, '"sha256":"00000000'));
    await fs.rm(`${dataDir}.wal`, { recursive: true });
    expect(() =>
      execFileSync("bash", ["-euo", "pipefail", "-c", section.commands.join("\n")], {
        env: { ...process.env, AGE_KEY_FILE: keyFile },
        stdio: "pipe",
      }),
    ).toThrow(new RegExp(`${last} decrypted to other bytes`));
    await fs.writeFile(factsFile, facts);
  }, 120_000);

  it("finds the DELETE in sealed WAL with the key Walden holds, and names the segments it cannot open without it", async () => {
    const query = tableEventsQuerySchema.parse({
      table,
      from: targetTime,
      to: new Date(Date.now() + 60_000).toISOString(),
      minDeletedRows: 100,
    });
    const withoutKey = await findTableEvents(clusterId, query);
    expect(withoutKey.events).toEqual([]);
    expect(withoutKey.problems.join("\n")).toMatch(
      /could not read [0-9A-F]{24}: identity: the WAL archive is encrypted at rest/,
    );

    const held = await call(localRoute.PUT, "PUT", `/api/v1/clusters/${clusterId}/repositories/local`, {
      token: admin.token,
      params: { id: clusterId },
      body: { encryption: { enabled: true, recipient, identity } },
    });
    expect(held.status, held.text).toBe(200);
    const found = await findTableEvents(clusterId, query);
    expect(found.events).toEqual([expect.objectContaining({ kind: "delete", deletedRows: 700 })]);
    expect(found.problems.join("\n")).not.toMatch(/could not read/);
  }, 120_000);

  it("drills and verifies with the key Walden holds: the drill replays the sealed WAL, the verification finds it archived", async () => {
    // The key is held since the test before.
    const drill = await runPitrRestore(clusterId, { type: "latest" }, { backupId, source: "local" }, "drill");
    restores.push(drill.id);
    const steps = drill.steps as { name: string; log: string[] }[];
    expect(steps.find((step) => step.name === "configure")!.log.join("\n")).toMatch(/segment\(s\) decrypted/);
    expect(await verifyBackup(backupId, "test-worker")).toBe(true);
    const verified = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
    expect(verified.verifyLog).toMatch(/archive holds/);
  }, 300_000);

  it("restores from the offsite copy across sealed WAL shipped as is, opened with the key Walden holds: md5-identical", async () => {
    const s3 = await startS3Server({
      port: 26979,
      directory: path.join(dir, "s3-restore"),
      buckets: ["sealed"],
    });
    const settings = s3.settings("sealed", "restore");
    try {
      const row = toOffsiteRow(settings);
      await db().offsiteRepository.create({ data: { clusterId, ...row } });
      expect((await copyBackupOffsite(backupId, "test-worker", { retry: { attempts: 1 } })).ok).toBe(true);
      const shipped = await shipWalOffsite(clusterId, { retry: { attempts: 1 } });
      expect(shipped.segments).toEqual(expect.arrayContaining(sealedNames));
      const restore = await runPitrRestore(
        clusterId,
        { type: "time", value: targetTime },
        { backupId, source: "offsite" },
      );
      restores.push(restore.id);
      const client = new pg.Client({ ...sandboxPrimary(), port: restore.port! });
      await client.connect();
      try {
        expect((await client.query<{ md5: string }>(md5Sql)).rows[0]!.md5).toBe(targetMd5);
      } finally {
        await client.end();
      }
    } finally {
      await db().offsiteWalPosition.deleteMany({ where: { clusterId } });
      await db()
        .backupCopy.deleteMany({ where: { backupId } })
        .catch(() => {});
      await db().offsiteRepository.deleteMany({ where: { clusterId } });
      await s3.stop();
    }
  }, 300_000);
});
