// Over 400 lines: one harness (Patroni config, etcd and Patroni daemons, REST waits, teardown) read best in one place.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { buildArchiveCommand } from "@/lib/tools/archive-command";
import { findPgBinaries } from "@/lib/tools/binaries";
import { asServerUser, serverUser } from "@/lib/tools/server-user";
import { waitUntil } from "./wait";

// A real HA manager for tests: etcd (v2 API, which Patroni's `etcd:` section speaks) and three
// Patroni-managed PostgreSQL nodes on 127.0.0.1, all run as the server's OS user (`postgres`
// when the test is root), every node archiving into one shared folder as Walden expects from an
// HA setup. Debian's packages: `patroni` and `etcd-server` (.ci/run installs them).

export const PATRONI_SCOPE = "walden-ha";
const NODE_NAMES = ["node1", "node2", "node3"] as const;
export type PatroniNodeName = (typeof NODE_NAMES)[number];

export interface PatroniNode {
  name: PatroniNodeName;
  port: number;
  restPort: number;
  dataDir: string;
  configFile: string;
}

export interface PatroniMember {
  name: string;
  role: "leader" | "replica" | "sync_standby" | "standby_leader" | string;
  state: string;
  timeline?: number;
  lag?: number | string;
}

export interface PatroniCluster {
  home: string;
  archiveDir: string;
  nodes: PatroniNode[];
  /** The role Walden connects as (superuser with REPLICATION, as the sandbox's) and its database. */
  walden: { user: "walden"; password: string; database: "app" };
  node(name: string): PatroniNode;
  /** Members as Patroni's REST API lists them. */
  members(): Promise<PatroniMember[]>;
  /** The running leader's name, once there is exactly one. */
  waitForLeader(options?: { not?: string; timeoutMs?: number }): Promise<PatroniNode>;
  /** Every member running and streaming (replicas) on the leader's timeline. */
  waitForHealthy(timeoutMs?: number): Promise<void>;
  patronictl(args: string[]): { code: number | null; output: string };
  /** SIGKILL to a node's postmaster (a crash): its Patroni then lets another node take over. */
  killPostmaster(name: string): void;
  /** SQL as `walden` on one node. */
  query<T extends pg.QueryResultRow>(name: string, sql: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/** Why a Patroni test cannot run here (packages missing), or null when it can. */
export function patroniUnavailable(): string | null {
  const missing = [
    ["patroni", "/usr/bin/patroni"],
    ["patronictl", "/usr/bin/patronictl"],
    ["etcd", "/usr/bin/etcd"],
  ].filter(([, file]) => !existsSync(file!));
  if (missing.length > 0) {
    return (
      `${missing.map(([name]) => name).join(", ")} not installed: ` +
      "apt-get install patroni etcd-server python3-etcd (Debian's packages; .ci/run installs them)"
    );
  }
  const etcdModule = spawnSync("/usr/bin/python3", ["-c", "import etcd"], { encoding: "utf8" });
  if (etcdModule.status !== 0) return "Patroni's etcd client is missing: apt-get install python3-etcd";
  try {
    findPgBinaries();
  } catch (error) {
    return (error as Error).message;
  }
  return null;
}

const secret = () => randomBytes(12).toString("hex");

/** The config Patroni reads (JSON is YAML). Loop timings short, so a test sees changes in seconds. */
function patroniConfig(options: {
  node: PatroniNode;
  etcdPort: number;
  binDir: string;
  runDir: string;
  archiveDir: string;
  passwords: { superuser: string; replicator: string };
  pgpass: string;
}) {
  const { node } = options;
  return {
    scope: PATRONI_SCOPE,
    namespace: "/walden-test/",
    name: node.name,
    restapi: { listen: `127.0.0.1:${node.restPort}`, connect_address: `127.0.0.1:${node.restPort}` },
    etcd: { host: `127.0.0.1:${options.etcdPort}` },
    bootstrap: {
      dcs: {
        ttl: 10,
        loop_wait: 1,
        retry_timeout: 3,
        maximum_lag_on_failover: 16 * 1024 * 1024,
        // A crashed leader is not restarted in place: another node takes over at once.
        primary_start_timeout: 0,
        postgresql: {
          use_pg_rewind: true,
          use_slots: true,
          parameters: {
            wal_level: "replica",
            hot_standby: "on",
            wal_log_hints: "on",
            archive_mode: "on",
            archive_command: buildArchiveCommand(options.archiveDir),
            max_wal_senders: 10,
            max_replication_slots: 10,
            wal_keep_size: "128MB",
            track_commit_timestamp: "on",
          },
        },
      },
      initdb: [{ encoding: "UTF8" }, { "auth-local": "trust" }, "data-checksums"],
    },
    postgresql: {
      listen: `127.0.0.1:${node.port}`,
      connect_address: `127.0.0.1:${node.port}`,
      data_dir: node.dataDir,
      bin_dir: options.binDir,
      pgpass: options.pgpass,
      // pg_basebackup's default spread checkpoint would keep a new replica waiting for minutes.
      basebackup: [{ checkpoint: "fast" }],
      authentication: {
        superuser: { username: "postgres", password: options.passwords.superuser },
        replication: { username: "replicator", password: options.passwords.replicator },
      },
      parameters: { unix_socket_directories: options.runDir, password_encryption: "scram-sha-256" },
      pg_hba: [
        "local all all trust",
        "host all all 127.0.0.1/32 scram-sha-256",
        "host replication all 127.0.0.1/32 scram-sha-256",
      ],
    },
  };
}

function ownedDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const user = serverUser();
  if (user.viaRunuser) chownSync(dir, user.uid, user.gid);
  return dir;
}

/** Nothing of the caller's environment (PG* variables, DATABASE_URL) reaches Patroni or etcd. */
function daemonEnvironment(home: string): NodeJS.ProcessEnv {
  return { NODE_ENV: "test", PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", HOME: home };
}

/** Starts a program as the server user in its own process group, output into a log file. */
function startDaemon(file: string, args: string[], logFile: string, cwd: string): ChildProcess {
  const command = asServerUser(file, args);
  const log = openSync(logFile, "a", 0o600);
  const child = spawn(command.program, command.args, {
    cwd,
    detached: true,
    stdio: ["ignore", log, log],
    shell: false,
    env: daemonEnvironment(cwd),
  });
  child.unref();
  return child;
}

async function signalAndWait(child: ChildProcess, signal: NodeJS.Signals, timeoutMs: number) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone
    }
  }, timeoutMs);
  await exited;
  clearTimeout(timer);
}

async function getJson<T>(url: string): Promise<T | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return (await response.json()) as T;
  } catch {
    return null;
  }
}

/** Postmaster pid from the data directory, or null when the server is not running. */
function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/**
 * etcd on `basePort` (client) and `basePort + 1` (peer); node i's PostgreSQL on
 * `basePort + 10 + i`, its REST API on `basePort + 20 + i`. Resolves once a leader runs and
 * both replicas stream from it, with Walden's role and database created.
 */
export async function startPatroniCluster(options: { basePort: number; log?: (line: string) => void }) {
  const log = options.log ?? (() => {});
  const home = mkdtempSync(path.join(os.tmpdir(), "walden-patroni-"));
  ownedDir(home);
  const runDir = ownedDir(path.join(home, "run"));
  const archiveDir = ownedDir(path.join(home, "archive"));
  const logDir = ownedDir(path.join(home, "logs"));
  const { binDir } = findPgBinaries();
  const etcdPort = options.basePort;
  const passwords = { superuser: secret(), replicator: secret() };
  const walden = { user: "walden" as const, password: secret(), database: "app" as const };

  const nodes: PatroniNode[] = NODE_NAMES.map((name, index) => ({
    name,
    port: options.basePort + 10 + index,
    restPort: options.basePort + 20 + index,
    dataDir: path.join(home, name, "data"),
    configFile: path.join(home, `${name}.yml`),
  }));
  const children: ChildProcess[] = [];

  const cluster: PatroniCluster = {
    home,
    archiveDir,
    nodes,
    walden,
    node(name) {
      const node = nodes.find((candidate) => candidate.name === name);
      if (!node) throw new Error(`no Patroni node ${name}`);
      return node;
    },
    async members() {
      for (const node of nodes) {
        const answer = await getJson<{ members: PatroniMember[] }>(
          `http://127.0.0.1:${node.restPort}/cluster`,
        );
        if (answer?.members) return answer.members;
      }
      return [];
    },
    async waitForLeader({ not, timeoutMs = 60_000 } = {}) {
      const name = await waitUntil(
        `a running Patroni leader${not ? ` other than ${not}` : ""}`,
        async () => {
          const leaders = (await cluster.members()).filter(
            (member) => member.role === "leader" && member.state === "running" && member.name !== not,
          );
          return leaders.length === 1 ? leaders[0]!.name : null;
        },
        timeoutMs,
        250,
      );
      return cluster.node(name);
    },
    async waitForHealthy(timeoutMs = 90_000) {
      await waitUntil(
        "every Patroni member running, replicas streaming on the leader's timeline",
        async () => {
          const members = await cluster.members();
          const leader = members.find((member) => member.role === "leader" && member.state === "running");
          return (
            members.length === nodes.length &&
            leader !== undefined &&
            members.every(
              (member) =>
                member === leader ||
                ((member.state === "streaming" || member.state === "running") &&
                  member.timeline === leader.timeline),
            )
          );
        },
        timeoutMs,
        500,
      );
    },
    patronictl(args) {
      const command = asServerUser("/usr/bin/patronictl", ["-c", nodes[0]!.configFile, ...args]);
      const result = spawnSync(command.program, command.args, {
        cwd: home,
        encoding: "utf8",
        timeout: 60_000,
        env: daemonEnvironment(home),
      });
      return { code: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
    },
    killPostmaster(name) {
      const pid = postmasterPid(cluster.node(name).dataDir);
      if (pid === null) throw new Error(`${name}'s postmaster is not running`);
      process.kill(pid, "SIGKILL");
    },
    async query(name, sql, params = []) {
      const node = cluster.node(name);
      const client = new pg.Client({
        host: "127.0.0.1",
        port: node.port,
        user: walden.user,
        password: walden.password,
        database: walden.database,
        ssl: false,
        connectionTimeoutMillis: 5_000,
      });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      // Patroni stops its PostgreSQL on SIGTERM; etcd goes last so they can say goodbye.
      const [etcd, ...patronis] = children;
      await Promise.all(patronis.map((child) => signalAndWait(child, "SIGTERM", 30_000)));
      for (const node of nodes) {
        const pid = postmasterPid(node.dataDir);
        if (pid !== null) process.kill(pid, "SIGKILL");
      }
      if (etcd) await signalAndWait(etcd, "SIGTERM", 10_000);
      rmSync(home, { recursive: true, force: true });
    },
  };

  try {
    ownedDir(path.join(home, "etcd"));
    log(`etcd on 127.0.0.1:${etcdPort}`);
    children.push(
      startDaemon(
        "/usr/bin/etcd",
        [
          "--name=walden-test",
          `--data-dir=${path.join(home, "etcd", "data")}`,
          `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
          `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
          `--listen-peer-urls=http://127.0.0.1:${etcdPort + 1}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPort + 1}`,
          `--initial-cluster=walden-test=http://127.0.0.1:${etcdPort + 1}`,
          "--enable-v2=true",
        ],
        path.join(logDir, "etcd.log"),
        home,
      ),
    );
    await waitUntil(
      "etcd to answer",
      () =>
        getJson<{ health: string }>(`http://127.0.0.1:${etcdPort}/health`).then((h) => h?.health === "true"),
      20_000,
      200,
    );

    for (const node of nodes) {
      ownedDir(path.dirname(node.dataDir));
      const config = patroniConfig({
        node,
        etcdPort,
        binDir,
        runDir,
        archiveDir,
        passwords,
        pgpass: path.join(home, node.name, "pgpass"),
      });
      writeFileSync(node.configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
      const user = serverUser();
      if (user.viaRunuser) chownSync(node.configFile, user.uid, user.gid);
    }
    // node1 first, so it bootstraps; the others then copy it.
    for (const node of nodes) {
      log(`patroni ${node.name}: PostgreSQL on ${node.port}, REST on ${node.restPort}`);
      children.push(
        startDaemon("/usr/bin/patroni", [node.configFile], path.join(logDir, `${node.name}.log`), home),
      );
      if (node === nodes[0]) await cluster.waitForLeader({ timeoutMs: 60_000 });
    }
    const leader = await cluster.waitForLeader();
    await withSuperuser(leader, passwords.superuser, async (client) => {
      await client.query(
        `CREATE ROLE walden LOGIN SUPERUSER REPLICATION PASSWORD ${client.escapeLiteral(walden.password)}`,
      );
      await client.query("CREATE DATABASE app OWNER walden");
    });
    await cluster.waitForHealthy();
    return cluster;
  } catch (error) {
    const tail = readLogTails(logDir);
    await cluster.stop().catch(() => {});
    throw new Error(`${(error as Error).message}\n${tail}`);
  }
}

async function withSuperuser(
  node: PatroniNode,
  password: string,
  work: (client: pg.Client) => Promise<void>,
) {
  const client = new pg.Client({
    host: "127.0.0.1",
    port: node.port,
    user: "postgres",
    password,
    database: "postgres",
    ssl: false,
  });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

function readLogTails(logDir: string): string {
  return ["etcd", ...NODE_NAMES]
    .map((name) => {
      try {
        const lines = readFileSync(path.join(logDir, `${name}.log`), "utf8")
          .trim()
          .split("\n");
        // Patroni repeats its "no action" line every loop: the errors tell more.
        const telling = lines.filter((line) => /error|fatal|fail|warn|exception/i.test(line));
        return `--- ${name}.log\n${[...telling.slice(-15), ...lines.slice(-5)].join("\n")}`;
      } catch {
        return `--- ${name}.log: none`;
      }
    })
    .join("\n");
}
