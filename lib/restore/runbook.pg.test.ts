import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as runbookRoute from "@/app/api/v1/backups/[id]/runbook/route";
import { runBackup } from "@/lib/backup/run";
import { db } from "@/lib/db";
import { getBackupRunbookOrThrow } from "@/lib/restore/runbook-load";
import { runbookScript } from "@/lib/restore/runbook-script";
import { physicalBackupRequestSchema } from "@/lib/schemas/backup";
import type { RestoreTarget } from "@/lib/schemas/restore";
import { switchWal, waitForArchived, withPrimary } from "@/lib/wal/wal-fixtures";
import { call, makeUser, type TestUser } from "@/test/api-client";
import {
  grantBackupToPostgres,
  runAsPostgresShell,
  runningAsRoot,
  type ScriptResult,
} from "@/test/runbook-script";
import { registerSandboxCluster } from "@/test/sandbox-cluster";

// The runbook is only worth printing if its commands restore the backup. This test takes a real
// physical backup of the sandbox primary, commits a marker after it, and runs the generated
// script with bash as the postgres OS user — with a quote, spaces, a $ and a % in every path —
// then reads the marker from the restored instance.

const sandbox = inject("sandbox");
const primary = {
  host: "127.0.0.1",
  port: sandbox.cluster.primary.port,
  user: "walden",
  password: sandbox.cluster.primary.password,
  database: "app",
};
const clusterName = `runbook-${Date.now().toString(36)}`;
const asRoot = runningAsRoot;
const marker = `marker ${Math.random().toString(36).slice(2)}`;

let tmp: string;
let workDir: string;
let clusterId: string;
let backupId: string;
let viewer: TestUser;
/** The transaction committed after the marker; the second restore stops just before it. */
let laterXid: string;
const started: string[] = [];

/** The runbook's commands, run with bash as a person would (the postgres OS user when root). */
const runScript = (script: string): Promise<ScriptResult> =>
  runAsPostgresShell(script, { cwd: tmp, home: workDir });

function portIsFree(candidate: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(candidate, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  const start = 26800 + Math.floor(Math.random() * 100);
  for (let i = 0; i < 100; i += 1) {
    const candidate = 26800 + ((start - 26800 + i) % 100);
    if (await portIsFree(candidate)) return candidate;
  }
  throw new Error("no free port in 26800–26899");
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "walden-runbook-"));
  await fs.chmod(tmp, 0o755);
  // Hostile names everywhere a path is quoted: the repository, the archive, the data directory
  // (which pg_ctl hands to a shell in double quotes, so it may not hold a $; see buildRunbook).
  const repoRoot = path.join(tmp, "repo it's $HOME");
  await fs.mkdir(repoRoot, { mode: 0o755 });
  const archiveLink = path.join(tmp, "archive 100% it's");
  await fs.symlink(sandbox.cluster.archiveDir, archiveLink);
  workDir = path.join(tmp, "restore it's here");
  await fs.mkdir(workDir, { mode: 0o755 });
  if (asRoot) {
    const { uid, gid } = await fs.stat(sandbox.cluster.archiveDir);
    await fs.chown(workDir, uid, gid);
  }
  viewer = await makeUser("viewer");

  clusterId = await registerSandboxCluster(clusterName, {
    archivePath: archiveLink,
    repositoryPath: repoRoot,
  });
  // lz4 on the server (the default): the runbook must unpack it with tar -I lz4.
  const options = physicalBackupRequestSchema.parse({ clusterId, kind: "physical" });
  const backup = await db().backup.create({
    data: { clusterId, kind: "physical", options, requestedBy: "runbook test" },
  });
  backupId = backup.id;
  expect(await runBackup(backupId, "runbook-test")).toBe(true);
  const taken = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
  expect(taken.error).toBeNull();
  expect(taken.status).toBe("succeeded");

  // Committed after the backup: only WAL replay from the archive can bring it back.
  await withPrimary(primary, async (client) => {
    await client.query("create table if not exists runbook_marker (note text primary key)");
    await client.query("insert into runbook_marker values ($1)", [marker]);
    await client.query("begin");
    await client.query("insert into runbook_marker values ($1)", [`${marker} later`]);
    laterXid = (await client.query<{ xid: string }>("select txid_current()::text as xid")).rows[0]!.xid;
    await client.query("commit");
    await waitForArchived(sandbox.cluster.archiveDir, await switchWal(client));
  });
});

afterAll(async () => {
  const pgCtl = path.join(sandbox.binaries.binDir, "pg_ctl");
  for (const dataDir of started) {
    if (!existsSync(path.join(dataDir, "postmaster.pid"))) continue;
    const stop = [pgCtl, "-D", dataDir, "stop", "-m", "fast"];
    const [program, ...args] = asRoot ? ["runuser", "-u", "postgres", "--", ...stop] : stop;
    await new Promise((resolve) => spawn(program!, args, { cwd: tmp, stdio: "ignore" }).on("close", resolve));
  }
  try {
    if (clusterId) await db().cluster.delete({ where: { id: clusterId } });
  } finally {
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }
});

async function runbookFor(name: string, target: RestoreTarget) {
  const dataDir = path.join(workDir, name);
  const port = await freePort();
  const runbook = await getBackupRunbookOrThrow(backupId, {
    target,
    dataDir,
    port,
    logFile: `${dataDir}.log`,
    binDir: sandbox.binaries.binDir,
  });
  return { runbook, dataDir, port };
}

async function runOrExplain(script: string, logFile: string): Promise<ScriptResult> {
  const result = await runScript(script);
  if (result.code !== 0) {
    const log = await fs.readFile(logFile, "utf8").catch(() => "(no log)");
    throw new Error(
      `the runbook script failed (exit ${result.code}):\n${result.stderr}\n--- stdout ---\n${result.stdout}\n--- log ---\n${log}`,
    );
  }
  return result;
}

async function query<R extends pg.QueryResultRow>(port: number, text: string, params: unknown[] = []) {
  // Through TCP with the source's own role and password, as pg_hba.conf from restoredHba allows.
  const client = new pg.Client({ ...primary, port });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

describe("the break-glass runbook", () => {
  it("restores the backup and the archived WAL after it when its script is run by hand", async () => {
    const { runbook, dataDir, port } = await runbookFor("latest", { type: "latest" });
    // Read from the folder, not guessed: lz4 on the server leaves pg_wal.tar plain.
    expect(runbook.backup.baseFile).toBe("base.tar.lz4");
    expect(runbook.backup.walFile).toBe("pg_wal.tar");
    expect(runbook.warnings.join("\n")).not.toMatch(/could not be listed/);

    const script = runbookScript(runbook);
    if (asRoot) {
      // pg_basebackup's files are private to the OS user that took them (root here): step 1
      // stops before anything is written and says what to run as root.
      const denied = await runScript(script);
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toContain("The postgres OS user cannot read the backup");
      expect(denied.stderr).toContain(`chgrp -R postgres '${runbook.backup.path.replaceAll("'", `'\\''`)}'`);
      expect(existsSync(dataDir)).toBe(false);
      // Backups are 0700/0600 in a 0700 cluster folder: the printed command opens both.
      const clusterDir = path.dirname(runbook.backup.path);
      expect(denied.stderr).toContain(`chgrp postgres '${clusterDir.replaceAll("'", `'\\''`)}' && chmod g+x`);
      await grantBackupToPostgres(runbook.backup.path);
    }

    started.push(dataDir);
    const result = await runOrExplain(script, runbook.restore.logFile);
    expect(result.stdout).toMatch(/base\.tar\.lz4: OK/);
    expect(result.stdout).toMatch(/backup successfully verified/);
    expect(result.stdout).toMatch(/consistent recovery state reached/);
    expect(result.stdout).toMatch(/archive recovery complete/);

    const rows = await query<{ note: string; in_recovery: boolean; port: string }>(
      port,
      "select note, pg_is_in_recovery() as in_recovery, current_setting('port') as port from runbook_marker where note like $1 order by note",
      [`${marker}%`],
    );
    expect(rows).toEqual([
      { note: marker, in_recovery: false, port: String(port) },
      { note: `${marker} later`, in_recovery: false, port: String(port) },
    ]);
    const [settings] = await query<{ archive_mode: string; socket: string }>(
      port,
      "select current_setting('archive_mode') as archive_mode, current_setting('unix_socket_directories') as socket",
    );
    expect(settings).toEqual({ archive_mode: "off", socket: dataDir });
  });

  it("stops before a transaction, pauses there, and promotes with the printed resume command", async () => {
    const { runbook, dataDir, port } = await runbookFor("before-xid", {
      type: "xid",
      value: laterXid,
      inclusive: false,
    });
    started.push(dataDir);
    const result = await runOrExplain(runbookScript(runbook), runbook.restore.logFile);
    expect(result.stdout).toMatch(new RegExp(`recovery stopping before commit of transaction ${laterXid}`));
    expect(result.stdout).toMatch(/pausing at the end of recovery/);
    // Step 8's own output: still in recovery, paused at the target.
    expect(result.stdout).toMatch(/\n t\s+\|.*\| paused\n/);

    const notes = async () =>
      (
        await query<{ note: string }>(
          port,
          "select note from runbook_marker where note like $1 order by note",
          [`${marker}%`],
        )
      ).map((row) => row.note);
    expect(await notes()).toEqual([marker]);

    // The manual step: resume, which ends recovery and opens the copy for writes.
    const manual = runbook.sections.find((section) => section.manual)!;
    const resume = manual.commands.find((command) => command.includes("pg_wal_replay_resume"))!;
    await runOrExplain(resume, runbook.restore.logFile);
    const deadline = Date.now() + 30_000;
    while ((await query<{ r: boolean }>(port, "select pg_is_in_recovery() as r"))[0]!.r) {
      if (Date.now() > deadline)
        throw new Error("the copy did not leave recovery after pg_wal_replay_resume()");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await query(port, "insert into runbook_marker values ($1)", [`${marker} written after promotion`]);
    expect(await notes()).toEqual([marker, `${marker} written after promotion`]);
  });
});

describe("GET /api/v1/backups/:id/runbook", () => {
  it("returns the runbook as JSON, and as one script with ?format=text", async () => {
    const json = await call(runbookRoute.GET, "GET", `/api/v1/backups/${backupId}/runbook`, {
      token: viewer.token,
      params: { id: backupId },
    });
    expect(json.status).toBe(200);
    expect(json.json.backup).toMatchObject({ id: backupId, clusterName, baseFile: "base.tar.lz4" });
    expect(json.json.sections.map((section: { title: string }) => section.title)).toContain(
      "Ask for archive recovery",
    );

    const text = await call(runbookRoute.GET, "GET", `/api/v1/backups/${backupId}/runbook?format=text`, {
      token: viewer.token,
      params: { id: backupId },
    });
    expect(text.status).toBe(200);
    expect(text.text).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(text.text).toContain("touch '/var/lib/postgresql/restore-");
  });

  it("is 404 for an unknown backup and 409 for a logical or unfinished one", async () => {
    const unknown = "5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e";
    const missing = await call(runbookRoute.GET, "GET", "/x", {
      token: viewer.token,
      params: { id: unknown },
    });
    expect(missing.status).toBe(404);

    const logical = await db().backup.create({
      data: {
        clusterId,
        kind: "logical",
        status: "succeeded",
        options: {},
        requestedBy: "runbook test",
        path: tmp,
      },
    });
    const running = await db().backup.create({
      data: { clusterId, kind: "physical", status: "running", options: {}, requestedBy: "runbook test" },
    });
    for (const id of [logical.id, running.id]) {
      const response = await call(runbookRoute.GET, "GET", "/x", { token: viewer.token, params: { id } });
      expect(response.status).toBe(409);
      expect(response.json.error.code).toBe("conflict");
    }
  });
});
