import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as backupRoute from "@/app/api/v1/backups/[id]/route";
import * as restoreWindowRoute from "@/app/api/v1/clusters/[id]/restore-window/route";
import { backupApplicationName } from "@/lib/backup/orphans";
import { backupPaths, repositoryRoot } from "@/lib/backup/repository";
import { reapStaleBackups } from "@/lib/backup/run";
import { db } from "@/lib/db";
import { planPitrRestore } from "@/lib/restore/plan-service";
import { physicalBackupRequestSchema } from "@/lib/schemas/backup";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";
import { refreshRestoreWindow } from "@/lib/wal/stored-window";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { registerSandboxCluster, takePhysicalBackup, withSandboxPrimary } from "@/test/sandbox-cluster";

// Faults a DBA meets for real (issue 7): a worker killed with SIGKILL mid-backup, the catalog
// database restarting under a running worker, and a backup repository / WAL archive whose disk
// fills up. Each must be detected and shown, leave nothing half-done on offer for restore, and
// recover once the fault clears.

const suffix = Date.now().toString(36);
let viewer: TestUser;

beforeAll(async () => {
  viewer = await makeUser("viewer", "faults");
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
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
  const response = await call(restoreWindowRoute.GET, "GET", `/api/v1/clusters/${clusterId}/restore-window`, {
    token: viewer.token,
    params: { id: clusterId },
  });
  expect(response.status, response.text).toBe(200);
  return response.json.backups.map((backup: { id: string }) => backup.id);
}

describe("a worker killed with SIGKILL during a physical backup", () => {
  it("is failed by the reaper, leaves no files and no running pg_basebackup, and the next backup succeeds", async () => {
    const clusterName = `faults-kill-${suffix}`;
    const clusterId = await registerSandboxCluster(clusterName);
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
    try {
      await waitUntil(
        "pg_basebackup writing into the partial folder",
        async () => {
          const files = await fs.readdir(paths.partialDir).catch(() => []);
          const sizes = await Promise.all(
            files.map((file) => fs.stat(path.join(paths.partialDir, file)).then((s) => s.size)),
          );
          return sizes.some((size) => size > 0);
        },
        30_000,
      );
    } catch (error) {
      worker.kill("SIGKILL");
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
    expect(await fs.readdir(paths.clusterDir)).toEqual([next]);
  });
});
