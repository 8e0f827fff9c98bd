import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as backupRoute from "@/app/api/v1/backups/[id]/route";
import * as verifyRoute from "@/app/api/v1/backups/[id]/verify/route";
import * as backupsRoute from "@/app/api/v1/backups/route";
import { backupPaths, repositoryRoot } from "@/lib/backup/repository";
import { reapStaleBackups, runBackup } from "@/lib/backup/run";
import { verifyBackup } from "@/lib/backup/verify";
import { copyBackup, listCopies } from "@/lib/backup/copy";
import { db } from "@/lib/db";
import { call, makeUser, type TestUser } from "@/test/api-client";

// Real pg_basebackup and pg_dump against the sandbox, run by the same function the worker
// runs (runBackup), requested through the real API handler.

const sandbox = inject("sandbox");
let operator: TestUser;
let viewer: TestUser;
let clusterId: string;
const clusterName = `backed-${Date.now().toString(36)}`;

beforeAll(async () => {
  // Something for pg_dump's table patterns to match, whatever ran before.
  const client = new pg.Client({
    host: "127.0.0.1",
    port: sandbox.cluster.primary.port,
    user: "walden",
    password: sandbox.cluster.primary.password,
    database: "app",
  });
  await client.connect();
  await client.query(
    "create table if not exists backup_orders (id int primary key, note text); insert into backup_orders values (1, 'x') on conflict do nothing",
  );
  await client.end();
  operator = await makeUser("operator");
  viewer = await makeUser("viewer");
  const cluster = await db().cluster.create({
    data: {
      name: clusterName,
      archiveMode: "archive_command",
      archivePath: sandbox.cluster.archiveDir,
      nodes: { create: [] },
    },
  });
  clusterId = cluster.id;
  const { encryptNodePassword } = await import("@/lib/secrets");
  await db().node.create({
    data: {
      clusterId,
      name: "primary",
      role: "primary",
      host: "127.0.0.1",
      port: sandbox.cluster.primary.port,
      username: "walden",
      database: "app",
      passwordEncrypted: encryptNodePassword(sandbox.cluster.primary.password),
    },
  });
});

afterAll(async () => {
  await db().cluster.delete({ where: { id: clusterId } });
  await fs.rm(path.join(repositoryRoot(), clusterName), { recursive: true, force: true });
});

async function request(body: Record<string, unknown>, token = operator.token) {
  return call(backupsRoute.POST, "POST", "/api/v1/backups", { token, body: { clusterId, ...body } });
}

describe("POST /api/v1/backups", () => {
  it("is 403 for a viewer", async () => {
    expect((await request({ kind: "physical" }, viewer.token)).status).toBe(403);
  });

  it.each([
    ["a shell command as a table", { kind: "logical", tables: ["orders; touch /tmp/x"] }],
    ["command substitution", { kind: "logical", tables: ["$(id)"] }],
    ["a conninfo string as database", { kind: "logical", database: "host=x" }],
    ["an option smuggled as a table", { kind: "logical", tables: ["--file=/etc/passwd"] }],
    ["an unknown kind", { kind: "snapshot" }],
  ])("is 422 for %s, and nothing is queued", async (_label, body) => {
    const before = await db().backup.count({ where: { clusterId } });
    const response = await request(body);
    expect(response.status).toBe(422);
    expect(await db().backup.count({ where: { clusterId } })).toBe(before);
  });

  it("is 404 for an unknown cluster", async () => {
    const response = await call(backupsRoute.POST, "POST", "/api/v1/backups", {
      token: operator.token,
      body: { clusterId: "5f0c7a4e-6a43-4b2a-9d5e-0b7c1f2a3d4e", kind: "physical" },
    });
    expect(response.status).toBe(404);
  });
});

describe("a physical backup", () => {
  it("is queued, then taken with pg_basebackup, checksummed, its WAL archived, and cataloged", async () => {
    const queued = await request({ kind: "physical", compression: "none", label: "test" });
    expect(queued.status).toBe(202);
    expect(queued.json).toEqual({ id: expect.any(String), status: "queued" });

    expect(await runBackup(queued.json.id, "test-worker")).toBe(true);
    // Idempotent by id: a second delivery of the same job does nothing.
    expect(await runBackup(queued.json.id, "test-worker")).toBe(false);

    const backup = await call(backupRoute.GET, "GET", "/x", {
      token: viewer.token,
      params: { id: queued.json.id },
    });
    expect(backup.json.error).toBeNull();
    expect(backup.json).toMatchObject({
      status: "succeeded",
      kind: "physical",
      progress: 100,
      timeline: 1,
      verified: false,
      label: "test",
    });
    expect(backup.json.startLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(backup.json.stopLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(backup.json.stopWal).toMatch(/^[0-9A-F]{24}$/);
    expect(backup.json.sizeBytes).toBeGreaterThan(1_000_000);
    expect(backup.json.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(backup.json.systemIdentifier).toMatch(/^\d+$/);

    const dir = backupPaths(repositoryRoot(), clusterName, queued.json.id).finalDir;
    const files = (await fs.readdir(dir)).sort();
    expect(files).toEqual(
      expect.arrayContaining(["backup_manifest", "base.tar", "pg_wal.tar", "walden.json"]),
    );
    await expect(fs.stat(path.join(sandbox.cluster.archiveDir, backup.json.stopWal))).resolves.toBeTruthy();
    const partials = (await fs.readdir(path.dirname(dir))).filter((name) => name.startsWith(".partial-"));
    expect(partials).toEqual([]);
  });

  it("compresses on the server with lz4 by default", async () => {
    const queued = await request({ kind: "physical" });
    await runBackup(queued.json.id, "test-worker");
    const backup = await db().backup.findUniqueOrThrow({ where: { id: queued.json.id } });
    expect(backup.error).toBeNull();
    expect(await fs.readdir(backup.path!)).toEqual(expect.arrayContaining(["base.tar.lz4"]));
  });
});

describe("a logical backup", () => {
  it("dumps with pg_dump in the custom format, keeps globals beside it, and checksums every file", async () => {
    const queued = await request({ kind: "logical", database: "app" });
    await runBackup(queued.json.id, "test-worker");
    const backup = await db().backup.findUniqueOrThrow({ where: { id: queued.json.id } });
    expect(backup.error).toBeNull();
    expect(backup.status).toBe("succeeded");
    expect(backup.database).toBe("app");
    const files = (await fs.readdir(backup.path!)).sort();
    expect(files).toEqual(["SHA256SUMS", "dump.pgdump", "globals.sql", "walden.json"]);
    const sums = await fs.readFile(path.join(backup.path!, "SHA256SUMS"), "utf8");
    expect(sums).toMatch(/^[0-9a-f]{64} {2}dump\.pgdump$/m);
    expect(await fs.readFile(path.join(backup.path!, "globals.sql"), "utf8")).toContain("CREATE ROLE walden");
  });

  it("dumps chosen tables in the directory format with parallel jobs", async () => {
    const queued = await request({ kind: "logical", format: "directory", jobs: 2, tables: ["public.*"] });
    await runBackup(queued.json.id, "test-worker");
    const backup = await db().backup.findUniqueOrThrow({ where: { id: queued.json.id } });
    expect(backup.error).toBeNull();
    expect(await fs.readdir(path.join(backup.path!, "dump"))).toContain("toc.dat");
  });

  it("fails cleanly when pg_dump fails, leaving no files", async () => {
    const queued = await request({ kind: "logical", database: "no_such_database" });
    await runBackup(queued.json.id, "test-worker");
    const backup = await db().backup.findUniqueOrThrow({ where: { id: queued.json.id } });
    expect(backup.status).toBe("failed");
    expect(backup.error).toMatch(/pg_dump failed.*no_such_database/);
    const paths = backupPaths(repositoryRoot(), clusterName, queued.json.id);
    await expect(fs.stat(paths.partialDir)).rejects.toThrow();
    await expect(fs.stat(paths.finalDir)).rejects.toThrow();
  });
});

describe("verification", () => {
  async function succeededBackup(body: Record<string, unknown>) {
    const queued = await request(body);
    await runBackup(queued.json.id, "test-worker");
    return db().backup.findUniqueOrThrow({ where: { id: queued.json.id } });
  }

  it("passes a sound physical backup (pg_verifybackup + archived WAL) and catches a corrupted one", async () => {
    const backup = await succeededBackup({ kind: "physical" });
    expect(await verifyBackup(backup.id)).toBe(true);
    const verified = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
    expect(verified.verified).toBe(true);
    expect(verified.verifyLog).toMatch(/archive holds/);

    const plain = await succeededBackup({ kind: "physical", compression: "none" });
    const tar = path.join(plain.path!, "base.tar");
    const bytes = await fs.readFile(tar);
    // Flip bytes well inside the archive (file data, not the first header).
    for (let offset = Math.floor(bytes.length / 2); offset < Math.floor(bytes.length / 2) + 4096; offset += 1)
      bytes[offset] = bytes[offset]! ^ 0xff;
    await fs.writeFile(tar, bytes);
    expect(await verifyBackup(plain.id)).toBe(false);
    const failed = await db().backup.findUniqueOrThrow({ where: { id: plain.id } });
    expect(failed.verified).toBe(false);
    expect(failed.verifyLog).toMatch(/failed:/);
  });

  it("passes a sound logical backup and catches a changed dump file", async () => {
    const backup = await succeededBackup({ kind: "logical" });
    expect(await verifyBackup(backup.id)).toBe(true);
    await fs.appendFile(path.join(backup.path!, "dump.pgdump"), "x");
    expect(await verifyBackup(backup.id)).toBe(false);
    expect((await db().backup.findUniqueOrThrow({ where: { id: backup.id } })).verifyLog).toMatch(
      /checksum mismatch for dump.pgdump/,
    );
  });

  it("is requested through the API only for succeeded backups", async () => {
    const failed = await db().backup.create({
      data: { clusterId, kind: "physical", status: "failed", options: {}, requestedBy: "test" },
    });
    const refused = await call(verifyRoute.POST, "POST", "/x", {
      token: operator.token,
      params: { id: failed.id },
    });
    expect(refused.status).toBe(409);
    const viewerTry = await call(verifyRoute.POST, "POST", "/x", {
      token: viewer.token,
      params: { id: failed.id },
    });
    expect(viewerTry.status).toBe(403);
    const good = await db().backup.findFirstOrThrow({ where: { clusterId, status: "succeeded" } });
    const accepted = await call(verifyRoute.POST, "POST", "/x", {
      token: operator.token,
      params: { id: good.id },
    });
    expect(accepted.status).toBe(202);
  });
});

describe("the second copy (3-2-1)", () => {
  it("copies a backup to the second repository, checks every file, and records the copy; a corrupt original is refused", async () => {
    const secondary = path.join(inject("waldenHome"), `secondary-${clusterName}`);
    await db().cluster.update({
      where: { id: clusterId },
      data: { secondaryRepositoryPath: secondary, secondaryOffsite: true },
    });
    try {
      const queued = await request({ kind: "logical" });
      await runBackup(queued.json.id, "test-worker");
      const result = await copyBackup(queued.json.id);
      expect(result.ok, JSON.stringify(await listCopies(queued.json.id))).toBe(true);
      const [copy] = await listCopies(queued.json.id);
      expect(copy).toMatchObject({ status: "succeeded", offsite: true, error: null });
      const original = await db().backup.findUniqueOrThrow({ where: { id: queued.json.id } });
      expect(copy!.checksum).toBe(original.checksum);
      expect(await fs.readFile(path.join(copy!.path, "dump.pgdump"))).toEqual(
        await fs.readFile(path.join(original.path!, "dump.pgdump")),
      );

      await fs.appendFile(path.join(original.path!, "dump.pgdump"), "rot");
      const again = await copyBackup(queued.json.id);
      expect(again.ok).toBe(false);
      const copies = await listCopies(queued.json.id);
      expect(copies.at(-1)).toMatchObject({
        status: "failed",
        error: expect.stringMatching(/checksum mismatch/),
      });
    } finally {
      await db().cluster.update({ where: { id: clusterId }, data: { secondaryRepositoryPath: null } });
      await fs.rm(secondary, { recursive: true, force: true });
    }
  });
});

describe("the reaper", () => {
  it("fails a running backup whose worker stopped beating, and removes its partial files", async () => {
    const backup = await db().backup.create({
      data: {
        clusterId,
        kind: "physical",
        status: "running",
        options: {},
        requestedBy: "test",
        heartbeatAt: new Date(Date.now() - 120_000),
      },
    });
    const paths = backupPaths(repositoryRoot(), clusterName, backup.id);
    await fs.mkdir(paths.partialDir, { recursive: true });
    await fs.writeFile(path.join(paths.partialDir, "base.tar"), "half");
    expect(await reapStaleBackups()).toContain(backup.id);
    const after = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
    expect(after.status).toBe("failed");
    expect(after.error).toMatch(/worker running it stopped/);
    await expect(fs.stat(paths.partialDir)).rejects.toThrow();
  });
});

describe("GET /api/v1/backups", () => {
  it("filters by cluster, status and kind", async () => {
    const response = await call(
      backupsRoute.GET,
      "GET",
      `/api/v1/backups?clusterId=${clusterId}&status=succeeded&kind=logical`,
      { token: viewer.token },
    );
    expect(response.status).toBe(200);
    expect(response.json.length).toBeGreaterThanOrEqual(2);
    expect(
      response.json.every(
        (backup: { kind: string; status: string }) =>
          backup.kind === "logical" && backup.status === "succeeded",
      ),
    ).toBe(true);
    const bad = await call(backupsRoute.GET, "GET", "/api/v1/backups?status=done", { token: viewer.token });
    expect(bad.status).toBe(422);
  });
});

describe("a worker killed mid-backup", () => {
  it("leaves the backup failed with no partial files, never offered for restore", async () => {
    const queued = await request({ kind: "physical", compression: "none", maxRateKbps: 32 });
    // A process running the worker's backup code, killed with everything it started.
    const worker = spawn(
      path.resolve("node_modules/.bin/tsx"),
      [
        "--eval",
        `import("./lib/backup/run.ts").then((m) => m.runBackup(${JSON.stringify(queued.json.id)}, "doomed-worker"))`,
      ],
      { env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    let output = "";
    worker.stdout!.on("data", (chunk) => (output += chunk));
    worker.stderr!.on("data", (chunk) => (output += chunk));
    const paths = backupPaths(repositoryRoot(), clusterName, queued.json.id);
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const row = await db().backup.findUniqueOrThrow({ where: { id: queued.json.id } });
        const partial = await fs.readdir(paths.partialDir).catch(() => []);
        if (row.status === "running" && partial.length > 0) break;
        if (Date.now() > deadline)
          throw new Error(`the backup never got going: ${row.status}\n${output.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      // The whole worker, pg_basebackup included, dies at once.
      process.kill(-worker.pid!, "SIGKILL");
    }
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await reapStaleBackups(2_000)).toContain(queued.json.id);
    const failed = await db().backup.findUniqueOrThrow({ where: { id: queued.json.id } });
    expect(failed.status).toBe("failed");
    expect(failed.path).toBeNull();
    await expect(fs.stat(paths.partialDir)).rejects.toThrow();
    await expect(fs.stat(paths.finalDir)).rejects.toThrow();
  });
});
