import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "@/lib/db";
import { identityFileText, type AgeKeyPair } from "@/lib/offsite/age";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { getOffsiteSettings } from "@/lib/offsite/stored-settings";
import { sealIdentity } from "@/lib/restore/identity";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { loseLocalCopy, offsiteCluster, type OffsiteCluster } from "@/lib/restore/offsite-fixture.pg-helper";
import { getBackupRunbookOrThrow } from "@/lib/restore/runbook-load";
import { runbookScript } from "@/lib/restore/runbook-script";
import { runPitrRestore } from "@/test/pitr-restore";
import { runAsPostgresShell, runningAsRoot } from "@/test/runbook-script";
import { sandboxPrimary } from "@/test/sandbox-cluster";
import { S3_TEST_CREDENTIALS, startS3Server, type S3TestServer } from "@/test/s3-server";

// Issue 14, the mix the runbook got wrong: an offsite repository that does NOT encrypt, holding a
// backup encrypted at rest (copied as its <file>.age objects) and WAL sealed at rest (shipped as
// its age bytes, the object headers saying so). The runbook used to decide by the repository
// setting alone and so downloaded ciphertext it never decrypted. Now each object is decrypted
// when it is ciphertext: the script, run with bash as the postgres OS user (curl --aws-sigv4
// against s3rver, Debian's age), restores md5-identical rows with one key file holding both
// keys; missing the WAL's key it stops before anything starts. Walden's own offsite PITR of the
// same copy restores the same rows with that identity.

const execFileAsync = promisify(execFile);
const run = Date.now().toString(36);
const S3_PORT = 25880;
const PORTS = 27050; // the runbook instance's port, 27050-27059
const BUCKET = "mixed";
const sandbox = inject("sandbox");
let s3: S3TestServer;
let root: string;
let workDir: string;
let fixture: OffsiteCluster;
let dataDir: string;
let backupKey: AgeKeyPair;
let walKey: AgeKeyPair;

/** A key made by age-keygen, as an escrowed one is. */
async function ageKeygen(file: string): Promise<AgeKeyPair> {
  await execFileAsync("age-keygen", ["-o", file]);
  const identity = (await fs.readFile(file, "utf8")).split("\n").find((line) => line.startsWith("AGE-"))!;
  const { stdout } = await execFileAsync("age-keygen", ["-y", file]);
  return { identity, recipient: stdout.trim() };
}

/** A key file the postgres OS user reads, holding `pairs` (one AGE-SECRET-KEY-1 line each). */
async function keyFile(name: string, ...pairs: AgeKeyPair[]): Promise<string> {
  const file = path.join(workDir, name);
  await fs.writeFile(file, pairs.map((pair) => identityFileText(pair)).join(""), { mode: 0o600 });
  if (runningAsRoot) {
    const { uid, gid } = await fs.stat(workDir);
    await fs.chown(file, uid, gid);
  }
  return file;
}

beforeAll(async () => {
  root = path.join(inject("waldenHome"), "runbook-offsite-mixed", run);
  await fs.mkdir(path.join(root, "s3"), { recursive: true });
  s3 = await startS3Server({ port: S3_PORT, directory: path.join(root, "s3"), buckets: [BUCKET] });
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "h1-mixed-"));
  await fs.chmod(workDir, 0o755);
  if (runningAsRoot) {
    const { uid, gid } = await fs.stat(sandbox.cluster.archiveDir);
    await fs.chown(workDir, uid, gid);
  }
  backupKey = await ageKeygen(path.join(workDir, "backup.key"));
  walKey = await ageKeygen(path.join(workDir, "wal.key"));
  fixture = await offsiteCluster({
    root,
    run,
    s3,
    bucket: BUCKET,
    label: "mixed",
    atRest: { key: backupKey },
    sealWal: { key: walKey },
  });
  await loseLocalCopy(fixture);
}, 300_000);

afterAll(async () => {
  if (dataDir && existsSync(path.join(dataDir, "postmaster.pid"))) {
    const stop = [path.join(sandbox.binaries.binDir, "pg_ctl"), "-D", dataDir, "stop", "-m", "fast"];
    const [program, ...args] = runningAsRoot ? ["runuser", "-u", "postgres", "--", ...stop] : stop;
    await new Promise((resolve) => spawn(program!, args, { stdio: "ignore" }).on("close", resolve));
  }
  if (fixture) {
    const restores = await db().restore.findMany({ where: { clusterId: fixture.clusterId } });
    for (const { id } of restores) await removeInstance(instancePaths(id)).catch(() => {});
    await db().cluster.delete({ where: { id: fixture.clusterId } });
  }
  await s3?.stop();
  if (root) await fs.rm(root, { recursive: true, force: true });
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

async function md5At(port: number): Promise<string> {
  const client = new pg.Client({ ...sandboxPrimary(), port });
  await client.connect();
  try {
    return (await client.query<{ md5: string }>(fixture.md5Sql)).rows[0]!.md5;
  } finally {
    await client.end();
  }
}

describe("an unencrypted offsite repository holding a backup encrypted at rest and WAL sealed at rest", () => {
  it("holds ciphertext the repository did not make: <file>.age objects and segments whose headers say age", async () => {
    const settings = (await getOffsiteSettings(fixture.clusterId))!;
    expect(settings.encryption?.enabled ?? false).toBe(false);
    const repository = new S3Repository(settings);
    try {
      const cluster = await db().cluster.findUniqueOrThrow({ where: { id: fixture.clusterId } });
      const backup = await db().backup.findUniqueOrThrow({ where: { id: fixture.backupId } });
      const objects = (await repository.list(`${cluster.name}/${fixture.backupId}/`)).map((o) =>
        o.key.split("/").at(-1),
      );
      expect(objects).toEqual(expect.arrayContaining(["SHA256SUMS", "SHA256SUMS.ciphertext"]));
      expect(objects.some((name) => /^base\.tar.*\.age$/.test(name!))).toBe(true);
      const head = await repository.head(`${cluster.name}/wal/${backup.startWal}`);
      expect(head).toMatchObject({ encryption: "age", ageRecipient: walKey.recipient });
    } finally {
      repository.close();
    }
  });

  it("the runbook's script decrypts each object that is ciphertext and restores md5-identical rows", async () => {
    dataDir = path.join(workDir, "restored");
    const port = PORTS + Math.floor(Math.random() * 10);
    const runbook = await getBackupRunbookOrThrow(fixture.backupId, {
      target: { type: "time", value: fixture.afterUpdate, inclusive: true },
      dataDir,
      port,
      binDir: sandbox.binaries.binDir,
    });
    expect(runbook.source).toBe("offsite");
    // The file names as decrypted (not derived), and both keys named, read from the copy's facts.
    expect(runbook.backup.baseFile).toMatch(/^base\.tar(\.(lz4|zst|gz))?$/);
    const section = runbook.sections[0]!;
    expect(section.explanation).toContain(backupKey.recipient);
    expect(section.explanation).toContain(walKey.recipient);
    const script = runbookScript(runbook);
    const credentials = {
      AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
    };
    const runScript = (env: Record<string, string>) =>
      runAsPostgresShell(script, { cwd: workDir, home: workDir, env: { ...credentials, ...env } });

    // No key at all: refused up front (a key is known to be needed), nothing downloaded or started.
    const noKey = await runScript({});
    expect(noKey.code).not.toBe(0);
    expect(noKey.stderr).toMatch(/Set AGE_KEY_FILE/);
    expect(existsSync(dataDir)).toBe(false);

    // Only the backup's key: the backup decrypts, the first sealed segment does not; nothing starts.
    const backupOnly = await runScript({ AGE_KEY_FILE: await keyFile("backup only.txt", backupKey) });
    expect(backupOnly.code).not.toBe(0);
    expect(backupOnly.stderr).toMatch(/no identity matched/);
    expect(existsSync(dataDir)).toBe(false);
    await fs.rm(runbook.downloadDir!, { recursive: true, force: true });

    const result = await runScript({ AGE_KEY_FILE: await keyFile("both keys.txt", walKey, backupKey) });
    const log = await fs.readFile(runbook.restore.logFile, "utf8").catch(() => "(no log)");
    expect(result.code, `${result.stderr}\n--- stdout ---\n${result.stdout}\n--- log ---\n${log}`).toBe(0);
    expect(result.stdout).toMatch(/WAL checked: \d+ files/);
    expect(result.stdout).toMatch(/base\.tar[.a-z0-9]*: OK/);
    expect(result.stdout).toMatch(/recovery stopping before commit of transaction \d+/);
    // Plaintext only: no age file left, and the WAL is PostgreSQL's (not age's "age-encryption.org").
    const backupFiles = await fs.readdir(path.join(runbook.downloadDir!, "backup"));
    expect(backupFiles.filter((file) => file.endsWith(".age"))).toEqual([]);
    const walDir = path.join(runbook.downloadDir!, "wal");
    const segment = (await fs.readdir(walDir)).find((name) => /^[0-9A-F]{24}$/.test(name))!;
    const head = await fs
      .readFile(path.join(walDir, segment))
      .then((bytes) => bytes.subarray(0, 21).toString());
    expect(head).not.toBe("age-encryption.org/v1");
    expect(await md5At(port)).toBe(fixture.md5Updated);
  }, 300_000);

  it("Walden's own offsite PITR restores the same rows with one identity holding both keys", async () => {
    const restore = await runPitrRestore(
      fixture.clusterId,
      { type: "time", value: fixture.afterUpdate },
      {
        backupId: fixture.backupId,
        identity: sealIdentity(identityFileText(backupKey) + identityFileText(walKey)),
      },
    );
    const steps = restore.steps as { name: string; log: string[] }[];
    const log = (name: string) => steps.find((step) => step.name === name)?.log.join("\n") ?? "";
    expect(log("configure")).toMatch(/fetched \d+ of \d+ offsite WAL files/);
    expect(await md5At(restore.port!)).toBe(fixture.md5Updated);
  }, 300_000);
});
