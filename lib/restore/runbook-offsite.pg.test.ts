import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as runbookRoute from "@/app/api/v1/backups/[id]/runbook/route";
import { db } from "@/lib/db";
import { loseLocalCopy, offsiteCluster, type OffsiteCluster } from "@/lib/restore/offsite-fixture.pg-helper";
import { getBackupRunbookOrThrow } from "@/lib/restore/runbook-load";
import { runbookScript } from "@/lib/restore/runbook-script";
import { call, makeUser } from "@/test/api-client";
import { runAsPostgresShell, runningAsRoot } from "@/test/runbook-script";
import { getOffsiteSettings } from "@/lib/offsite/stored-settings";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { shipWalOffsite } from "@/lib/wal/offsite-ship";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { sandboxPrimary, withSandboxPrimary } from "@/test/sandbox-cluster";
import { S3_TEST_CREDENTIALS, startS3Server, type S3TestServer } from "@/test/s3-server";

// The break-glass runbook from the offsite copy alone (issue 14): a physical backup copied to a
// real S3 server, age-encrypted to a key made by age-keygen, its WAL shipped; then the local
// backup folder and archive deleted. The runbook's script, run with bash as the postgres OS user,
// downloads with curl --aws-sigv4, decrypts with the age CLI, checks with sha256sum and restores
// to just before a damaging DELETE: the rows must be md5-identical to the ones before it.

const execFileAsync = promisify(execFile);
const run = Date.now().toString(36);
const S3_PORT = 28600 + Math.floor(Math.random() * 20);
const BUCKET = "breakglass";
const sandbox = inject("sandbox");
let s3: S3TestServer;
let root: string;
let workDir: string;
let keyFile: string;
let fixture: OffsiteCluster;
let dataDir: string;

beforeAll(async () => {
  root = path.join(inject("waldenHome"), "runbook-offsite", run);
  await fs.mkdir(path.join(root, "s3"), { recursive: true });
  s3 = await startS3Server({ port: S3_PORT, directory: path.join(root, "s3"), buckets: [BUCKET] });
  // The reader's side: a folder of the postgres OS user with the escrowed age key in it.
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-breakglass-"));
  await fs.chmod(workDir, 0o755);
  keyFile = path.join(workDir, "escrow key.txt");
  await execFileAsync("age-keygen", ["-o", keyFile]);
  const identity = (await fs.readFile(keyFile, "utf8")).split("\n").find((line) => line.startsWith("AGE-"))!;
  const { stdout: recipient } = await execFileAsync("age-keygen", ["-y", keyFile]);
  if (runningAsRoot) {
    const { uid, gid } = await fs.stat(sandbox.cluster.archiveDir);
    await fs.chown(workDir, uid, gid);
    await fs.chown(keyFile, uid, gid);
  }
  fixture = await offsiteCluster({
    root,
    run,
    s3,
    bucket: BUCKET,
    label: "breakglass",
    key: { identity, recipient: recipient.trim() },
  });
  // WAL after the target, shipped too: the runbook must not download it (only up to the target's segment).
  await withSandboxPrimary(async (client) => {
    for (let i = 0; i < 2; i++) {
      await client.query("create temporary table runbook_tick (x int); drop table runbook_tick");
      await waitForArchived(sandbox.cluster.archiveDir, await switchWal(client));
    }
  });
  await shipWalOffsite(fixture.clusterId);
}, 240_000);

afterAll(async () => {
  if (dataDir && existsSync(path.join(dataDir, "postmaster.pid"))) {
    const stop = [path.join(sandbox.binaries.binDir, "pg_ctl"), "-D", dataDir, "stop", "-m", "fast"];
    const [program, ...args] = runningAsRoot ? ["runuser", "-u", "postgres", "--", ...stop] : stop;
    await new Promise((resolve) => spawn(program!, args, { stdio: "ignore" }).on("close", resolve));
  }
  if (fixture) await db().cluster.delete({ where: { id: fixture.clusterId } });
  await s3?.stop();
  if (root) await fs.rm(root, { recursive: true, force: true });
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

describe("the break-glass runbook from the offsite copy", () => {
  it("downloads, decrypts with age, checks and restores with curl and standard tools only", async () => {
    await loseLocalCopy(fixture);
    dataDir = path.join(workDir, "restored");
    const port = 26970 + Math.floor(Math.random() * 20);
    const runbook = await getBackupRunbookOrThrow(fixture.backupId, {
      // Between the UPDATE and the DELETE: the DELETE's segment is the last one replay needs.
      target: { type: "time", value: fixture.afterUpdate, inclusive: true },
      dataDir,
      port,
      binDir: sandbox.binaries.binDir,
    });
    // The local copy is gone: the runbook says so by choosing the offsite copy on its own.
    expect(runbook.source).toBe("offsite");
    expect(runbook.sections[0]!.title).toBe("From the offsite copy");
    // The API prints the same on ?source=offsite (a viewer may read it) and names a bad source.
    const viewer = await makeUser("viewer");
    const url = `/api/v1/backups/${fixture.backupId}/runbook`;
    const params = { id: fixture.backupId };
    const asked = await call(runbookRoute.GET, "GET", `${url}?source=offsite`, {
      token: viewer.token,
      params,
    });
    expect(asked.status).toBe(200);
    expect(asked.json.source).toBe("offsite");
    const bad = await call(runbookRoute.GET, "GET", `${url}?source=tape`, { token: viewer.token, params });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details.issues).toEqual([expect.objectContaining({ path: "source" })]);
    expect(runbook.backup.baseFile).toMatch(/^base\.tar/);
    const script = runbookScript(runbook);
    // The stored secret is never printed; the reader's environment supplies it.
    expect(script).not.toContain(S3_TEST_CREDENTIALS.secretAccessKey + ":");
    expect(script).toContain("--aws-sigv4 'aws:amz:");

    const credentials = {
      AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
      AGE_KEY_FILE: keyFile,
    };
    const runScript = (env: Record<string, string>) =>
      runAsPostgresShell(script, { cwd: workDir, home: workDir, env });

    // A wrong secret: the storage refuses curl's signature and nothing is restored.
    const refused = await runScript({ ...credentials, AWS_SECRET_ACCESS_KEY: "not-the-secret" });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/could not download .*SHA256SUMS/);
    expect(existsSync(dataDir)).toBe(false);

    // Another age key: the copy cannot be read without the escrowed one, and nothing starts.
    const otherKey = path.join(workDir, "other key.txt");
    await execFileAsync("age-keygen", ["-o", otherKey]);
    if (runningAsRoot) {
      const { uid, gid } = await fs.stat(workDir);
      await fs.chown(otherKey, uid, gid);
    }
    const wrongKey = await runScript({ ...credentials, AGE_KEY_FILE: otherKey });
    expect(wrongKey.code).not.toBe(0);
    expect(wrongKey.stderr).toMatch(/no identity matched/);
    expect(existsSync(dataDir)).toBe(false);

    // An object changed in the storage (a WAL segment; the backup's base tar): its ciphertext no
    // longer has the SHA-256 kept with it or in the copy's SHA256SUMS.ciphertext, which the
    // script checks before age decrypts it; nothing starts.
    const startWal = (await db().backup.findUniqueOrThrow({ where: { id: fixture.backupId } })).startWal!;
    const walCluster = (await db().cluster.findUniqueOrThrow({ where: { id: fixture.clusterId } })).name;
    for (const [objectKey, name] of [
      [`${walCluster}/wal/${startWal}`, startWal],
      [`${walCluster}/${fixture.backupId}/${runbook.backup.baseFile}`, runbook.backup.baseFile],
    ]) {
      const stored = path.join(root, "s3", BUCKET, `walden-breakglass/${objectKey}._S3rver_object`);
      const original = await fs.readFile(stored);
      const damaged = Buffer.from(original);
      damaged.writeUInt8(damaged.readUInt8(1000) ^ 0x5a, 1000);
      await fs.writeFile(stored, damaged);
      try {
        const tampered = await runScript(credentials);
        expect(tampered.code).not.toBe(0);
        expect(tampered.stderr).toContain(
          `${name}.age does not match the SHA-256 of its ciphertext kept for it: the object is damaged or was replaced`,
        );
        expect(existsSync(dataDir)).toBe(false);
      } finally {
        await fs.writeFile(stored, original);
      }
    }

    const result = await runScript(credentials);
    const log = await fs.readFile(runbook.restore.logFile, "utf8").catch(() => "(no log)");
    expect(result.code, `${result.stderr}\n--- stdout ---\n${result.stdout}\n--- log ---\n${log}`).toBe(0);
    // Only the segments from the backup's start to the target's (found from the commit times
    // stored with each encrypted object): not the two shipped after it.
    const listing = new S3Repository((await getOffsiteSettings(fixture.clusterId))!);
    const clusterName = (await db().cluster.findUniqueOrThrow({ where: { id: fixture.clusterId } })).name;
    const offsiteSegments = (await listing.list(`${clusterName}/wal/`).finally(() => listing.close()))
      .map((object) => object.key.split("/").at(-1)!)
      .filter((name) => /^[0-9A-F]{24}$/.test(name));
    const downloaded = (await fs.readdir(path.join(runbook.downloadDir!, "wal"))).filter((name) =>
      /^[0-9A-F]{24}$/.test(name),
    );
    const backupRow = await db().backup.findUniqueOrThrow({ where: { id: fixture.backupId } });
    expect(downloaded[0]).toBe(backupRow.startWal);
    expect(downloaded.length).toBeGreaterThan(0);
    expect(downloaded.length).toBeLessThanOrEqual(offsiteSegments.length - 2);
    expect(offsiteSegments.slice(0, downloaded.length)).toEqual(downloaded.sort());
    expect(result.stdout).toContain(`WAL checked: ${downloaded.length} files`);
    expect(result.stdout).toMatch(/base\.tar[.a-z0-9]*: OK/);
    expect(result.stdout).toMatch(/backup successfully verified/);
    expect(result.stdout).toMatch(/recovery stopping before commit of transaction \d+/);
    // What was downloaded is plaintext: no age ciphertext left behind.
    const backupFiles = await fs.readdir(path.join(runbook.downloadDir!, "backup"));
    expect(backupFiles.filter((file) => file.endsWith(".age"))).toEqual([]);

    const client = new pg.Client({ ...sandboxPrimary(), port });
    await client.connect();
    try {
      const { rows } = await client.query<{ md5: string }>(fixture.md5Sql);
      expect(rows[0]!.md5).toBe(fixture.md5Updated);
    } finally {
      await client.end();
    }
  }, 300_000);
});
