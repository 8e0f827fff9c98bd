import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { db } from "@/lib/db";
import { buildArchiveCommand } from "@/lib/tools/archive-command";
import { encryptNodePassword } from "@/lib/secrets";
import { ownedDir, ownedFile, pgBinDir, runAsServerUser } from "@/test/embedded-postgres";

// A standalone source primary (Debian's PostgreSQL 15) that archives into a Walden archive
// folder and is registered as a Walden cluster: for pg tests whose source needs what the
// sandbox's shared primary must not get (preloaded libraries, ALTER SYSTEM hooks, a
// subscription, tablespaces). 1 MiB WAL segments keep its archive small and quick to fill.

const HOST = "127.0.0.1";
const MAJOR = 15;

export interface SourceCluster {
  /** The cluster's id in the catalog, or null when it was started with register: false. */
  clusterId: string | null;
  root: string;
  dataDir: string;
  port: number;
  socketDir: string;
  archiveDir: string;
  logFile: string;
  binDir: string;
  /** The postgres role's password (the registered node's), for TCP connections. */
  password: string;
  /** A superuser session through the private socket. */
  connect(database?: string): Promise<pg.Client>;
  query<R extends pg.QueryResultRow>(sql: string, database?: string): Promise<R[]>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the server (immediate) and deletes its folder; the catalog rows stay. */
  remove(): Promise<void>;
}

const confLines = (settings: Record<string, string | number>) =>
  Object.entries(settings)
    .map(([key, value]) => `${key} = '${String(value).replaceAll("'", "''")}'`)
    .join("\n") + "\n";

/**
 * initdb, configure (archiving into `root`/archive plus `settings`), start, give the postgres
 * role a password and register the server as a cluster named `name` (unless register: false).
 * `root` is removed first, with anything an interrupted run left running there.
 */
export async function startSourceCluster(options: {
  name: string;
  root: string;
  port: number;
  settings?: Record<string, string | number>;
  /** Lines written to postgresql.conf after the settings (include directives…). */
  extraConf?: string;
  register?: boolean;
}): Promise<SourceCluster> {
  const { root, port } = options;
  const binDir = await pgBinDir(MAJOR);
  const dataDir = path.join(root, "data");
  const socketDir = path.join(root, "run");
  const archiveDir = path.join(root, "archive");
  const logFile = path.join(root, "server.log");
  const password = `source-${Date.now().toString(36)}`;
  const pgCtl = (args: string[]) => runAsServerUser(binDir, "pg_ctl", [...args, "-D", dataDir]);

  const source: SourceCluster = {
    clusterId: null,
    root,
    dataDir,
    port,
    socketDir,
    archiveDir,
    logFile,
    binDir,
    password,
    async connect(database = "postgres") {
      const client = new pg.Client({ host: socketDir, port, user: "postgres", database, ssl: false });
      await client.connect();
      return client;
    },
    async query<R extends pg.QueryResultRow>(sql: string, database = "postgres") {
      const client = await source.connect(database);
      try {
        return (await client.query<R>(sql)).rows;
      } finally {
        await client.end();
      }
    },
    async start() {
      await pgCtl(["start", "-w", "-t", "60", "-l", logFile]);
    },
    async stop() {
      await pgCtl(["stop", "-w", "-t", "60", "-m", "fast"]);
    },
    async remove() {
      if (existsSync(path.join(dataDir, "postmaster.pid")))
        await pgCtl(["stop", "-w", "-t", "30", "-m", "immediate"]).catch(() => {});
      await fs.rm(root, { recursive: true, force: true });
    },
  };

  await source.remove();
  await ownedDir(root, 0o755);
  await ownedDir(socketDir, 0o700);
  await ownedDir(archiveDir, 0o700);
  await ownedDir(dataDir, 0o700);
  await runAsServerUser(binDir, "initdb", [
    ...["-D", dataDir, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256"],
    ...["--encoding=UTF8", "--locale=C", "--no-sync", "--wal-segsize=1"],
  ]);
  await ownedFile(
    path.join(dataDir, "pg_hba.conf"),
    `local all all trust\nhost all all ${HOST}/32 scram-sha-256\nhost replication all ${HOST}/32 scram-sha-256\n`,
  );
  await ownedFile(
    path.join(dataDir, "postgresql.conf"),
    confLines({
      listen_addresses: HOST,
      port,
      unix_socket_directories: socketDir,
      wal_level: "replica",
      archive_mode: "on",
      archive_command: buildArchiveCommand(archiveDir),
      max_wal_senders: 10,
      // Test servers: durability buys nothing, and fsync is most of a small server's start/stop time.
      fsync: "off",
      shared_buffers: "16MB",
      ...options.settings,
    }) + (options.extraConf ?? ""),
    { append: true },
  );
  try {
    await source.start();
  } catch (error) {
    const log = await fs.readFile(logFile, "utf8").catch(() => "");
    throw new Error(`${(error as Error).message}\n${log.split("\n").slice(-15).join("\n")}`);
  }
  await source.query(`alter role postgres password '${password}'`);
  if (options.register !== false) {
    const cluster = await db().cluster.create({
      data: { name: options.name, archiveMode: "archive_command", archivePath: archiveDir },
    });
    await db().node.create({
      data: {
        clusterId: cluster.id,
        name: "primary",
        role: "primary",
        host: HOST,
        port,
        username: "postgres",
        database: "postgres",
        passwordEncrypted: encryptNodePassword(password),
      },
    });
    source.clusterId = cluster.id;
  }
  return source;
}
