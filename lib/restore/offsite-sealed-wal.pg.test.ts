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

// Issue 14: an offsite repository that encrypts (key R), a plain backup, and the local WAL archive
// sealed at rest after it (key L, held by Walden): the shipped segments are L's age bytes, not
// R's. With the local copy and archive deleted, Walden's offsite PITR given only R's identity
// opens the WAL with the key it holds; the runbook's script, with one key file holding both,
// decrypts the copy with R and each segment with L, by what each object's headers say.

const execFileAsync = promisify(execFile);
const run = Date.now().toString(36);
const S3_PORT = 25881;
const PORTS = 27050; // the runbook instance's port, 27050-27059
const BUCKET = "sealedwal";
const sandbox = inject("sandbox");
let s3: S3TestServer;
let root: string;
let workDir: string;
let fixture: OffsiteCluster;
let dataDir: string;
let repositoryKey: AgeKeyPair;
let walKey: AgeKeyPair;

async function ageKeygen(file: string): Promise<AgeKeyPair> {
  await execFileAsync("age-keygen", ["-o", file]);
  const identity = (await fs.readFile(file, "utf8")).split("\n").find((line) => line.startsWith("AGE-"))!;
  const { stdout } = await execFileAsync("age-keygen", ["-y", file]);
  return { identity, recipient: stdout.trim() };
}

beforeAll(async () => {
  root = path.join(inject("waldenHome"), "offsite-sealed-wal", run);
  await fs.mkdir(path.join(root, "s3"), { recursive: true });
  s3 = await startS3Server({ port: S3_PORT, directory: path.join(root, "s3"), buckets: [BUCKET] });
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "h1-sealed-"));
  await fs.chmod(workDir, 0o755);
  if (runningAsRoot) {
    const { uid, gid } = await fs.stat(sandbox.cluster.archiveDir);
    await fs.chown(workDir, uid, gid);
  }
  repositoryKey = await ageKeygen(path.join(workDir, "repository.key"));
  walKey = await ageKeygen(path.join(workDir, "wal.key"));
  fixture = await offsiteCluster({
    root,
    run,
    s3,
    bucket: BUCKET,
    label: "sealedwal",
    key: repositoryKey,
    sealWal: { key: walKey, held: true },
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

describe("an encrypting offsite repository whose WAL was sealed at rest to another key", () => {
  it("holds the segments as sealed to the local key, the backup as encrypted by the repository", async () => {
    const repository = new S3Repository((await getOffsiteSettings(fixture.clusterId))!);
    try {
      const cluster = await db().cluster.findUniqueOrThrow({ where: { id: fixture.clusterId } });
      const backup = await db().backup.findUniqueOrThrow({ where: { id: fixture.backupId } });
      expect(await repository.head(`${cluster.name}/wal/${backup.startWal}`)).toMatchObject({
        encryption: "age",
        ageRecipient: walKey.recipient,
      });
      expect(await repository.head(`${cluster.name}/${fixture.backupId}/SHA256SUMS`)).toMatchObject({
        encryption: "age",
        ageRecipient: repositoryKey.recipient,
      });
    } finally {
      repository.close();
    }
  });

  it("Walden's offsite PITR, given the repository's key only, opens the WAL with the key it holds", async () => {
    const restore = await runPitrRestore(
      fixture.clusterId,
      { type: "time", value: fixture.afterUpdate },
      { backupId: fixture.backupId, identity: sealIdentity(repositoryKey.identity) },
    );
    const steps = restore.steps as { name: string; log: string[] }[];
    const log = (name: string) => steps.find((step) => step.name === name)?.log.join("\n") ?? "";
    expect(log("configure")).toMatch(/fetched \d+ of \d+ offsite WAL files/);
    expect(await md5At(restore.port!)).toBe(fixture.md5Updated);
  }, 300_000);

  it("the runbook's script decrypts the copy with the repository's key and each segment with the local one", async () => {
    dataDir = path.join(workDir, "restored");
    const port = PORTS + Math.floor(Math.random() * 10);
    const runbook = await getBackupRunbookOrThrow(fixture.backupId, {
      target: { type: "time", value: fixture.afterUpdate, inclusive: true },
      dataDir,
      port,
      binDir: sandbox.binaries.binDir,
    });
    expect(runbook.source).toBe("offsite");
    const explanation = runbook.sections[0]!.explanation;
    expect(explanation).toContain(`the copy, by this repository, to`);
    expect(explanation).toContain(walKey.recipient);
    const file = path.join(workDir, "both keys.txt");
    await fs.writeFile(file, identityFileText(repositoryKey) + identityFileText(walKey), { mode: 0o600 });
    if (runningAsRoot) {
      const { uid, gid } = await fs.stat(workDir);
      await fs.chown(file, uid, gid);
    }
    const result = await runAsPostgresShell(runbookScript(runbook), {
      cwd: workDir,
      home: workDir,
      env: {
        AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
        AGE_KEY_FILE: file,
      },
    });
    const log = await fs.readFile(runbook.restore.logFile, "utf8").catch(() => "(no log)");
    expect(result.code, `${result.stderr}\n--- stdout ---\n${result.stdout}\n--- log ---\n${log}`).toBe(0);
    expect(result.stdout).toMatch(/WAL checked: \d+ files/);
    expect(result.stdout).toMatch(/recovery stopping before commit of transaction \d+/);
    expect(await md5At(port)).toBe(fixture.md5Updated);
  }, 300_000);
});
