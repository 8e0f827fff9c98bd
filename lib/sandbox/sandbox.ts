import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { serverUser } from "@/lib/tools/server-user";
import { buildArchiveCommand } from "./archive-command";
import { findPgBinaries, SandboxError, type PgBinaries } from "./binaries";

// ---------------------------------------------------------------------------------------------
// Public shape
// ---------------------------------------------------------------------------------------------

export interface SandboxOptions {
  home: string;
  basePort: number;
  log?: (line: string) => void;
}

export interface SandboxServer {
  name: string;
  host: string;
  port: number;
  dataDir: string;
}

export interface SandboxInfo {
  home: string;
  binaries: PgBinaries;
  osUser: string;
  catalog: SandboxServer & { database: "walden"; user: "walden"; password: string; url: string };
  cluster: {
    name: "demo";
    archiveDir: string;
    primary: SandboxServer & { user: "walden"; password: string; database: "app" };
    standbys: (SandboxServer & { upstream: string; slot: string })[];
  };
}

export type ServerState = "running" | "stopped" | "absent";

const HOST = "127.0.0.1";
const SERVER_NAMES = ["catalog", "primary", "standby1", "standby2"] as const;
type ServerName = (typeof SERVER_NAMES)[number];
const PORT_OFFSET: Record<ServerName, number> = { catalog: 0, primary: 1, standby1: 2, standby2: 3 };

/** Each standby, its upstream, and the physical slot it streams from (held on the upstream). */
const STANDBYS = [
  { name: "standby1", upstream: "primary", slot: "standby1" },
  { name: "standby2", upstream: "standby1", slot: "standby2" },
] as const satisfies readonly { name: ServerName; upstream: ServerName; slot: string }[];

const START_TIMEOUT_SECONDS = 60;
const STREAMING_TIMEOUT_MS = 30_000;
const LOCK_TIMEOUT_MS = 5 * 60_000;
// sun_path is 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH = 107;

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/** WALDEN_HOME (default ./.walden, made absolute) and WALDEN_PG_PORT (default 54320). */
export function sandboxOptionsFromEnv(env: NodeJS.Dict<string> = process.env): SandboxOptions {
  const parsed = z.coerce
    .number()
    .int()
    .min(1024)
    .max(65500)
    .safeParse(env.WALDEN_PG_PORT || "54320");
  if (!parsed.success) {
    throw new SandboxError(
      `WALDEN_PG_PORT=${env.WALDEN_PG_PORT} is not a port between 1024 and 65500; the sandbox uses it and the next three.`,
    );
  }
  return { home: path.resolve(env.WALDEN_HOME || ".walden"), basePort: parsed.data };
}

/** Bring up (or reuse) catalog, primary and the two cascading standbys. Idempotent. */
export async function startSandbox(opts: SandboxOptions): Promise<SandboxInfo> {
  const ctx = createContext(opts);
  await prepareHome(ctx);
  return withSandboxLock(ctx, async () => {
    const credentials = await loadOrCreateCredentials(ctx);
    await prepareSharedDirs(ctx, credentials);

    await ensureInitdbServer(ctx, "catalog", catalogSettings(ctx));
    await ensureRunning(ctx, "catalog");
    await withSuperuser(ctx, "catalog", (client) => ensureCatalogObjects(client, credentials));

    const primaryCreated = await ensureInitdbServer(ctx, "primary", primarySettings(ctx));
    if (primaryCreated) await setAsideArchive(ctx);
    await ensureRunning(ctx, "primary");
    await withSuperuser(ctx, "primary", (client) => ensurePrimaryObjects(client, credentials));

    // A fresh upstream invalidates everything copied from its predecessor.
    let upstreamRebuilt = primaryCreated;
    for (const standby of STANDBYS) {
      upstreamRebuilt = await ensureStandby(ctx, standby, upstreamRebuilt);
    }
    for (const standby of STANDBYS) {
      await waitForStreaming(ctx, standby.upstream, standby.name);
    }
    return describeSandbox(ctx, credentials);
  });
}

/** Fast shutdown, standbys first; data is kept for the next start. */
export async function stopSandbox(opts: SandboxOptions): Promise<void> {
  const ctx = createContext(opts);
  if (!existsSync(ctx.layout.home)) return;
  await withSandboxLock(ctx, async () => {
    for (const name of [...SERVER_NAMES].reverse()) {
      if ((await serverState(ctx, name)) === "running") await stopServer(ctx, name);
    }
  });
}

/** Stops one server (tests use it to break replication on purpose); startSandbox brings it back. */
export async function stopSandboxServer(
  opts: SandboxOptions,
  name: (typeof SERVER_NAMES)[number],
): Promise<void> {
  const ctx = createContext(opts);
  if ((await serverState(ctx, name)) === "running") await stopServer(ctx, name);
}

/** Promotes a standby to a primary (tests of role changes; use a throwaway sandbox). */
export async function promoteSandboxStandby(
  opts: SandboxOptions,
  name: "standby1" | "standby2",
): Promise<void> {
  const ctx = createContext(opts);
  await runPgProgramOrThrow(ctx, "pg_ctl", ["promote", "-w", "-D", dataDir(ctx, name)]);
}

export async function sandboxStatus(opts: SandboxOptions): Promise<Record<string, ServerState>> {
  const ctx = createContext(opts);
  const status: Record<string, ServerState> = {};
  for (const name of SERVER_NAMES) status[name] = await serverState(ctx, name);
  return status;
}

// ---------------------------------------------------------------------------------------------
// Context: who runs PostgreSQL, and where everything lives
// ---------------------------------------------------------------------------------------------

interface OsUser {
  name: string;
  uid: number;
  gid: number;
  /** Root must hand PostgreSQL programs to another user: they refuse to run as root. */
  viaRunuser: boolean;
}

interface Layout {
  home: string;
  pgDir: string;
  runDir: string;
  logsDir: string;
  archiveDir: string;
  lockFile: string;
  credentialsFile: string;
  /** Kept (0600): pg_basebackup -R records `passfile=` in the standbys' primary_conninfo. */
  replicationPassfile: string;
}

interface Context {
  opts: SandboxOptions;
  binaries: PgBinaries;
  user: OsUser;
  layout: Layout;
  log: (line: string) => void;
}

function createContext(opts: SandboxOptions): Context {
  const home = path.resolve(opts.home);
  const runDir = path.join(home, "run");
  return {
    opts: { ...opts, home },
    binaries: findPgBinaries(),
    user: resolveOsUser(),
    layout: {
      home,
      pgDir: path.join(home, "pg"),
      runDir,
      logsDir: path.join(home, "logs"),
      archiveDir: path.join(home, "archive", "demo"),
      lockFile: path.join(home, "sandbox.lock"),
      credentialsFile: path.join(home, "credentials.json"),
      replicationPassfile: path.join(runDir, "replicator.pgpass"),
    },
    log: opts.log ?? (() => {}),
  };
}

function resolveOsUser(): OsUser {
  try {
    return serverUser();
  } catch (error) {
    throw new SandboxError((error as Error).message);
  }
}

function port(ctx: Context, name: ServerName): number {
  return ctx.opts.basePort + PORT_OFFSET[name];
}

function dataDir(ctx: Context, name: ServerName): string {
  return path.join(ctx.layout.pgDir, name);
}

function logFile(ctx: Context, name: ServerName): string {
  return path.join(ctx.layout.logsDir, `${name}.log`);
}

function describeSandbox(ctx: Context, credentials: Credentials): SandboxInfo {
  const server = (name: ServerName): SandboxServer => ({
    name,
    host: HOST,
    port: port(ctx, name),
    dataDir: dataDir(ctx, name),
  });
  const catalog = server("catalog");
  const catalogPassword = credentials.catalogPassword;
  return {
    home: ctx.layout.home,
    binaries: ctx.binaries,
    osUser: ctx.user.name,
    catalog: {
      ...catalog,
      database: "walden",
      user: "walden",
      password: catalogPassword,
      url: `postgresql://walden:${encodeURIComponent(catalogPassword)}@${HOST}:${catalog.port}/walden`,
    },
    cluster: {
      name: "demo",
      archiveDir: ctx.layout.archiveDir,
      primary: {
        ...server("primary"),
        user: "walden",
        password: credentials.primaryPassword,
        database: "app",
      },
      standbys: STANDBYS.map((standby) => ({
        ...server(standby.name),
        upstream: standby.upstream,
        slot: standby.slot,
      })),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Home, directories, credentials
// ---------------------------------------------------------------------------------------------

async function prepareHome(ctx: Context): Promise<void> {
  const { home, runDir } = ctx.layout;
  if (/["\n\r\0]/.test(home)) {
    throw new SandboxError(
      `WALDEN_HOME ${JSON.stringify(home)} contains a quote, newline or NUL; choose a plainer path.`,
    );
  }
  const socketPath = path.join(runDir, `.s.PGSQL.${port(ctx, "standby2")}`);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new SandboxError(
      `WALDEN_HOME ${home} is too deep: the socket path ${socketPath} exceeds ${MAX_SOCKET_PATH} bytes. Use a shorter WALDEN_HOME.`,
    );
  }
  await fs.mkdir(home, { recursive: true });
  if (ctx.user.viaRunuser) await makeTraversableForOsUser(ctx, home);
}

/** The postgres user must walk from / down to its data directories. */
async function makeTraversableForOsUser(ctx: Context, home: string): Promise<void> {
  const homeStat = await fs.stat(home);
  // mkdtemp makes 0700 homes; opening up our own home is expected, a parent is not ours to change.
  if ((homeStat.mode & 0o005) !== 0o005) await fs.chmod(home, 0o755);
  for (let dir = path.dirname(home); ; dir = path.dirname(dir)) {
    const { mode } = await fs.stat(dir);
    if ((mode & 0o001) === 0) {
      throw new SandboxError(
        `The ${ctx.user.name} OS user cannot reach ${home}: ${dir} is not traversable (mode ${(mode & 0o777).toString(8)}). ` +
          `Run: chmod o+x ${dir}  — or set WALDEN_HOME to a path under /srv or /tmp.`,
      );
    }
    if (dir === path.dirname(dir)) break;
  }
}

async function prepareSharedDirs(ctx: Context, credentials: Credentials): Promise<void> {
  const { pgDir, runDir, logsDir, archiveDir, replicationPassfile } = ctx.layout;
  await ensureOwnedDir(ctx, pgDir, 0o755);
  await ensureOwnedDir(ctx, runDir, 0o700);
  await ensureOwnedDir(ctx, logsDir, 0o755);
  await ensureOwnedDir(ctx, path.dirname(archiveDir), 0o755);
  await ensureOwnedDir(ctx, archiveDir, 0o700);
  // Rewritten every start so a regenerated password reaches the standbys' walreceivers.
  await writeOwnedFile(
    ctx,
    replicationPassfile,
    passfileLine("replicator", credentials.replicatorPassword),
    0o600,
  );
}

/**
 * A new primary restarts WAL numbering: its segments would collide with the old cluster's
 * (and the archive command refuses to overwrite). The old WAL is moved aside, never deleted.
 */
async function setAsideArchive(ctx: Context): Promise<void> {
  const { archiveDir } = ctx.layout;
  if ((await fs.readdir(archiveDir)).length === 0) return;
  const aside = `${archiveDir}.before-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  ctx.log(`primary: new cluster, moving the previous archive to ${aside}`);
  await fs.rename(archiveDir, aside);
  await ensureOwnedDir(ctx, archiveDir, 0o700);
}

async function ensureOwnedDir(ctx: Context, dir: string, mode: number): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.chmod(dir, mode);
  if (ctx.user.viaRunuser) await fs.chown(dir, ctx.user.uid, ctx.user.gid);
}

async function writeOwnedFile(ctx: Context, file: string, content: string, mode: number): Promise<void> {
  await fs.writeFile(file, content, { mode });
  await fs.chmod(file, mode);
  if (ctx.user.viaRunuser) await fs.chown(file, ctx.user.uid, ctx.user.gid);
}

async function appendOwnedFile(ctx: Context, file: string, content: string): Promise<void> {
  await fs.appendFile(file, content, { mode: 0o600 });
  if (ctx.user.viaRunuser) await fs.chown(file, ctx.user.uid, ctx.user.gid);
}

/** libpq passfile format: host:port:database:user:password, with : and \ escaped. */
function passfileLine(user: string, password: string): string {
  const escape = (value: string) => value.replace(/[\\:]/g, (c) => `\\${c}`);
  return `${HOST}:*:*:${escape(user)}:${escape(password)}\n`;
}

const CredentialsSchema = z.object({
  basePort: z.number().int(),
  catalogPassword: z.string().min(16),
  primaryPassword: z.string().min(16),
  replicatorPassword: z.string().min(16),
});
type Credentials = z.infer<typeof CredentialsSchema>;

/** Passwords are generated once and reused; the servers are re-synced to this file on each start. */
async function loadOrCreateCredentials(ctx: Context): Promise<Credentials> {
  const file = ctx.layout.credentialsFile;
  const existing = await readCredentials(file);
  if (existing && existing.basePort !== ctx.opts.basePort && anyDataDirExists(ctx)) {
    throw new SandboxError(
      `${ctx.layout.home} was created with WALDEN_PG_PORT=${existing.basePort}, not ${ctx.opts.basePort}. ` +
        `Use WALDEN_PG_PORT=${existing.basePort}, or a different WALDEN_HOME.`,
    );
  }
  const credentials: Credentials = {
    basePort: ctx.opts.basePort,
    catalogPassword: existing?.catalogPassword ?? newPassword(),
    primaryPassword: existing?.primaryPassword ?? newPassword(),
    replicatorPassword: existing?.replicatorPassword ?? newPassword(),
  };
  if (JSON.stringify(credentials) !== JSON.stringify(existing)) {
    const temp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    await fs.rename(temp, file);
  }
  return credentials;
}

async function readCredentials(file: string): Promise<Credentials | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    return CredentialsSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new SandboxError(
      `${file} is damaged (${(error as Error).message}). Delete it: new passwords are generated and applied on the next start.`,
    );
  }
}

function anyDataDirExists(ctx: Context): boolean {
  return SERVER_NAMES.some((name) => existsSync(path.join(dataDir(ctx, name), "PG_VERSION")));
}

// URL- and conninfo-safe, 192 bits.
function newPassword(): string {
  return randomBytes(24).toString("base64url");
}

// ---------------------------------------------------------------------------------------------
// Lock: one bring-up or shutdown at a time per home
// ---------------------------------------------------------------------------------------------

async function withSandboxLock<T>(ctx: Context, work: () => Promise<T>): Promise<T> {
  const token = `${process.pid} ${randomBytes(8).toString("hex")}`;
  await acquireLock(ctx, token);
  try {
    return await work();
  } finally {
    await releaseLock(ctx.layout.lockFile, token);
  }
}

async function acquireLock(ctx: Context, token: string): Promise<void> {
  const { lockFile } = ctx.layout;
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  let reportedHolder: number | undefined;
  for (;;) {
    try {
      await fs.writeFile(lockFile, token, { flag: "wx", mode: 0o600 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const content = await fs.readFile(lockFile, "utf8").catch(() => "");
    const holder = parsePid(content);
    if (holder !== undefined && !isProcessAlive(holder)) {
      // Re-read first, so a waiter that lost the race never deletes the winner's fresh lock.
      if ((await fs.readFile(lockFile, "utf8").catch(() => "")) === content) {
        ctx.log(`removing stale ${lockFile} left by pid ${holder}`);
        await fs.rm(lockFile, { force: true });
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new SandboxError(
        `Another sandbox start/stop (pid ${holder ?? "unknown"}) still holds ${lockFile}. ` +
          "Wait for it, or delete the file if that process is gone.",
      );
    }
    if (holder !== reportedHolder) {
      ctx.log(`waiting for ${lockFile} held by pid ${holder ?? "unknown"}`);
      reportedHolder = holder;
    }
    await sleep(200);
  }
}

/** The pid at the start of a lock or postmaster.pid file. */
function parsePid(text: string): number | undefined {
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function releaseLock(lockFile: string, token: string): Promise<void> {
  const text = await fs.readFile(lockFile, "utf8").catch(() => "");
  if (text === token) await fs.rm(lockFile, { force: true });
}

/** Zombies count as dead: in containers where PID 1 does not reap, they linger. */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return /\)\s+Z/.exec(stat) === null;
  } catch {
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Running PostgreSQL programs (argv arrays only, never a shell)
// ---------------------------------------------------------------------------------------------

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function runPgProgram(
  ctx: Context,
  program: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<RunResult> {
  const file = path.join(ctx.binaries.binDir, program);
  const [command, argv] = ctx.user.viaRunuser
    ? ["runuser", ["-u", ctx.user.name, "--", file, ...args]]
    : [file, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: ctx.layout.home,
      env: childEnv(extraEnv),
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 5 * 60_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => reject(new SandboxError(`Could not run ${command}: ${error.message}`)));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function runPgProgramOrThrow(
  ctx: Context,
  program: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<RunResult> {
  const result = await runPgProgram(ctx, program, args, extraEnv);
  if (result.code !== 0) {
    throw new SandboxError(
      `${program} ${args.join(" ")} failed (exit ${result.code}):\n${result.stderr.trim()}`,
    );
  }
  return result;
}

/** The caller's PG* variables (PGDATA, PGPORT, PGPASSWORD…) must not steer the sandbox. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("PG")) delete env[key];
  }
  return Object.assign(env, extra);
}

// ---------------------------------------------------------------------------------------------
// Server lifecycle
// ---------------------------------------------------------------------------------------------

async function serverState(ctx: Context, name: ServerName): Promise<ServerState> {
  const dir = dataDir(ctx, name);
  if (!existsSync(path.join(dir, "PG_VERSION"))) return "absent";
  const { code } = await runPgProgram(ctx, "pg_ctl", ["status", "-D", dir]);
  return code === 0 && !(await hasDeadPostmasterPid(ctx, name)) ? "running" : "stopped";
}

/**
 * pg_ctl trusts kill(pid, 0), which also succeeds for an unreaped dead postmaster (a zombie),
 * and postgres then refuses to start over that "running" postmaster.pid.
 */
async function hasDeadPostmasterPid(ctx: Context, name: ServerName): Promise<boolean> {
  const text = await fs.readFile(path.join(dataDir(ctx, name), "postmaster.pid"), "utf8").catch(() => "");
  const pid = parsePid(text);
  return pid !== undefined && !isProcessAlive(pid);
}

async function ensureRunning(ctx: Context, name: ServerName): Promise<void> {
  if ((await serverState(ctx, name)) === "running") return;
  if (await hasDeadPostmasterPid(ctx, name)) {
    ctx.log(`${name}: removing the postmaster.pid of a dead postmaster`);
    await fs.rm(path.join(dataDir(ctx, name), "postmaster.pid"), { force: true });
  }
  ctx.log(`${name}: starting on ${HOST}:${port(ctx, name)}`);
  const result = await runPgProgram(ctx, "pg_ctl", [
    "start",
    "-w",
    "-t",
    String(START_TIMEOUT_SECONDS),
    "-D",
    dataDir(ctx, name),
    "-l",
    logFile(ctx, name),
  ]);
  if (result.code !== 0) {
    throw new SandboxError(`${name} did not start (pg_ctl exit ${result.code}). ${await logHint(ctx, name)}`);
  }
}

async function stopServer(ctx: Context, name: ServerName): Promise<void> {
  ctx.log(`${name}: stopping`);
  await runPgProgramOrThrow(ctx, "pg_ctl", [
    "stop",
    "-w",
    "-t",
    String(START_TIMEOUT_SECONDS),
    "-m",
    "fast",
    "-D",
    dataDir(ctx, name),
  ]);
}

/** The end of the server log, with the usual cause spelled out. */
async function logHint(ctx: Context, name: ServerName): Promise<string> {
  const file = logFile(ctx, name);
  const text = await fs.readFile(file, "utf8").catch(() => "");
  const tail = text.trimEnd().split("\n").slice(-20).join("\n");
  const portInUse = /could not bind|Address already in use/.test(tail)
    ? `Port ${port(ctx, name)} on ${HOST} is taken by another program: stop it or choose another WALDEN_PG_PORT. `
    : "";
  return `${portInUse}Last lines of ${file}:\n${tail || "(empty)"}`;
}

// ---------------------------------------------------------------------------------------------
// Creating servers
// ---------------------------------------------------------------------------------------------

type Settings = Record<string, string | number>;

/**
 * A data directory counts as complete only once its own `cluster_name` line is written, which
 * is the last step of creating it; anything less is a crashed attempt, removed and redone.
 * Standbys keep theirs in postgresql.auto.conf: their postgresql.conf is the primary's copy.
 */
function isComplete(ctx: Context, name: ServerName): boolean {
  const dir = dataDir(ctx, name);
  const configFile = path.join(dir, name.startsWith("standby") ? "postgresql.auto.conf" : "postgresql.conf");
  if (!existsSync(path.join(dir, "PG_VERSION")) || !existsSync(configFile)) return false;
  return readFileSync(configFile, "utf8").includes(settingLine("cluster_name", name));
}

/** Start from an empty data directory, stopping whatever ran there. */
async function resetDataDir(ctx: Context, name: ServerName): Promise<void> {
  const dir = dataDir(ctx, name);
  if (existsSync(dir)) {
    if ((await serverState(ctx, name)) === "running") await stopServer(ctx, name);
    ctx.log(`${name}: removing incomplete or outdated ${dir}`);
    await fs.rm(dir, { recursive: true, force: true });
  }
  await ensureOwnedDir(ctx, dir, 0o700);
}

/** initdb + configuration for catalog and primary. Returns true if the server was created now. */
async function ensureInitdbServer(ctx: Context, name: ServerName, settings: Settings): Promise<boolean> {
  if (isComplete(ctx, name)) return false;
  await resetDataDir(ctx, name);
  const dir = dataDir(ctx, name);
  ctx.log(`${name}: initdb ${dir}`);
  await runPgProgramOrThrow(ctx, "initdb", [
    "-D",
    dir,
    "-U",
    "postgres",
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "--encoding=UTF8",
    "--locale=C",
  ]);
  await writeOwnedFile(ctx, path.join(dir, "pg_hba.conf"), PG_HBA, 0o600);
  await appendOwnedFile(ctx, path.join(dir, "postgresql.conf"), renderSettings("Walden sandbox", settings));
  return true;
}

// The socket directory is 0700, so "local … postgres trust" is reachable by that OS user (and root) only.
const PG_HBA = `# Walden sandbox
local   all          postgres                  trust
host    all          all        ${HOST}/32   scram-sha-256
host    replication  all        ${HOST}/32   scram-sha-256
`;

function connectionSettings(ctx: Context, name: ServerName): Settings {
  return {
    listen_addresses: HOST,
    port: port(ctx, name),
    unix_socket_directories: socketDirectorySetting(ctx.layout.runDir),
    cluster_name: name,
  };
}

function catalogSettings(ctx: Context): Settings {
  // PostgreSQL 13 still defaults to md5, which scram-sha-256 in pg_hba would then reject.
  return { ...connectionSettings(ctx, "catalog"), password_encryption: "scram-sha-256" };
}

function primarySettings(ctx: Context): Settings {
  const preload: Settings = hasPgStatStatements(ctx.binaries.binDir)
    ? { shared_preload_libraries: "pg_stat_statements" }
    : {};
  return {
    ...connectionSettings(ctx, "primary"),
    password_encryption: "scram-sha-256",
    wal_level: "replica",
    archive_mode: "on",
    archive_command: buildArchiveCommand(ctx.layout.archiveDir),
    archive_timeout: 60,
    max_wal_senders: 10,
    max_replication_slots: 10,
    wal_keep_size: "64MB",
    hot_standby: "on",
    track_commit_timestamp: "on",
    ...preload,
  };
}

/** Preloading a library that is not installed would stop the primary from starting. */
function hasPgStatStatements(binDir: string): boolean {
  const libDir = pkgLibDir(binDir);
  return ["so", "dylib"].some((ext) => existsSync(path.join(libDir, `pg_stat_statements.${ext}`)));
}

function pkgLibDir(binDir: string): string {
  const pgConfig = path.join(binDir, "pg_config");
  if (existsSync(pgConfig)) {
    try {
      return execFileSync(pgConfig, ["--pkglibdir"], { encoding: "utf8" }).trim();
    } catch {
      // fall through to the conventional layout
    }
  }
  return path.join(binDir, "..", "lib");
}

/** A directory with a space or comma must be double-quoted inside the list value. */
function socketDirectorySetting(dir: string): string {
  return /[\s,]/.test(dir) ? `"${dir}"` : dir;
}

/** postgresql.conf string syntax: single quotes doubled, backslashes escaped. */
function settingLine(key: string, value: string | number): string {
  const quoted = String(value).replaceAll("\\", "\\\\").replaceAll("'", "''");
  return `${key} = '${quoted}'`;
}

function renderSettings(title: string, settings: Settings): string {
  const lines = Object.entries(settings).map(([key, value]) => settingLine(key, value));
  // cluster_name goes last: its presence marks the directory as completely set up (isComplete).
  lines.sort((a, b) => Number(a.startsWith("cluster_name ")) - Number(b.startsWith("cluster_name ")));
  return `\n# ${title}\n${lines.join("\n")}\n`;
}

/** Returns true when the standby was (re)built, so its own downstream must follow. */
async function ensureStandby(
  ctx: Context,
  standby: (typeof STANDBYS)[number],
  upstreamRebuilt: boolean,
): Promise<boolean> {
  const rebuild = upstreamRebuilt || !isComplete(ctx, standby.name);
  if (rebuild) {
    await resetDataDir(ctx, standby.name);
    await baseBackup(ctx, standby);
  }
  await ensureRunning(ctx, standby.name);
  const downstream = STANDBYS.find((other) => other.upstream === standby.name);
  if (downstream) await withSuperuser(ctx, standby.name, (client) => ensureSlot(client, downstream.slot));
  return rebuild;
}

async function baseBackup(ctx: Context, standby: (typeof STANDBYS)[number]): Promise<void> {
  const dir = dataDir(ctx, standby.name);
  ctx.log(`${standby.name}: pg_basebackup from ${standby.upstream} (slot ${standby.slot})`);
  const upstream = ["-h", HOST, "-p", String(port(ctx, standby.upstream)), "-U", "replicator", "-w"];
  const copy = ["-D", dir, "-R", "-X", "stream", "-S", standby.slot, "-c", "fast"];
  // The password reaches pg_basebackup only through the 0600 passfile, never argv or PGPASSWORD.
  await runPgProgramOrThrow(ctx, "pg_basebackup", [...upstream, ...copy], {
    PGPASSFILE: ctx.layout.replicationPassfile,
  });
  // Appended after -R's primary_conninfo; later lines win over the copied upstream settings.
  const settings: Settings = {
    ...connectionSettings(ctx, standby.name),
    // Only the primary archives: a standby writing into the same folder would mix in its timeline.
    archive_mode: "off",
  };
  await appendOwnedFile(
    ctx,
    path.join(dir, "postgresql.auto.conf"),
    renderSettings("Walden sandbox standby", settings),
  );
}

// ---------------------------------------------------------------------------------------------
// SQL over the socket, as the postgres superuser
// ---------------------------------------------------------------------------------------------

async function withSuperuser<T>(
  ctx: Context,
  name: ServerName,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    host: ctx.layout.runDir,
    port: port(ctx, name),
    user: "postgres",
    database: "postgres",
    ssl: false, // a PGSSLMODE in the caller's environment must not apply to the socket
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function ensureRole(
  client: pg.Client,
  role: string,
  attributes: string,
  password: string,
): Promise<void> {
  const ident = client.escapeIdentifier(role);
  const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
  if (exists.rowCount === 0) await client.query(`CREATE ROLE ${ident}`);
  await client.query(`ALTER ROLE ${ident} ${attributes} PASSWORD ${client.escapeLiteral(password)}`);
}

async function ensureDatabase(client: pg.Client, database: string, owner: string): Promise<void> {
  const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
  const [db, role] = [client.escapeIdentifier(database), client.escapeIdentifier(owner)];
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${db} OWNER ${role}`);
  else await client.query(`ALTER DATABASE ${db} OWNER TO ${role}`);
}

async function ensureSlot(client: pg.Client, slot: string): Promise<void> {
  const exists = await client.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", [slot]);
  // Reserve WAL now, so nothing the standby will ask for is recycled before it connects.
  if (exists.rowCount === 0) {
    await client.query("SELECT pg_create_physical_replication_slot($1, true)", [slot]);
  }
}

async function ensureCatalogObjects(client: pg.Client, credentials: Credentials): Promise<void> {
  await ensureRole(client, "walden", "LOGIN SUPERUSER", credentials.catalogPassword);
  await ensureDatabase(client, "walden", "walden");
}

async function ensurePrimaryObjects(client: pg.Client, credentials: Credentials): Promise<void> {
  await ensureRole(client, "walden", "LOGIN SUPERUSER REPLICATION", credentials.primaryPassword);
  await ensureRole(client, "replicator", "LOGIN REPLICATION", credentials.replicatorPassword);
  await ensureDatabase(client, "app", "walden");
  await ensureSlot(client, "standby1");
}

// ---------------------------------------------------------------------------------------------
// Replication health
// ---------------------------------------------------------------------------------------------

async function waitForStreaming(ctx: Context, upstream: ServerName, standby: ServerName): Promise<void> {
  const deadline = Date.now() + STREAMING_TIMEOUT_MS;
  let state = "not connected";
  while (Date.now() < deadline) {
    state = await withSuperuser(ctx, upstream, async (client) => {
      const result = await client.query<{ state: string }>(
        "SELECT state FROM pg_stat_replication WHERE application_name = $1",
        [standby],
      );
      return result.rows[0]?.state ?? "not connected";
    });
    if (state === "streaming") return;
    await sleep(250);
  }
  throw new SandboxError(
    `${standby} is not streaming from ${upstream} after ${STREAMING_TIMEOUT_MS / 1000}s (state: ${state}). ` +
      (await logHint(ctx, standby)),
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
