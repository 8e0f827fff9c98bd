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
import { sealIdentity } from "@/lib/restore/identity";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { loseLocalCopy, offsiteCluster } from "@/lib/restore/offsite-fixture.pg-helper";
import { getBackupRunbookOrThrow } from "@/lib/restore/runbook-load";
import { runbookScript } from "@/lib/restore/runbook-script";
import { runPitrRestore } from "@/test/pitr-restore";
import { runAsPostgresShell, runningAsRoot } from "@/test/runbook-script";
import { sandboxPrimary } from "@/test/sandbox-cluster";
import { S3_TEST_CREDENTIALS, startS3Server, type S3TestServer } from "@/test/s3-server";

// Issue 14, every encryption mix of an offsite copy: the repository {plain, encrypting} × the
// backup at rest {plain, encrypted} × the local WAL archive {plain, sealed}, each its own cluster
// with the local copy and archive deleted. For each: the runbook's script (bash as the postgres
// OS user, curl --aws-sigv4 against s3rver, Debian's age, one key file holding every key the mix
// uses; none when it uses none) and Walden's own offsite PITR (one identity holding those keys)
// both restore md5-identical rows at a time between two damaging changes.

const execFileAsync = promisify(execFile);
const run = Date.now().toString(36);
const S3_PORT = 25882;
const PORTS = 27050; // the runbook instances' ports, 27050-27057
const BUCKET = "matrix";
const sandbox = inject("sandbox");
let s3: S3TestServer;
let root: string;
let workDir: string;
const keys: Record<"repository" | "backup" | "wal", AgeKeyPair> = {} as never;
const clusters: string[] = [];
const dataDirs: string[] = [];

async function ageKeygen(file: string): Promise<AgeKeyPair> {
  await execFileAsync("age-keygen", ["-o", file]);
  const identity = (await fs.readFile(file, "utf8")).split("\n").find((line) => line.startsWith("AGE-"))!;
  const { stdout } = await execFileAsync("age-keygen", ["-y", file]);
  return { identity, recipient: stdout.trim() };
}

async function stopInstance(dataDir: string): Promise<void> {
  if (!existsSync(path.join(dataDir, "postmaster.pid"))) return;
  const stop = [path.join(sandbox.binaries.binDir, "pg_ctl"), "-D", dataDir, "stop", "-m", "fast"];
  const [program, ...args] = runningAsRoot ? ["runuser", "-u", "postgres", "--", ...stop] : stop;
  await new Promise((resolve) => spawn(program!, args, { stdio: "ignore" }).on("close", resolve));
}

async function md5At(port: number, sql: string): Promise<string> {
  const client = new pg.Client({ ...sandboxPrimary(), port });
  await client.connect();
  try {
    return (await client.query<{ md5: string }>(sql)).rows[0]!.md5;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  root = path.join(inject("waldenHome"), "runbook-offsite-matrix", run);
  await fs.mkdir(path.join(root, "s3"), { recursive: true });
  s3 = await startS3Server({ port: S3_PORT, directory: path.join(root, "s3"), buckets: [BUCKET] });
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "h1-matrix-"));
  await fs.chmod(workDir, 0o755);
  if (runningAsRoot) {
    const { uid, gid } = await fs.stat(sandbox.cluster.archiveDir);
    await fs.chown(workDir, uid, gid);
  }
  for (const name of ["repository", "backup", "wal"] as const)
    keys[name] = await ageKeygen(path.join(workDir, `${name}.key`));
}, 60_000);

afterAll(async () => {
  for (const dataDir of dataDirs) await stopInstance(dataDir);
  for (const clusterId of clusters) {
    const restores = await db().restore.findMany({ where: { clusterId } });
    for (const { id } of restores) await removeInstance(instancePaths(id)).catch(() => {});
    await db().cluster.delete({ where: { id: clusterId } });
  }
  await s3?.stop();
  if (root) await fs.rm(root, { recursive: true, force: true });
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

const cells = [false, true].flatMap((repository) =>
  [false, true].flatMap((backup) => [false, true].map((wal) => ({ repository, backup, wal }))),
);

describe("every encryption mix of an offsite copy, restored from it alone", () => {
  cells.forEach((cell, index) => {
    const name = `repository ${cell.repository ? "encrypting" : "plain"}, backup ${cell.backup ? "encrypted at rest" : "plain"}, WAL ${cell.wal ? "sealed" : "plain"}`;
    it(`${name}: the runbook's script and Walden's PITR restore md5-identical rows`, async () => {
      const label = `m${index}${cell.repository ? "r" : ""}${cell.backup ? "b" : ""}${cell.wal ? "w" : ""}`;
      const fixture = await offsiteCluster({
        root,
        run,
        s3,
        bucket: BUCKET,
        label,
        ...(cell.repository ? { key: keys.repository } : {}),
        ...(cell.backup ? { atRest: { key: keys.backup } } : {}),
        ...(cell.wal ? { sealWal: { key: keys.wal } } : {}),
      });
      clusters.push(fixture.clusterId);
      await loseLocalCopy(fixture);
      const used = (["repository", "backup", "wal"] as const)
        .filter((key) => cell[key])
        .map((key) => keys[key]);

      const dataDir = path.join(workDir, `restored-${label}`);
      dataDirs.push(dataDir);
      const port = PORTS + index;
      const runbook = await getBackupRunbookOrThrow(fixture.backupId, {
        target: { type: "time", value: fixture.afterUpdate, inclusive: true },
        dataDir,
        port,
        binDir: sandbox.binaries.binDir,
      });
      expect(runbook.source).toBe("offsite");
      for (const key of used) expect(runbook.sections[0]!.explanation).toContain(key.recipient);
      const env: Record<string, string> = {
        AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
      };
      if (used.length) {
        env.AGE_KEY_FILE = path.join(workDir, `${label}.keys`);
        await fs.writeFile(env.AGE_KEY_FILE, used.map((key) => identityFileText(key)).join(""), {
          mode: 0o600,
        });
        if (runningAsRoot) {
          const { uid, gid } = await fs.stat(workDir);
          await fs.chown(env.AGE_KEY_FILE, uid, gid);
        }
      }
      const result = await runAsPostgresShell(runbookScript(runbook), { cwd: workDir, home: workDir, env });
      const log = await fs.readFile(runbook.restore.logFile, "utf8").catch(() => "(no log)");
      expect(result.code, `${result.stderr}\n--- stdout ---\n${result.stdout}\n--- log ---\n${log}`).toBe(0);
      expect(result.stdout).toMatch(/WAL checked: \d+ files/);
      expect(result.stdout).toMatch(/recovery stopping before commit of transaction \d+/);
      expect(await md5At(port, fixture.md5Sql)).toBe(fixture.md5Updated);
      await stopInstance(dataDir);

      const restore = await runPitrRestore(
        fixture.clusterId,
        { type: "time", value: fixture.afterUpdate },
        {
          backupId: fixture.backupId,
          ...(used.length
            ? { identity: sealIdentity(used.map((key) => identityFileText(key)).join("")) }
            : {}),
        },
      );
      expect(await md5At(restore.port!, fixture.md5Sql)).toBe(fixture.md5Updated);
      await removeInstance(instancePaths(restore.id));
      // WAL sealed at rest, no key given or held: the restore says so instead of replaying ciphertext.
      if (cell.wal && !cell.repository && !cell.backup)
        await expect(
          runPitrRestore(
            fixture.clusterId,
            { type: "time", value: fixture.afterUpdate },
            { backupId: fixture.backupId },
          ),
        ).rejects.toThrow(/offsite WAL [0-9A-F]{24} is encrypted with age .*give the age identity/);
    }, 300_000);
  });
});
