import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildArchiveCommand } from "@/lib/tools/archive-command";
import {
  sandboxStatus,
  startSandbox,
  stopSandbox,
  type SandboxInfo,
  type SandboxOptions,
  type SandboxServer,
} from ".";

// Its own home and ports (26400-26403), so it never meets a developer's sandbox.
const opts: SandboxOptions = {
  home: mkdtempSync(path.join(os.tmpdir(), "walden-sandbox-test-")),
  basePort: 26400,
};
let info: SandboxInfo;

beforeAll(async () => {
  const started = performance.now();
  info = await startSandbox(opts);
  console.info(`sandbox cold start: ${Math.round(performance.now() - started)} ms`);
}, 180_000);

afterAll(async () => {
  await stopSandbox(opts).catch(() => {});
  rmSync(opts.home, { recursive: true, force: true });
}, 120_000);

function standby(name: "standby1" | "standby2"): SandboxServer {
  const found = info.cluster.standbys.find((server) => server.name === name);
  if (!found) throw new Error(`no ${name} in the sandbox info`);
  return found;
}

/** Connect like Walden does: TCP to 127.0.0.1 as walden with the generated password. */
async function query<R extends pg.QueryResultRow>(
  server: SandboxServer,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: "walden",
    password: info.cluster.primary.password,
    database: "app",
  });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** pg_ctl as the sandbox's OS user, the way a DBA would stop one server by hand. */
function pgCtl(args: string[]): void {
  const pgCtlPath = path.join(info.binaries.binDir, "pg_ctl");
  const [command, argv] =
    process.getuid?.() === 0 ? ["runuser", ["-u", info.osUser, "--", pgCtlPath, ...args]] : [pgCtlPath, args];
  const result = spawnSync(command, argv, { cwd: os.tmpdir(), encoding: "utf8" });
  expect(result.status, result.stderr).toBe(0);
}

describe("a fresh sandbox", () => {
  it("describes the documented ports and layout", () => {
    expect(info.catalog.port).toBe(26400);
    expect(info.cluster.primary.port).toBe(26401);
    expect(info.cluster.standbys.map((s) => [s.name, s.port, s.upstream, s.slot])).toEqual([
      ["standby1", 26402, "primary", "standby1"],
      ["standby2", 26403, "standby1", "standby2"],
    ]);
    expect(info.cluster.archiveDir).toBe(path.join(opts.home, "archive", "demo"));
    expect(info.osUser).toBe(process.getuid?.() === 0 ? "postgres" : os.userInfo().username);
  });

  it("serves the catalog to walden over its URL", async () => {
    const client = new pg.Client({ connectionString: info.catalog.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ who: string; db: string; superuser: string }>(
        "SELECT current_user AS who, current_database() AS db, current_setting('is_superuser') AS superuser",
      );
      expect(rows).toEqual([{ who: "walden", db: "walden", superuser: "on" }]);
    } finally {
      await client.end();
    }
  });

  it("runs a writable primary that archives with the safe command", async () => {
    const [row] = await query<{ recovery: boolean; archive_mode: string; archive_command: string }>(
      info.cluster.primary,
      `SELECT pg_is_in_recovery() AS recovery, current_setting('archive_mode') AS archive_mode,
              current_setting('archive_command') AS archive_command`,
    );
    expect(row).toEqual({
      recovery: false,
      archive_mode: "on",
      archive_command: buildArchiveCommand(info.cluster.archiveDir),
    });
  });

  it("runs both standbys in recovery, without archiving (until a failover promotes one)", async () => {
    for (const name of ["standby1", "standby2"] as const) {
      const [row] = await query<{
        recovery: boolean;
        cluster: string;
        archive_mode: string;
        archived: number;
      }>(
        standby(name),
        `SELECT pg_is_in_recovery() AS recovery, current_setting('cluster_name') AS cluster,
                current_setting('archive_mode') AS archive_mode,
                (SELECT archived_count + failed_count FROM pg_stat_archiver)::int AS archived`,
      );
      // "on" archives nothing in recovery: only once promoted, into the same archive (failover.ts).
      expect(row).toEqual({ recovery: true, cluster: name, archive_mode: "on", archived: 0 });
    }
  });

  it("streams primary → standby1 → standby2 through active slots", async () => {
    const replication = "SELECT application_name, state FROM pg_stat_replication ORDER BY 1";
    expect(await query(info.cluster.primary, replication)).toEqual([
      { application_name: "standby1", state: "streaming" },
    ]);
    expect(await query(standby("standby1"), replication)).toEqual([
      { application_name: "standby2", state: "streaming" },
    ]);
    const slots = "SELECT slot_name, active FROM pg_replication_slots ORDER BY 1";
    expect(await query(info.cluster.primary, slots)).toEqual([{ slot_name: "standby1", active: true }]);
    expect(await query(standby("standby1"), slots)).toEqual([{ slot_name: "standby2", active: true }]);
  });

  it("replicates a row from the primary to the cascaded standby2 within 10 s", async () => {
    const note = `probe-${Date.now()}`;
    await query(info.cluster.primary, "CREATE TABLE IF NOT EXISTS sandbox_probe (note text)");
    await query(info.cluster.primary, "INSERT INTO sandbox_probe VALUES ($1)", [note]);
    const seen = await waitFor(async () => {
      const rows = await query<{ note: string }>(
        standby("standby2"),
        "SELECT note FROM sandbox_probe WHERE note = $1",
        [note],
      ).catch(() => []);
      return rows[0]?.note;
    }, 10_000);
    expect(seen).toBe(note);
  });

  it("archives the segment closed by pg_switch_wal() within 10 s", async () => {
    await query(info.cluster.primary, "CREATE TABLE IF NOT EXISTS sandbox_probe (note text)");
    await query(info.cluster.primary, "INSERT INTO sandbox_probe VALUES ('before switch')");
    const [row] = await query<{ segment: string }>(
      info.cluster.primary,
      "SELECT pg_walfile_name(pg_switch_wal()) AS segment",
    );
    const segment = path.join(info.cluster.archiveDir, row?.segment ?? "missing");
    const archived = await waitFor(async () => (existsSync(segment) ? true : undefined), 10_000);
    expect(archived).toBe(true);
  });
});

describe("calling it again", () => {
  it("reuses everything quickly: same ports, same passwords", async () => {
    const started = performance.now();
    const again = await startSandbox(opts);
    const elapsed = performance.now() - started;
    console.info(`sandbox warm start: ${Math.round(elapsed)} ms`);
    expect(again).toEqual(info);
    expect(elapsed).toBeLessThan(5_000);
  });

  it("serialises concurrent calls on the lock", async () => {
    const both = await Promise.all([startSandbox(opts), startSandbox(opts)]);
    expect(both).toEqual([info, info]);
    expect(existsSync(path.join(opts.home, "sandbox.lock"))).toBe(false);
  });

  it("restarts a standby stopped by hand", async () => {
    pgCtl(["stop", "-w", "-m", "fast", "-D", standby("standby1").dataDir]);
    expect((await sandboxStatus(opts)).standby1).toBe("stopped");
    await startSandbox(opts);
    expect(await sandboxStatus(opts)).toEqual({
      catalog: "running",
      primary: "running",
      standby1: "running",
      standby2: "running",
    });
    expect(
      await query(standby("standby1"), "SELECT application_name, state FROM pg_stat_replication"),
    ).toEqual([{ application_name: "standby2", state: "streaming" }]);
  }, 120_000);

  it("rebuilds a standby whose data directory is gone", async () => {
    pgCtl(["stop", "-w", "-m", "fast", "-D", standby("standby2").dataDir]);
    rmSync(standby("standby2").dataDir, { recursive: true, force: true });
    expect((await sandboxStatus(opts)).standby2).toBe("absent");
    await startSandbox(opts);
    const [row] = await query<{ recovery: boolean }>(
      standby("standby2"),
      "SELECT pg_is_in_recovery() AS recovery",
    );
    expect(row).toEqual({ recovery: true });
  }, 120_000);

  it("stops everything, keeping the data", async () => {
    await stopSandbox(opts);
    expect(await sandboxStatus(opts)).toEqual({
      catalog: "stopped",
      primary: "stopped",
      standby1: "stopped",
      standby2: "stopped",
    });
    expect(existsSync(path.join(info.cluster.primary.dataDir, "PG_VERSION"))).toBe(true);
  }, 120_000);
});
