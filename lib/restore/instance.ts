import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { assertUnderRoot } from "@/lib/backup/repository";
import { db } from "@/lib/db";
import { privatiseTree } from "@/lib/fs-private";
import { env } from "@/lib/env";
import { toolPath } from "@/lib/tools/binaries";
import { runTool } from "@/lib/tools/run";
import { asServerUser, serverUser } from "@/lib/tools/server-user";
import { restorePortRange } from "./instance-settings";
import { instanceName } from "./names";

// A restored instance: a new data directory under WALDEN_HOME/restores/<restore id>, run by the
// server OS user on a port of the restore range, listening on 127.0.0.1 and on a private
// socket folder. Everything here touches only folders under the restores root.

export interface InstancePaths {
  root: string;
  dataDir: string;
  socketDir: string;
  logFile: string;
}

export interface InstanceInfo {
  host: string;
  port: number;
  database: string;
  /** The role the psql command uses (the cluster's registered role; its password is the source's). */
  user: string;
  dataDir: string;
  socketDir: string;
  logFile: string;
  name: string;
}

/** Unix socket paths are limited to 107 bytes. */
const MAX_SOCKET_PATH = 100;

export function restoresRoot(): string {
  return path.join(env().waldenHome, "restores");
}

export function instancePaths(restoreId: string): InstancePaths {
  if (!/^[0-9a-f-]{36}$/.test(restoreId))
    throw new Error("refusing a restore path built from an unexpected id");
  const root = path.join(restoresRoot(), restoreId);
  const paths = {
    root,
    dataDir: path.join(root, "data"),
    socketDir: path.join(root, "run"),
    logFile: path.join(root, "server.log"),
  };
  // pg_ctl hands the data directory and log path to /bin/sh inside double quotes.
  if (/[$`"\\,\n]/.test(root)) {
    throw new Error(
      `WALDEN_HOME must not contain $, \`, ", \\, ',' or a line break for restored instances (${root})`,
    );
  }
  if (`${paths.socketDir}/.s.PGSQL.65535`.length > MAX_SOCKET_PATH) {
    throw new Error(
      `WALDEN_HOME is too deep for a restored instance's socket (${paths.socketDir}); use a shorter WALDEN_HOME`,
    );
  }
  return paths;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The lowest port of the range that no restore holds and nothing listens on. */
export async function allocatePort(): Promise<number> {
  const [low, high] = restorePortRange();
  const held = await db().restore.findMany({
    where: {
      port: { not: null },
      OR: [{ status: { in: ["queued", "running"] } }, { instanceState: { in: ["running", "stopped"] } }],
    },
    select: { port: true },
  });
  const taken = new Set(held.map((row) => row.port));
  for (let port = low; port <= high; port += 1) {
    if (!taken.has(port) && (await portIsFree(port))) return port;
  }
  throw new Error(
    `no free port in WALDEN_RESTORE_PORTS ${low}-${high}: tear down a restored instance or widen the range`,
  );
}

/** Creates the instance folders, owned by the server user, 0700. */
export async function prepareInstanceDirs(paths: InstancePaths): Promise<void> {
  await fs.mkdir(restoresRoot(), { recursive: true, mode: 0o711 });
  // The server user must pass through to its own 0700 folder; nobody may list the others
  // (the worker's umask 077 would otherwise make this root-only when Walden runs as root).
  await fs.chmod(restoresRoot(), 0o711);
  await assertUnderRoot(restoresRoot(), paths.root);
  await fs.rm(paths.root, { recursive: true, force: true });
  for (const dir of [paths.root, paths.dataDir, paths.socketDir]) {
    await fs.mkdir(dir, { mode: 0o700 });
    await fs.chmod(dir, 0o700);
  }
  await giveToServerUser(paths.root);
}

/**
 * Readable by its owner only (folders 0700, files 0600, whatever the umask and the backup's
 * modes), then chown -R to the server user when we are root (tar as root keeps the archive's owners).
 */
export async function giveToServerUser(dir: string): Promise<void> {
  await privatiseTree(dir);
  const user = serverUser();
  if (!user.viaRunuser) return;
  const result = await runTool({ program: "chown", args: ["-R", `${user.uid}:${user.gid}`, "--", dir] });
  if (result.code !== 0) throw new Error(`chown ${dir} failed: ${result.stderrTail.join(" | ")}`);
}

async function pgCtl(args: string[], cwd: string, timeoutMs = 120_000) {
  const { program, args: argv } = asServerUser(toolPath("pg_ctl"), args);
  return runTool({ program, args: argv, cwd, timeoutMs });
}

/**
 * Starts the server in the background (pg_ctl -W: recovery may take hours) and waits until its
 * postmaster is there; the caller follows the log. A server that exits at once is an error.
 */
export async function startInstance(paths: InstancePaths, timeoutMs = 30_000): Promise<void> {
  const result = await pgCtl(["start", "-W", "-D", paths.dataDir, "-l", paths.logFile], paths.root);
  if (result.code !== 0) throw new Error(`pg_ctl start failed: ${result.stderrTail.slice(-3).join(" | ")}`);
  const deadline = Date.now() + timeoutMs;
  while ((await instancePid(paths)) === null) {
    if (Date.now() > deadline) {
      const log = await fs.readFile(paths.logFile, "utf8").catch(() => "");
      throw new Error(
        `the server did not start within ${timeoutMs / 1000} s: ${log.trim().split("\n").slice(-3).join(" / ") || "no log"}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The postmaster's pid while it runs, else null. */
export async function instancePid(paths: InstancePaths): Promise<number | null> {
  const text = await fs.readFile(path.join(paths.dataDir, "postmaster.pid"), "utf8").catch(() => "");
  const pid = Number(text.split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  // A zombie (PID 1 does not reap in some sandboxes) answers kill(0) but is gone.
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return / Z /.test(stat) ? null : pid;
}

/**
 * A setting as the server would read it from the copy's configuration files (postgres -C,
 * which follows include directives and postgresql.auto.conf like a start does).
 */
export async function configuredSetting(paths: InstancePaths, name: string): Promise<string> {
  const postgres = path.join(path.dirname(toolPath("pg_ctl")), "postgres");
  const { program, args } = asServerUser(postgres, ["-D", paths.dataDir, "-C", name]);
  const lines: string[] = [];
  const result = await runTool({
    program,
    args,
    cwd: paths.root,
    timeoutMs: 60_000,
    waitingFor: `${name} from the restored copy's configuration`,
    onStdoutLine: (line) => lines.push(line),
  });
  if (result.code !== 0)
    throw new Error(
      `reading ${name} from the copy's configuration failed: ${result.stderrTail.slice(-3).join(" | ")}`,
    );
  return lines.join("\n").trim();
}

/** The pids of a process and all its descendants, from /proc. */
async function processTree(rootPid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  const entries = await fs.readdir("/proc").catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (entry) => {
        const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
        // "pid (comm) state ppid …": comm may hold spaces and parentheses.
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (ppid) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      }),
  );
  const tree: number[] = [];
  for (const queue = [rootPid]; queue.length > 0;) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * Bytes written to storage by the server's processes and the programs they run (its
 * restore_command): grows while it replays, restores segments or checkpoints; null when it
 * is not running. Postgres children each lead their own process group, so the tree is by parent.
 */
export async function instanceWrittenBytes(paths: InstancePaths): Promise<number | null> {
  const pid = await instancePid(paths);
  if (pid === null) return null;
  let total = 0;
  for (const member of await processTree(pid)) {
    const io = await fs.readFile(`/proc/${member}/io`, "utf8").catch(() => "");
    total += Number(/^write_bytes: (\d+)$/m.exec(io)?.[1] ?? 0);
  }
  return total;
}

/** Stops the server if it runs: fast (clean), or immediate when tearing down. */
export async function stopInstance(paths: InstancePaths, mode: "fast" | "immediate" = "fast"): Promise<void> {
  if (!existsSync(paths.dataDir) || (await instancePid(paths)) === null) return;
  const result = await pgCtl(["stop", "-w", "-t", "60", "-m", mode, "-D", paths.dataDir], paths.root);
  if (result.code !== 0 && (await instancePid(paths)) !== null)
    throw new Error(`pg_ctl stop failed: ${result.stderrTail.slice(-3).join(" | ")}`);
}

/** Stops the server and deletes its folder (only ever under the restores root). */
export async function removeInstance(paths: InstancePaths): Promise<void> {
  await stopInstance(paths, "immediate");
  if (!existsSync(paths.root)) return;
  await assertUnderRoot(restoresRoot(), paths.root);
  await fs.rm(paths.root, { recursive: true, force: true });
}

/**
 * A session on the restored instance through its private socket (trust, reachable only by the
 * server OS user and root). `user` defaults to the bootstrap superuser, found through `asRole`.
 */
export async function instanceClient(
  info: Pick<InstanceInfo, "socketDir" | "port">,
  database: string,
  user: string,
): Promise<pg.Client> {
  const client = new pg.Client({
    host: info.socketDir,
    port: info.port,
    user,
    database,
    ssl: false,
    application_name: "walden",
    connectionTimeoutMillis: 5_000,
  });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** The bootstrap superuser's name (oid 10), asked through any role that exists. */
export async function superuserName(
  info: Pick<InstanceInfo, "socketDir" | "port">,
  knownRole: string,
): Promise<string> {
  const client = await instanceClient(info, "postgres", knownRole).catch(() =>
    instanceClient(info, "template1", knownRole),
  );
  try {
    const { rows } = await client.query<{ rolname: string }>("select rolname from pg_roles where oid = 10");
    return rows[0]!.rolname;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Every instance folder still running under the restores root: `npm run demo` stops them on exit. */
export async function stopAllInstances(log: (line: string) => void = () => {}): Promise<number> {
  const root = restoresRoot();
  const names = await fs.readdir(root).catch(() => [] as string[]);
  let stopped = 0;
  for (const name of names) {
    if (!/^[0-9a-f-]{36}$/.test(name)) continue;
    const paths = instancePaths(name);
    if ((await instancePid(paths)) === null) continue;
    log(`stopping restored instance ${instanceName(name)}`);
    await stopInstance(paths, "fast").catch((error) =>
      log(`could not stop ${name}: ${(error as Error).message}`),
    );
    await db()
      .restore.updateMany({
        where: { id: name, instanceState: "running" },
        data: { instanceState: "stopped" },
      })
      .catch(() => {});
    stopped += 1;
  }
  return stopped;
}
