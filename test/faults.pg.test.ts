// Over 400 lines: one describe per fault (SIGKILLed worker, catalog restart, full disk), all on the same sandbox and worker set-up.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from "vitest";
import * as backupRoute from "@/app/api/v1/backups/[id]/route";
import * as backupsRoute from "@/app/api/v1/backups/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import * as healthRoute from "@/app/api/v1/health/route";
import * as replicationRoute from "@/app/api/v1/clusters/[id]/replication/route";
import * as restoreWindowRoute from "@/app/api/v1/clusters/[id]/restore-window/route";
import { backupApplicationName, endBackupSessions } from "@/lib/backup/orphans";
import { backupPaths, repositoryRoot } from "@/lib/backup/repository";
import { reapStaleBackups, runBackup } from "@/lib/backup/run";
import { db } from "@/lib/db";
import { jobSender } from "@/lib/queue/sender";
import { SamplerFleet } from "@/lib/worker/sampler";
import { getReplicationSnapshot } from "@/lib/replication/queries";
import { REPOSITORY_DESCRIPTOR_FILE } from "@/lib/repository/descriptor";
import { planPitrRestore } from "@/lib/restore/plan-service";
import { startSandbox, stopSandboxServer } from "@/lib/sandbox";
import { buildArchiveCommand } from "@/lib/tools/archive-command";
import { physicalBackupRequestSchema } from "@/lib/schemas/backup";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";
import { serverUser } from "@/lib/tools/server-user";
import { refreshRestoreWindow } from "@/lib/wal/refresh-window";
import { forgetSharedReads } from "@/lib/web/shared-read";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { registerSandboxCluster, takePhysicalBackup, withSandboxPrimary } from "@/test/sandbox-cluster";
import { waitUntil } from "@/test/wait";

// Faults a DBA meets for real (issue 7): a worker killed with SIGKILL mid-backup, the catalog
// database restarting under a running worker, and a backup repository / WAL archive whose disk
// fills up. Each must be detected and shown, leave nothing half-done on offer for restore, and
// recover once the fault clears.

const suffix = Date.now().toString(36);
const sandbox = inject("sandbox");
const sandboxOptions = { home: inject("waldenHome"), basePort: sandbox.catalog.port };
let viewer: TestUser;
let operator: TestUser;

const clusterIds: string[] = [];

beforeAll(async () => {
  viewer = await makeUser("viewer", "faults");
  operator = await makeUser("operator", "faults");
});

afterAll(async () => {
  // Later files' workers must not sample, scan or retain clusters whose folders are gone.
  await db().cluster.deleteMany({ where: { id: { in: clusterIds } } });
});

async function registerCluster(name: string, options?: Parameters<typeof registerSandboxCluster>[1]) {
  const id = await registerSandboxCluster(`${name}-${suffix}`, options);
  clusterIds.push(id);
  return id;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Neither exited nor killed by a signal. */
const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Some file below `dir` has bytes in it (a tool has begun writing). */
async function hasData(dir: string): Promise<boolean> {
  const files = await fs.readdir(dir).catch(() => []);
  const sizes = await Promise.all(
    files.map((file) =>
      fs.stat(path.join(dir, file)).then(
        (stat) => stat.size,
        () => 0,
      ),
    ),
  );
  return sizes.some((size) => size > 0);
}

/** Processes whose command line mentions `needle` (e.g. a pg_basebackup writing into a folder). */
async function processesMentioning(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(needle)) pids.push(Number(entry));
  }
  return pids;
}

async function restoreWindowBackupIds(clusterId: string): Promise<string[]> {
  await refreshRestoreWindow(clusterId);
  // The route keeps a window it read for 5 s, and a backup taken here does not pass through it.
  forgetSharedReads();
  const response = await call(restoreWindowRoute.GET, "GET", `/api/v1/clusters/${clusterId}/restore-window`, {
    token: viewer.token,
    params: { id: clusterId },
  });
  expect(response.status, response.text).toBe(200);
  return response.json.backups.map((backup: { id: string }) => backup.id);
}

describe("a worker killed with SIGKILL during a physical backup", () => {
  it("is failed by the reaper, leaves no files and no running pg_basebackup, and the next backup succeeds", async () => {
    const clusterId = await registerCluster("faults-kill");
    const clusterName = `faults-kill-${suffix}`;
    // pg_basebackup's slowest rate, so the backup is surely still copying when the worker dies.
    const options = physicalBackupRequestSchema.parse({ clusterId, kind: "physical", maxRateKbps: 32 });
    const backup = await db().backup.create({
      data: { clusterId, kind: "physical", options, requestedBy: "test" },
    });
    const paths = backupPaths(repositoryRoot(), clusterName, backup.id);

    // The worker's own backup function in its own process: killing it kills no one else.
    const worker = spawn(process.execPath, ["--import", "tsx", "test/run-backup-child.ts", backup.id], {
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    worker.stdout.on("data", (chunk) => (output += chunk));
    worker.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    onTestFinished(async () => {
      // Should the test stop half-way, nothing of this slow backup is left running.
      worker.kill("SIGKILL");
      await endBackupSessions(clusterId, backup.id);
    });
    try {
      await waitUntil(
        "pg_basebackup writing into the partial folder",
        () => hasData(paths.partialDir),
        30_000,
      );
    } catch (error) {
      const row = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
      throw new Error(`${(error as Error).message}: ${row.status} ${row.error}\n${output.slice(-2000)}`);
    }
    expect(await processesMentioning(`--pgdata=${paths.partialDir}`)).not.toHaveLength(0);
    const backupSessions = () =>
      withSandboxPrimary(async (client) => {
        const { rows } = await client.query("select pid from pg_stat_activity where application_name = $1", [
          backupApplicationName(backup.id),
        ]);
        return rows.length;
      });
    // The base backup's session and its WAL stream's, both named after the backup.
    expect(await backupSessions()).toBe(2);
    // A live worker's backup is left alone by the reaper, whatever the worker's pace.
    expect(await reapStaleBackups()).not.toContain(backup.id);

    worker.kill("SIGKILL");
    await exited;

    const stale = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
    expect(stale.status).toBe("running"); // nobody knows yet …
    expect(await reapStaleBackups(0)).toContain(backup.id); // … until the reaper sees no heartbeat

    // pg_basebackup's WAL-streaming child outlives the worker; the reaper ends its session on the
    // primary, so it stops instead of appending WAL to a deleted file for as long as the server runs.
    await waitUntil(
      "the orphaned pg_basebackup processes to exit",
      async () => (await processesMentioning(`--pgdata=${paths.partialDir}`)).length === 0,
      10_000,
    );
    expect(await backupSessions()).toBe(0);

    const shown = await call(backupRoute.GET, "GET", `/api/v1/backups/${backup.id}`, {
      token: viewer.token,
      params: { id: backup.id },
    });
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ status: "failed" });
    expect(shown.json.error).toMatch(/worker running it stopped/);
    await expect(fs.stat(paths.partialDir)).rejects.toThrow();
    await expect(fs.stat(paths.finalDir)).rejects.toThrow();

    // Not offered for restore: neither in the window nor accepted by the planner.
    expect(await restoreWindowBackupIds(clusterId)).not.toContain(backup.id);
    const plan = await planPitrRestore(
      pitrRestoreRequestSchema.parse({ clusterId, kind: "pitr", backupId: backup.id }),
    );
    expect(plan.ok).toBe(false);

    // Recovery: the next backup of the same cluster succeeds and is offered.
    const next = await takePhysicalBackup(clusterId);
    expect(await restoreWindowBackupIds(clusterId)).toContain(next);
    // Beside it only the repository descriptor (walden-repository.json), rewritten by each backup.
    expect((await fs.readdir(paths.clusterDir)).sort()).toEqual([next, REPOSITORY_DESCRIPTOR_FILE].sort());
  });
});

describe("the catalog database restarting under a running worker", () => {
  let worker: ChildProcess | null = null;
  afterAll(async () => {
    // Whatever happened, the catalog is up again for the files after this one, and the worker gone.
    await startSandbox(sandboxOptions);
    if (worker && isRunning(worker)) {
      const exited = new Promise((resolve) => worker!.once("exit", resolve));
      worker.kill("SIGTERM");
      await exited;
    }
  });

  it("answers 503 while it is down; the worker stays up, reconnects, and sampling and jobs resume", async () => {
    const clusterId = await registerCluster("faults-catalog");
    const spawnedAt = Date.now();
    worker = spawn(process.execPath, ["--import", "tsx", "lib/worker/main.ts"], {
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    worker.stdout!.on("data", (chunk) => (output += chunk));
    worker.stderr!.on("data", (chunk) => (output += chunk));
    const health = () => call(healthRoute.GET, "GET", "/api/v1/health");
    const sampledAfter = async (since: number) => {
      const view = await getReplicationSnapshot(clusterId);
      return view !== null && new Date(view.sampledAt).getTime() > since;
    };
    const withOutput = async <T>(work: Promise<T>) =>
      work.catch((error: Error) => {
        throw new Error(`${error.message}\nworker output:\n${output.slice(-3000)}`);
      });

    await withOutput(waitUntil("the worker sampling the cluster", () => sampledAfter(spawnedAt), 45_000));
    expect((await health()).json).toMatchObject({ catalog: "ok", worker: "ok" });

    await stopSandboxServer(sandboxOptions, "catalog");
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.json).toMatchObject({ status: "down", catalog: "down" });
    const clusters = await call(clustersRoute.GET, "GET", "/api/v1/clusters", { token: viewer.token });
    expect(clusters.status, clusters.text).toBe(503);
    expect(clusters.json.error.code).toBe("upstream_unavailable");
    expect(clusters.json.error.message).toMatch(/catalog database/i);
    expect(clusters.json.error.message).toMatch(/try again/i);
    // Nothing can be asked of the worker either, and the caller is told so rather than left hanging.
    const refused = await call(backupsRoute.POST, "POST", "/api/v1/backups", {
      token: operator.token,
      body: { clusterId, kind: "logical" },
    });
    expect(refused.status, refused.text).toBe(503);
    // Long enough for every loop of the worker (heartbeat, samplers, job polling) to hit the outage.
    await sleep(6_000);
    expect(isRunning(worker), output.slice(-3000)).toBe(true);

    await startSandbox(sandboxOptions);
    const upAt = Date.now();
    // A running backup whose heartbeat the outage made old: the worker's reaper (every 10 s) must
    // give live jobs time to beat again before it fails anything.
    const beatenByOutage = await db().backup.create({
      data: {
        clusterId,
        kind: "logical",
        status: "running",
        options: {},
        requestedBy: "test",
        heartbeatAt: new Date(upAt - 60_000),
      },
    });
    await withOutput(waitUntil("fresh samples after the restart", () => sampledAfter(upAt), 30_000));
    await withOutput(
      waitUntil(
        "the worker's heartbeat after the restart",
        async () => {
          const body = (await health()).json;
          return body.worker === "ok" && new Date(body.lastHeartbeatAt).getTime() > upAt;
        },
        30_000,
      ),
    );
    const queued = await call(backupsRoute.POST, "POST", "/api/v1/backups", {
      token: operator.token,
      body: { clusterId, kind: "logical" },
    });
    expect(queued.status, queued.text).toBe(202);
    // The same job again, ahead of the backlog earlier test files may have left in the shared queue
    // (the backup runs once whichever copy comes first).
    await (await jobSender()).send("backup.run", { backupId: queued.json.id }, { priority: 10 });
    const done = await withOutput(
      waitUntil(
        "the logical backup queued after the restart",
        async () => {
          const row = await db().backup.findUniqueOrThrow({ where: { id: queued.json.id } });
          return row.status === "succeeded" || row.status === "failed" ? row : null;
        },
        30_000,
      ),
    );
    expect(done.status, done.error ?? "").toBe("succeeded");
    await sleep(upAt + 12_000 - Date.now());
    expect((await db().backup.findUniqueOrThrow({ where: { id: beatenByOutage.id } })).status).toBe(
      "running",
    );
    expect(isRunning(worker), output.slice(-3000)).toBe(true);
  });
  it("records a backup that finished while the catalog was down once the catalog is back", async () => {
    const clusterId = await registerCluster("faults-outage");
    // A few seconds long, so the catalog goes down under it and is still down when it ends.
    const options = physicalBackupRequestSchema.parse({ clusterId, kind: "physical", maxRateKbps: 2048 });
    const backup = await db().backup.create({
      data: { clusterId, kind: "physical", options, requestedBy: "test" },
    });
    const paths = backupPaths(repositoryRoot(), `faults-outage-${suffix}`, backup.id);
    const running = runBackup(backup.id, "faults-test");
    await waitUntil("pg_basebackup writing", () => hasData(paths.partialDir), 30_000);
    await stopSandboxServer(sandboxOptions, "catalog");
    await expect(fs.stat(paths.finalDir), "the backup ended before the catalog was down").rejects.toThrow();
    await waitUntil(
      "the backup's files complete",
      () =>
        fs.stat(paths.finalDir).then(
          () => true,
          () => false,
        ),
      60_000,
    );
    await sleep(1_500); // its outcome cannot be recorded yet
    await startSandbox(sandboxOptions);
    expect(await running).toBe(true);
    const row = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
    expect(row.error).toBeNull();
    expect(row).toMatchObject({ status: "succeeded", path: paths.finalDir });
  });
});

const run = promisify(execFile);
const MiB = 1024 * 1024;

/** Fills the file system holding `dir` to the last `leaveBytes`; returns the filler's path. */
async function fillDisk(dir: string, leaveBytes: number): Promise<string> {
  const filler = path.join(dir, "filler");
  const handle = await fs.open(filler, "w");
  const chunk = Buffer.alloc(MiB, 1);
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    await handle.close();
  }
  const { size } = await fs.stat(filler);
  await fs.truncate(filler, Math.max(0, size - leaveBytes));
  return filler;
}

describe("the disk of the backup repository and WAL archive filling up", () => {
  const mountPoint = path.join(inject("waldenHome"), `faults-disk-${suffix}`);
  const repository = path.join(mountPoint, "repo");
  const archive = path.join(mountPoint, "archive");
  let mounted = false;
  let archiveCommandChanged = false;
  let fleet: SamplerFleet | null = null;
  const primarySql = (text: string) => withSandboxPrimary((client) => client.query(text));

  beforeAll(async () => {
    await fs.mkdir(mountPoint, { recursive: true });
    // A small disk of its own: 40 MiB holds one 16 MiB WAL segment and the filler, not a backup.
    await run("mount", ["-t", "tmpfs", "-o", "size=40m,mode=0755", "tmpfs", mountPoint]).catch((error) => {
      throw new Error(
        `This test mounts a tmpfs and must run as root (CI does): mount refused: ${error.stderr || error.message}`,
      );
    });
    mounted = true;
    await fs.mkdir(repository);
    await fs.mkdir(archive, { mode: 0o750 });
    const owner = serverUser();
    await fs.chown(archive, owner.uid, owner.gid);
  });

  afterAll(async () => {
    await fleet?.stop();
    if (archiveCommandChanged) {
      await primarySql("alter system reset archive_command");
      await primarySql("select pg_reload_conf()");
    }
    if (mounted) {
      // Lazily if something still holds it open; it is gone from the namespace either way.
      await run("umount", [mountPoint]).catch(() => run("umount", ["-l", mountPoint]));
    }
    await fs.rmdir(mountPoint).catch(() => {});
  });

  it("fails the backup with 'No space left on device', flags the archiver, and both recover once space is freed", async () => {
    const clusterId = await registerCluster("faults-disk", {
      archivePath: archive,
      repositoryPath: repository,
    });
    const clusterDir = path.join(repository, `faults-disk-${suffix}`);
    // The primary archives into the sandbox's own archive first (other tests rely on it whole),
    // then into the small disk; the command fails, and the segment is retried, until both hold it.
    const sandboxArchive = inject("sandbox").cluster.archiveDir;
    const both = `(${buildArchiveCommand(sandboxArchive)}) && (${buildArchiveCommand(archive)})`;
    await withSandboxPrimary(async (client) => {
      await client.query(`alter system set archive_command = ${client.escapeLiteral(both)}`);
      await client.query("select pg_reload_conf()");
    });
    archiveCommandChanged = true;
    await primarySql("select pg_switch_wal()");
    await waitUntil(
      "a first segment in the small archive",
      async () => (await fs.readdir(archive)).some((f) => /^[0-9A-F]{24}$/.test(f)),
      15_000,
    );

    fleet = new SamplerFleet(inject("databaseUrl"), "faults-test", () => {});
    fleet.start();
    const archiver = async () => {
      const response = await call(replicationRoute.GET, "GET", `/api/v1/clusters/${clusterId}/replication`, {
        token: viewer.token,
        params: { id: clusterId },
      });
      return response.status === 200 ? response.json.archiver : null;
    };
    await waitUntil(
      "a sample showing the archiver healthy",
      async () => (await archiver())?.failing === false,
      15_000,
    );

    const filler = await fillDisk(mountPoint, MiB);

    // A backup that does not fit: failed with the reason, no partial files, not on offer.
    const options = physicalBackupRequestSchema.parse({ clusterId, kind: "physical" });
    const backup = await db().backup.create({
      data: { clusterId, kind: "physical", options, requestedBy: "test" },
    });
    await runBackup(backup.id, "faults-test");
    const shown = await call(backupRoute.GET, "GET", `/api/v1/backups/${backup.id}`, {
      token: viewer.token,
      params: { id: backup.id },
    });
    expect(shown.json.status).toBe("failed");
    expect(shown.json.error).toMatch(/No space left on device/);
    expect(await fs.readdir(clusterDir)).toEqual([]);
    expect(await restoreWindowBackupIds(clusterId)).not.toContain(backup.id);

    // WAL that cannot be archived: the archiver view says so.
    await primarySql("create table if not exists faults_disk (x int); insert into faults_disk values (1)");
    await primarySql("select pg_switch_wal()");
    const failing = await waitUntil(
      "the archiver flagged failing",
      async () => {
        const view = await archiver();
        return view?.failing === true ? view : null;
      },
      20_000,
    );
    expect(failing.failedCount).toBeGreaterThan(0);
    expect(failing.lastFailedWal).toMatch(/^[0-9A-F]{24}$/);

    // Space freed (the filler deleted, the disk grown): archiving catches up, backups work again.
    await fs.rm(filler);
    await run("mount", ["-o", "remount,size=160m", mountPoint]);
    await waitUntil("the archiver recovered", async () => (await archiver())?.failing === false, 30_000);
    expect(await fs.readdir(archive)).toContain(failing.lastFailedWal);
    const next = await takePhysicalBackup(clusterId);
    expect((await fs.readdir(clusterDir)).sort()).toEqual([next, REPOSITORY_DESCRIPTOR_FILE].sort());
    expect(await restoreWindowBackupIds(clusterId)).toContain(next);
  });
});
