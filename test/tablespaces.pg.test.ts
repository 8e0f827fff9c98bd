import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { verifyBackup } from "@/lib/backup/verify";
import { db } from "@/lib/db";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import type { Runbook } from "@/lib/restore/runbook";
import { getBackupRunbookOrThrow } from "@/lib/restore/runbook-load";
import { runbookScript } from "@/lib/restore/runbook-script";
import { assertTablespacesInside } from "@/lib/restore/tablespaces";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { ownedDir, runAsServerUser } from "@/test/embedded-postgres";
import { runPitrRestore } from "@/test/pitr-restore";
import { grantBackupToPostgres, runAsPostgresShell } from "@/test/runbook-script";
import { takePhysicalBackup } from "@/test/sandbox-cluster";
import { startSourceCluster, type SourceCluster } from "@/test/source-cluster";

// A source whose tablespace lives at an absolute path outside its data folder, backed up, then
// damaged (a table in the tablespace dropped). Restored by PITR, by a drill and by the
// runbook's commands, each copy has its tablespace inside its own folder, the data is back,
// and not one byte of the source's tablespace folder changed — a copy pointed at it would
// have replayed the DROP into it. A backup with a tablespace verifies, and a copy whose
// tablespace_map still names the source's folder is refused before any server starts.

const sandbox = inject("sandbox");
const run = Date.now().toString(36);
const root = path.join(inject("waldenHome"), `tablespaces-${run}`);
const tablespaceDir = path.join(root, "source tablespace");
const workDir = path.join(root, "runbook");
let source: SourceCluster;
let backupId: string;
let tablespaceOid: string;
let dropXid: string;
let victimMd5: string;
let keepMd5: string;
let keepLatestMd5: string;
let sourceFilesBefore: Map<string, string>;
const restoreIds: string[] = [];
const runbookDataDirs: string[] = [];

const md5Of = (table: string) => `select md5(string_agg(t::text, ',' order by id)) as md5 from ${table} t`;

/** path → sha256 of every file below `dir` (links and folders by name), to compare bytes before and after. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const name = path.relative(dir, full);
    if (entry.isFile())
      result.set(
        name,
        createHash("sha256")
          .update(await fs.readFile(full))
          .digest("hex"),
      );
    else result.set(name, entry.isSymbolicLink() ? `-> ${await fs.readlink(full)}` : "dir");
  }
  return result;
}

async function query<R extends pg.QueryResultRow>(config: pg.ClientConfig, text: string): Promise<R[]> {
  const client = new pg.Client({ user: "postgres", database: "postgres", ssl: false, ...config });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

/** md5 of both tables and where the copy keeps the tablespace. */
async function copyState(config: pg.ClientConfig) {
  const [row] = await query<{ victim: string; keep: string; location: string }>(
    config,
    `select (select md5 from (${md5Of("ts_victim")}) v) as victim, (select md5 from (${md5Of("ts_keep")}) k) as keep,
            (select pg_tablespace_location(oid) from pg_tablespace where spcname = 'walden_ts') as location`,
  );
  return row!;
}

const stepLog = (restore: { steps: unknown }, name: string) =>
  (restore.steps as { name: string; log: string[] }[]).find((step) => step.name === name)!.log.join("\n");

async function runbookFor(name: string, port: number): Promise<{ runbook: Runbook; dataDir: string }> {
  const dataDir = path.join(workDir, name, "data");
  await ownedDir(path.dirname(dataDir), 0o755);
  runbookDataDirs.push(dataDir);
  const runbook = await getBackupRunbookOrThrow(backupId, {
    target: { type: "xid", value: dropXid, inclusive: false },
    action: "promote",
    dataDir,
    port,
    binDir: source.binDir,
  });
  return { runbook, dataDir };
}

beforeAll(async () => {
  const base = sandbox.catalog.port;
  await fs.rm(root, { recursive: true, force: true });
  await ownedDir(root, 0o755);
  await ownedDir(workDir, 0o755);
  source = await startSourceCluster({
    name: `tablespaces-${run}`,
    root: path.join(root, "source"),
    port: base + 40,
  });
  // The runbook's reader (the postgres OS user) must reach the repository: a folder of the test's own.
  const repository = path.join(root, "repo");
  await fs.mkdir(repository, { mode: 0o755 });
  await db().cluster.update({ where: { id: source.clusterId! }, data: { repositoryPath: repository } });

  await ownedDir(tablespaceDir, 0o700);
  await source.query(`create tablespace walden_ts location '${tablespaceDir}'`);
  await source.query(`
    create table ts_victim (id int primary key, note text not null) tablespace walden_ts;
    insert into ts_victim select g, 'victim ' || g from generate_series(1, 20000) g;
    create table ts_keep (id int primary key, note text not null) tablespace walden_ts;
    insert into ts_keep select g, 'kept ' || g from generate_series(1, 5000) g;
    checkpoint`);
  tablespaceOid = (
    await source.query<{ oid: string }>("select oid::text from pg_tablespace where spcname = 'walden_ts'")
  )[0]!.oid;
  victimMd5 = (await source.query<{ md5: string }>(md5Of("ts_victim")))[0]!.md5;

  backupId = await takePhysicalBackup(source.clusterId!);

  const client = await source.connect();
  try {
    // After the backup: only replay can bring these rows back, into the copy's tablespace.
    await client.query(
      "insert into ts_keep select g, 'after the backup ' || g from generate_series(5001, 8000) g",
    );
    keepMd5 = (await client.query<{ md5: string }>(md5Of("ts_keep"))).rows[0]!.md5;
    await client.query("begin");
    dropXid = (await client.query<{ xid: string }>("select txid_current()::text as xid")).rows[0]!.xid;
    await client.query("drop table ts_victim");
    await client.query("commit");
    await client.query(
      "insert into ts_keep select g, 'after the drop ' || g from generate_series(8001, 9000) g",
    );
    keepLatestMd5 = (await client.query<{ md5: string }>(md5Of("ts_keep"))).rows[0]!.md5;
    await client.query("checkpoint");
    await waitForArchived(source.archiveDir, await switchWal(client), 60_000);
  } finally {
    await client.end();
  }
  // Stopped, so nothing of the source itself changes its tablespace files from here on.
  await source.stop();
  sourceFilesBefore = await snapshot(tablespaceDir);
}, 120_000);

afterAll(async () => {
  for (const id of restoreIds) await removeInstance(instancePaths(id)).catch(() => {});
  for (const dataDir of runbookDataDirs)
    if (existsSync(path.join(dataDir, "postmaster.pid")))
      await runAsServerUser(source.binDir, "pg_ctl", [
        "stop",
        "-w",
        "-t",
        "60",
        "-m",
        "immediate",
        "-D",
        dataDir,
      ]).catch(() => {});
  await source?.remove();
  await fs.rm(root, { recursive: true, force: true });
  if (source?.clusterId)
    await db()
      .cluster.delete({ where: { id: source.clusterId } })
      .catch(() => {});
});

describe("a source with a tablespace outside its data folder", () => {
  it("backs up the tablespace beside base.tar, and the backup verifies", async () => {
    const backup = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
    const files = (await fs.readdir(backup.path!)).sort();
    expect(files).toContain(`${tablespaceOid}.tar.lz4`);
    expect(sourceFilesBefore.size).toBeGreaterThan(5);

    expect(await verifyBackup(backupId)).toBe(true);
    const verified = await db().backup.findUniqueOrThrow({ where: { id: backupId } });
    expect(verified.verified).toBe(true);
    expect(verified.verifyLog).toContain(`unpacked ${tablespaceOid}.tar.lz4`);
    expect(verified.verifyLog).toMatch(/backup successfully verified/);
  });

  it("restores by PITR to just before the drop, with the tablespace inside the restore's folder", async () => {
    const restore = await runPitrRestore(source.clusterId!, {
      type: "xid",
      value: dropXid,
      inclusive: false,
    });
    restoreIds.push(restore.id);
    const paths = instancePaths(restore.id);
    const copy = await copyState({ host: paths.socketDir, port: restore.port! });
    expect(copy).toEqual({
      victim: victimMd5,
      keep: keepMd5,
      location: path.join(paths.root, "tablespaces", tablespaceOid),
    });
    expect(stepLog(restore, "extract")).toContain(
      `tablespace ${tablespaceOid}: the source's ${tablespaceDir} restored into ${paths.root}/tablespaces/${tablespaceOid}`,
    );
    expect(stepLog(restore, "start")).toContain(`all inside ${paths.root}`);
    expect(await fs.readFile(path.join(paths.dataDir, "tablespace_map.old"), "utf8").catch(() => "")).toBe(
      `${tablespaceOid} ${paths.root}/tablespaces/${tablespaceOid}\n`,
    );
    expect(await snapshot(tablespaceDir)).toEqual(sourceFilesBefore);
  });

  it("runs a drill to the latest point, replaying the drop into the copy's own tablespace", async () => {
    const drill = await runPitrRestore(
      source.clusterId!,
      { type: "latest" },
      {
        action: "promote",
        ttlHours: 1,
        checkSql: `select (select md5 from (${md5Of("ts_keep")}) k) as keep, to_regclass('ts_victim')::text as victim,
          (select pg_tablespace_location(oid) from pg_tablespace where spcname = 'walden_ts') as location`,
      },
      "drill",
    );
    restoreIds.push(drill.id);
    const paths = instancePaths(drill.id);
    const check = (drill.verification as { check: { columns: string[]; rows: unknown[][] } }).check;
    expect(check.columns).toEqual(["keep", "victim", "location"]);
    expect(check.rows).toEqual([[keepLatestMd5, null, path.join(paths.root, "tablespaces", tablespaceOid)]]);
    expect(stepLog(drill, "start")).toContain(`all inside ${paths.root}`);
    // A drill is torn down once verified; the source's tablespace never saw the replayed DROP.
    expect(drill.instanceState).toBe("removed");
    expect(existsSync(paths.root)).toBe(false);
    expect(await snapshot(tablespaceDir)).toEqual(sourceFilesBefore);
  });

  it("restores by the runbook's commands, with the tablespace in a folder beside the copy", async () => {
    const port = sandbox.catalog.port + 41;
    const { runbook, dataDir } = await runbookFor("restore", port);
    expect(runbook.backup.tablespaces).toEqual([{ oid: tablespaceOid, file: `${tablespaceOid}.tar.lz4` }]);
    await grantBackupToPostgres(runbook.backup.path);
    const result = await runAsPostgresShell(runbookScript(runbook), { cwd: workDir, home: workDir });
    if (result.code !== 0) {
      const log = await fs.readFile(runbook.restore.logFile, "utf8").catch(() => "(no log)");
      throw new Error(`the runbook failed (exit ${result.code}):\n${result.stderr}\n--- log ---\n${log}`);
    }
    expect(result.stdout).toMatch(/backup successfully verified/);
    expect(result.stdout).toMatch(new RegExp(`recovery stopping before commit of transaction ${dropXid}`));
    const copy = await copyState({ host: dataDir, port });
    expect(copy).toEqual({
      victim: victimMd5,
      keep: keepMd5,
      location: `${dataDir}.tablespaces/${tablespaceOid}`,
    });
    expect(await snapshot(tablespaceDir)).toEqual(sourceFilesBefore);
  });

  it("refuses to start a copy whose tablespace_map still names the source's folder", async () => {
    const port = sandbox.catalog.port + 42;
    const { runbook, dataDir } = await runbookFor("refused", port);
    await grantBackupToPostgres(runbook.backup.path);
    // Every step up to the start but the rewrite of tablespace_map: the backup's own map names
    // the source's folder (a server started on it would link pg_tblspc there).
    const unpack = runbook.sections.find((section) => section.title.startsWith("Unpack"))!;
    const upToStart = runbook.sections
      .slice(
        0,
        runbook.sections.findIndex((section) => section.title.startsWith("Start")),
      )
      .flatMap((section) =>
        section === unpack
          ? section.commands.filter((command) => !command.includes("tablespace_map"))
          : section.commands,
      );
    const prepared = await runAsPostgresShell(upToStart.join("\n"), { cwd: workDir, home: workDir });
    expect(prepared.code, prepared.stderr).toBe(0);
    expect(await fs.readFile(path.join(dataDir, "tablespace_map"), "utf8")).toBe(
      `${tablespaceOid} ${tablespaceDir}\n`,
    );

    // The executor's check, on these real files.
    await expect(assertTablespacesInside(dataDir, path.dirname(dataDir))).rejects.toThrow(
      `refusing to start the restored copy: tablespace_map line ${tablespaceOid} points to ${tablespaceDir}, outside`,
    );
    // The runbook's step 7: the check fails, so pg_ctl never runs.
    const start = runbook.sections.find((section) => section.title.startsWith("Start"))!;
    const refused = await runAsPostgresShell(start.commands.join("\n"), { cwd: workDir, home: workDir });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`Refusing to start:  tablespace_map:${tablespaceOid} point outside`);
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);
    expect(existsSync(runbook.restore.logFile)).toBe(false);
    expect(await snapshot(tablespaceDir)).toEqual(sourceFilesBefore);
  });
});
