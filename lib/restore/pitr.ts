import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { untar } from "@/lib/backup/verify";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { readJson, toJson } from "@/lib/db/json";
import type { Restore } from "@/lib/generated/prisma/client";
import { parseLsn } from "@/lib/replication/lsn";
import { pitrRestoreRequestSchema, type PitrRestoreRequest, type Verification } from "@/lib/schemas/restore";
import { plannedBackupSchema } from "@/lib/schemas/restore-plan";
import { stallTimeoutSeconds } from "@/lib/env";
import { toolVersionNum } from "@/lib/tools/binaries";
import { parseWalFileName, segmentEndLsn, segmentStartLsn } from "@/lib/wal/segments";
import {
  allocatePort,
  configuredSetting,
  giveToServerUser,
  instanceClient,
  instancePaths,
  instancePid,
  instanceWrittenBytes,
  prepareInstanceDirs,
  startInstance,
  stopInstance,
  superuserName,
  type InstanceInfo,
  type InstancePaths,
} from "./instance";
import { instanceName } from "./names";
import { planPitrRestore } from "./plan-service";
import type { RestorePlan } from "./planner";
import { replayShortfall } from "./replay-check";
import {
  neutraliseConf,
  OWN_CONFIG_FILES,
  ownFileSettings,
  preloadSettings,
  recoverySettings,
  renderSettings,
  restoredHba,
} from "./recovery-config";
import { classifyLogLine, LogFollower } from "./server-log";
import {
  assertTablespacesInside,
  remapTablespaces,
  tablespaceArchives,
  TABLESPACES_DIR,
} from "./tablespaces";
import type { RestoreContext } from "./context";
import { countTables } from "./verify-instance";

// restore.run for kind "pitr": a base backup and archived WAL replayed into a new instance,
// step by step, ending with a verification of what the instance holds.

export const PITR_STEPS = [
  "plan",
  "prepare",
  "extract",
  "configure",
  "start",
  "replay",
  "verify",
  "ready",
] as const;

const FOLLOW_INTERVAL_MS = 500;
/** Once connections are accepted the end is near: look more often (the bench measured the lag). */
const FOLLOW_CONSISTENT_INTERVAL_MS = 150;
const MAX_VERIFIED_DATABASES = 20;
const CHECK_ROLE = "walden_check";
const CHECK_ROWS = 50;

async function readFrom(file: string, offset: number): Promise<Buffer> {
  const handle = await fs.open(file, "r").catch(() => null);
  if (!handle) return Buffer.alloc(0);
  try {
    const { size } = await handle.stat();
    if (size <= offset) return Buffer.alloc(0);
    const buffer = Buffer.alloc(Math.min(size - offset, 1 << 20));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * base.tar into the data directory, pg_wal.tar into its pg_wal, and each tablespace archive into
 * the restore's own folder (the data directory's parent, see instancePaths), never the source's.
 */
async function extractBackup(backupDir: string, dataDir: string, log: (line: string) => void) {
  const files = await fs.readdir(backupDir);
  const base = files.find((file) => file.startsWith("base.tar"));
  const wal = files.find((file) => file.startsWith("pg_wal.tar"));
  if (!base) throw new Error(`the backup folder ${backupDir} has no base.tar`);
  const lines: string[] = [];
  await untar(path.join(backupDir, base), dataDir, lines);
  if (wal) await untar(path.join(backupDir, wal), path.join(dataDir, "pg_wal"), lines);
  const tablespacesRoot = path.join(path.dirname(dataDir), TABLESPACES_DIR);
  const tablespaces = tablespaceArchives(files);
  for (const { oid, file } of tablespaces)
    await untar(path.join(backupDir, file), path.join(tablespacesRoot, oid), lines);
  lines.push(
    ...(await remapTablespaces(
      dataDir,
      tablespacesRoot,
      tablespaces.map(({ oid }) => oid),
    )),
  );
  lines.forEach(log);
}

/** Folders of the data directory that hold no configuration. */
const SERVER_DIRS = /^(base|global|pg_[a-z_]+)$/;

/** Every .conf file of the copy: the data directory's own and those in its other folders (conf.d…). */
async function confFiles(dataDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await fs.readdir(dataDir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".conf")) files.push(path.join(dataDir, entry.name));
    else if (entry.isDirectory() && !SERVER_DIRS.test(entry.name)) {
      const inner = await fs.readdir(path.join(dataDir, entry.name), { withFileTypes: true });
      for (const file of inner)
        if (file.isFile() && file.name.endsWith(".conf"))
          files.push(path.join(dataDir, entry.name, file.name));
    }
  }
  return files;
}

/**
 * The copy's configuration kept inside the copy: symlinked config files become plain files,
 * lines naming the source's files or including files from outside are commented out, and the
 * recovery and isolation settings are appended to postgresql.auto.conf last, after whatever
 * ALTER SYSTEM wrote there, so they win.
 */
async function configure(paths: InstancePaths, settings: string, log: (line: string) => void) {
  const { dataDir } = paths;
  // A backup taken from a standby carries standby.signal; this copy recovers from the archive only.
  for (const leftover of ["standby.signal", "postmaster.pid", "postmaster.opts"]) {
    if (existsSync(path.join(dataDir, leftover))) {
      await fs.rm(path.join(dataDir, leftover));
      log(`removed ${leftover}`);
    }
  }
  for (const name of OWN_CONFIG_FILES) {
    const file = path.join(dataDir, name);
    const link = await fs.lstat(file).catch(() => null);
    if (link?.isSymbolicLink()) {
      const target = await fs.readlink(file);
      // Read, never written: the source's file keeps its bytes.
      const content = await fs.readFile(file, "utf8").catch(() => "");
      await fs.rm(file);
      await fs.writeFile(file, content);
      log(`${name} was a link to ${target}: replaced by a plain copy of it`);
    } else if (!link && name !== "pg_hba.conf") {
      // Debian keeps postgresql.conf and pg_ident.conf under /etc, so a backup may lack them.
      await fs.writeFile(file, "");
    }
  }
  for (const file of await confFiles(dataDir)) {
    const { text, commented } = neutraliseConf(
      await fs.readFile(file, "utf8"),
      path.dirname(file),
      paths.root,
    );
    if (commented.length === 0) continue;
    await fs.writeFile(file, text);
    for (const line of commented) log(`${path.relative(dataDir, file)}: commented out ${line}`);
  }
  await fs.appendFile(path.join(dataDir, "postgresql.auto.conf"), settings);
  await fs.writeFile(path.join(dataDir, "pg_hba.conf"), restoredHba());
  await fs.writeFile(path.join(dataDir, "recovery.signal"), "");
  await giveToServerUser(paths.root);
  const preload = preloadSettings(await configuredSetting(paths, "shared_preload_libraries"));
  if (preload.dropped.length) {
    await fs.appendFile(
      path.join(dataDir, "postgresql.auto.conf"),
      renderSettings("Libraries that run jobs on their own stay unloaded in a copy", preload.settings),
    );
    log(
      `shared_preload_libraries: ${preload.dropped.join(", ")} not loaded (its jobs must not run in a copy); kept: ${preload.settings.shared_preload_libraries || "none"}`,
    );
  }
  log(
    "postgresql.auto.conf: recovery and isolation settings appended; pg_hba.conf: local trust on the private socket, md5 on 127.0.0.1; recovery.signal written",
  );
}

interface ReplayState {
  consistent: boolean;
  stopping: string | null;
  fatal: string[];
  lastSegment: string | null;
  /** "redo done at …": what is left is the end-of-recovery checkpoint. */
  redoDone: boolean;
}

/** What a stalled replay was waiting for, for the watchdog's message. */
function stallMessage(
  state: ReplayState,
  plan: RestorePlan,
  replayLsn: string | null,
  seconds: number,
): string {
  const at = replayLsn ?? (state.lastSegment ? `WAL segment ${state.lastSegment}` : plan.fromLsn);
  const waitingFor = state.redoDone
    ? "the end-of-recovery checkpoint to finish"
    : state.lastSegment
      ? `the WAL segment after ${state.lastSegment} from the archive (restore_command)`
      : `the backup's first WAL segment ${plan.fromWal} from the archive (restore_command)`;
  return `replay made no progress for ${seconds} s at ${at}, waiting for ${waitingFor}; the restored instance was stopped (WALDEN_STALL_TIMEOUT_SECONDS)`;
}

async function follow(
  ctx: RestoreContext,
  plan: RestorePlan,
  request: PitrRestoreRequest,
  info: InstanceInfo,
  paths: InstancePaths,
  superuser: () => Promise<string>,
): Promise<ReplayState> {
  const state: ReplayState = {
    consistent: false,
    stopping: null,
    fatal: [],
    lastSegment: null,
    redoDone: false,
  };
  const follower = new LogFollower((offset) => readFrom(paths.logFile, offset));
  const from = parseLsn(plan.fromLsn);
  const parsedEnd = parseWalFileName(plan.toWal);
  const to = plan.toLsn
    ? parseLsn(plan.toLsn)
    : parsedEnd.kind === "segment"
      ? segmentEndLsn(parsedEnd.segno)
      : from + 1n;
  const started = Date.now();
  // Replay may take hours; what it must not do is stand still: no segment restored, no record
  // replayed, no log line (and, at the end, nothing written) for the stall timeout.
  const stallMs = stallTimeoutSeconds() * 1000;
  let lastProgressAt = Date.now();
  let lastSignature = "";
  let linesRead = 0;
  let replayLsn: string | null = null;
  const report = (position: bigint) => {
    const done = position <= from ? 0 : Number(position - from) / Math.max(1, Number(to - from));
    const percent = Math.min(99, Math.max(0, done * 100));
    const elapsed = (Date.now() - started) / 1000;
    const eta = done > 0.02 ? Math.max(0, Math.round((elapsed / done) * (1 - done))) : plan.estimateSeconds;
    ctx.setProgress(percent, eta);
  };

  const readLog = async () => {
    const lines = await follower.next();
    linesRead += lines.length;
    for (const line of lines) {
      const event = classifyLogLine(line);
      if (!event) continue;
      switch (event.kind) {
        case "restored":
          state.lastSegment = event.segment;
          break;
        case "consistent":
          state.consistent = true;
          ctx.steps.log("consistent recovery state reached");
          break;
        case "stopping":
          state.stopping = event.text;
          ctx.steps.log(event.text);
          break;
        case "fatal":
          state.fatal.push(event.text);
          ctx.steps.log(event.text);
          break;
        case "note":
          if (/redo done at/.test(event.text)) state.redoDone = true;
          ctx.steps.log(event.text);
          break;
        default:
          ctx.steps.log(line.slice(line.search(/LOG:|$/)));
      }
    }
  };

  for (;;) {
    await ctx.checkCancelled();
    await readLog();
    if ((await instancePid(paths)) === null) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await readLog();
      if (request.action === "shutdown" && state.stopping && state.fatal.length === 0) {
        ctx.steps.log("the instance shut down at the target, as asked");
        return state;
      }
      throw new Error(
        state.fatal.length
          ? `the restored instance stopped: ${state.fatal.join(" / ")}`
          : "the restored instance stopped during recovery without a FATAL line; see its log",
      );
    }
    if (state.lastSegment) {
      const parsed = parseWalFileName(state.lastSegment);
      if (parsed.kind === "segment") report(segmentStartLsn(parsed.segno));
    }
    if (state.consistent) {
      const status = await replayStatus(info, await superuser()).catch(() => null);
      if (status) {
        replayLsn = status.replayLsn ?? replayLsn;
        if (status.replayLsn) report(parseLsn(status.replayLsn));
        const finished =
          request.target.type === "latest" || request.action === "promote"
            ? !status.inRecovery
            : request.action === "pause"
              ? status.paused
              : false;
        if (finished) return state;
      }
    }
    // Writes count once redo is done (the end-of-recovery checkpoint can be long); before that a
    // spread restartpoint may write on for minutes while replay itself waits.
    const written = state.redoDone ? await instanceWrittenBytes(paths) : null;
    const signature = [state.lastSegment, replayLsn, linesRead, written].join(" ");
    if (signature !== lastSignature) {
      lastSignature = signature;
      lastProgressAt = Date.now();
    } else if (Date.now() - lastProgressAt >= stallMs) {
      const message = stallMessage(state, plan, replayLsn, Math.round((Date.now() - lastProgressAt) / 1000));
      ctx.steps.log(message);
      await stopInstance(paths, "immediate").catch(() => {});
      throw new Error(message);
    }
    await new Promise((resolve) =>
      setTimeout(resolve, state.consistent ? FOLLOW_CONSISTENT_INTERVAL_MS : FOLLOW_INTERVAL_MS),
    );
  }
}

async function replayStatus(info: InstanceInfo, superuser: string) {
  const client = await instanceClient(info, "postgres", superuser);
  try {
    const { rows } = await client.query<{ in_recovery: boolean; replay_lsn: string | null; paused: boolean }>(
      `select pg_is_in_recovery() as in_recovery, pg_last_wal_replay_lsn()::text as replay_lsn,
        case when current_setting('server_version_num')::int >= 140000
          then pg_is_in_recovery() and pg_get_wal_replay_pause_state() = 'paused'
          else pg_is_in_recovery() and pg_is_wal_replay_paused() end as paused`,
    );
    const row = rows[0]!;
    return { inRecovery: row.in_recovery, replayLsn: row.replay_lsn, paused: row.paused };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Once promoted, the source's subscriptions are disabled and detached from their slots, in
 * every database. Neither statement contacts the publisher (no worker ever ran: there are
 * none in a copy), and a DROP SUBSCRIPTION on the copy later cannot drop the publisher's slot.
 */
async function detachSubscriptions(
  info: InstanceInfo,
  superuser: string,
  log: (line: string) => void,
): Promise<void> {
  const client = await instanceClient(info, "postgres", superuser);
  let subscriptions: { db: string; name: string; enabled: boolean; slot: string | null }[];
  try {
    subscriptions = (
      await client.query<{ db: string; name: string; enabled: boolean; slot: string | null }>(
        `select d.datname as db, s.subname as name, s.subenabled as enabled, s.subslotname as slot
           from pg_subscription s join pg_database d on d.oid = s.subdbid
          where d.datallowconn order by 1, 2`,
      )
    ).rows;
  } finally {
    await client.end().catch(() => {});
  }
  for (const database of new Set(subscriptions.map((row) => row.db))) {
    const dbClient = await instanceClient(info, database, superuser);
    try {
      for (const sub of subscriptions.filter((row) => row.db === database)) {
        const name = dbClient.escapeIdentifier(sub.name);
        if (sub.enabled) await dbClient.query(`alter subscription ${name} disable`);
        if (sub.slot !== null) await dbClient.query(`alter subscription ${name} set (slot_name = none)`);
        log(
          `subscription ${sub.name} (database ${database}): disabled` +
            (sub.slot !== null ? `, detached from the publisher's slot ${sub.slot}` : "") +
            "; it never connected to its publisher",
        );
      }
    } finally {
      await dbClient.end().catch(() => {});
    }
  }
}

/** Runs the form's check query as a role that cannot read files or run programs, read-only. */
async function runCheck(
  info: InstanceInfo,
  superuser: string,
  registeredRole: string,
  database: string,
  sql: string,
  inRecovery: boolean,
): Promise<Verification["check"]> {
  let role = CHECK_ROLE;
  const admin = await instanceClient(info, database, superuser);
  try {
    if (inRecovery) {
      const { rows } = await admin.query<{ super: boolean }>(
        "select rolsuper as super from pg_roles where rolname = $1",
        [registeredRole],
      );
      if (rows[0]?.super !== false)
        return {
          skipped: `a paused instance is read-only, so no check role can be made, and ${registeredRole} is a superuser; promote to run the check`,
        };
      role = registeredRole;
    } else {
      const exists = await admin.query("select 1 from pg_roles where rolname = $1", [CHECK_ROLE]);
      if (exists.rowCount === 0)
        await admin.query(`create role ${CHECK_ROLE} login nosuperuser nocreatedb nocreaterole`);
      const version = await admin.query<{ v: number }>(
        "select current_setting('server_version_num')::int as v",
      );
      if (version.rows[0]!.v >= 140000) await admin.query(`grant pg_read_all_data to ${CHECK_ROLE}`);
    }
  } finally {
    await admin.end().catch(() => {});
  }
  const client = await instanceClient(info, database, role);
  try {
    await client.query("begin read only");
    await client.query("set local statement_timeout = '30s'");
    const inner = sql.trim().replace(/;\s*$/, "");
    const result = await client.query({
      text: `select * from (${inner}) as check_query limit ${CHECK_ROWS + 1}`,
      rowMode: "array",
    });
    await client.query("rollback");
    return {
      database,
      columns: result.fields.map((field) => field.name),
      rows: (result.rows as unknown[][]).slice(0, CHECK_ROWS),
      truncated: result.rows.length > CHECK_ROWS,
    };
  } catch (error) {
    return { error: (error as Error).message };
  } finally {
    await client.end().catch(() => {});
  }
}

async function verify(
  ctx: RestoreContext,
  info: InstanceInfo,
  superuser: string,
  registeredRole: string,
  request: PitrRestoreRequest,
): Promise<{ verification: Verification; reached: { lsn: string | null; time: string | null } }> {
  const client = await instanceClient(info, "postgres", superuser);
  let databases: { name: string; size: string }[];
  let reached: { lsn: string | null; time: string | null };
  let inRecovery: boolean;
  try {
    const list = await client.query<{ name: string; size: string }>(
      "select datname as name, pg_database_size(oid)::text as size from pg_database where datallowconn and not datistemplate order by datname",
    );
    databases = list.rows;
    const position = await client.query<{ lsn: string | null; time: Date | null; in_recovery: boolean }>(
      "select pg_last_wal_replay_lsn()::text as lsn, pg_last_xact_replay_timestamp() as time, pg_is_in_recovery() as in_recovery",
    );
    const row = position.rows[0]!;
    reached = { lsn: row.lsn, time: row.time?.toISOString() ?? null };
    inRecovery = row.in_recovery;
  } finally {
    await client.end().catch(() => {});
  }
  const verification: Verification = { databases: [], inRecovery, check: null };
  for (const database of databases.slice(0, MAX_VERIFIED_DATABASES)) {
    const dbClient = await instanceClient(info, database.name, superuser);
    try {
      const counted = await countTables(dbClient);
      verification.databases.push({ name: database.name, sizeBytes: Number(database.size), ...counted });
      ctx.steps.log(
        `${database.name}: ${counted.tables.length} tables, ${counted.tables.reduce((n, t) => n + (t.rows ?? 0), 0)} rows`,
      );
    } finally {
      await dbClient.end().catch(() => {});
    }
  }
  if (request.checkSql) {
    verification.check = await runCheck(
      info,
      superuser,
      registeredRole,
      info.database,
      request.checkSql,
      inRecovery,
    );
    ctx.steps.log(
      verification.check && "columns" in verification.check
        ? `check query: ${verification.check.rows.length} rows`
        : `check query: ${JSON.stringify(verification.check)}`,
    );
  }
  return { verification, reached };
}

export async function runPitrRestore(ctx: RestoreContext, restore: Restore): Promise<void> {
  const request = pitrRestoreRequestSchema.parse(restore.request);
  const cluster = await getClusterRowOrThrow(restore.clusterId);
  const primary = cluster.nodes.find((node) => node.role === "primary");
  if (!cluster.archivePath) throw new Error("the cluster has no WAL archive folder");

  // plan: again, with the backup chosen at request time (retention may have removed it since).
  ctx.steps.begin("plan");
  const storedPlan = readJson(plannedBackupSchema, restore.plan, "restore plan");
  const planned = await planPitrRestore({ ...request, backupId: storedPlan?.backupId ?? request.backupId });
  if (!planned.ok) throw new Error(planned.message);
  const plan = planned.plan;
  ctx.steps.log(plan.summary);
  await ctx.persist({ plan: toJson(plan), backupId: plan.backupId });
  ctx.steps.end();

  ctx.steps.begin("prepare");
  const backup = await db().backup.findUniqueOrThrow({ where: { id: plan.backupId } });
  if (!backup.path || backup.status !== "succeeded")
    throw new Error(`backup ${backup.id} is ${backup.status}, not restorable`);
  const serverMajor = Math.floor(toolVersionNum("pg_ctl") / 10000);
  const backupMajor = Math.floor((backup.serverVersionNum ?? 0) / 10000);
  if (backupMajor && backupMajor !== serverMajor)
    throw new Error(
      `the backup is from PostgreSQL ${backupMajor}, but this worker has PostgreSQL ${serverMajor} server programs`,
    );
  const paths = instancePaths(restore.id);
  const port = await allocatePort();
  const database = request.database ?? primary?.database ?? "postgres";
  const registeredRole = primary?.username ?? "postgres";
  const info: InstanceInfo = {
    host: "127.0.0.1",
    port,
    database,
    user: registeredRole,
    dataDir: paths.dataDir,
    socketDir: paths.socketDir,
    logFile: paths.logFile,
    name: instanceName(restore.id),
  };
  await ctx.persist({ port, instance: toJson(info) });
  await prepareInstanceDirs(paths);
  ctx.steps.log(`new data directory ${paths.dataDir}, port ${port}`);
  ctx.steps.end();

  ctx.steps.begin("extract");
  await ctx.checkCancelled();
  const extractStarted = Date.now();
  await extractBackup(backup.path, paths.dataDir, (line) => ctx.steps.log(line));
  ctx.steps.log(`extracted in ${((Date.now() - extractStarted) / 1000).toFixed(1)} s`);
  ctx.steps.end();

  ctx.steps.begin("configure");
  await ctx.checkCancelled();
  const settings = recoverySettings({
    archiveDir: cluster.archivePath,
    target: plan.target,
    action: request.action,
    timeline: plan.timeline,
    port,
    socketDir: paths.socketDir,
    clusterName: info.name,
  });
  await configure(
    paths,
    renderSettings(`Walden restore ${restore.id}`, settings) +
      renderSettings("This copy's own files, not the source's", ownFileSettings(paths.dataDir, serverMajor)),
    (line) => ctx.steps.log(line),
  );
  for (const [key, value] of Object.entries(settings).filter(
    ([key]) => key.startsWith("recovery_") || key === "restore_command",
  ))
    ctx.steps.log(`${key} = ${String(value)}`);
  ctx.steps.end();

  ctx.steps.begin("start");
  await ctx.checkCancelled();
  ctx.steps.log(await assertTablespacesInside(paths.dataDir, paths.root));
  await startInstance(paths);
  await ctx.persist({ instanceState: "running" });
  ctx.steps.log(`pg_ctl start: ${info.name} on 127.0.0.1:${port}`);
  ctx.steps.end();

  ctx.steps.begin("replay");
  let superuser: string | null = null;
  const su = async () => (superuser ??= await superuserName(info, registeredRole));
  const replay = await follow(ctx, plan, request, info, paths, su);
  if (request.action !== "shutdown") {
    const status = await replayStatus(info, await su());
    if (status.inRecovery)
      ctx.steps.log(
        "subscriptions stay as the source had them while the copy is in recovery; no logical replication worker can start (max_logical_replication_workers = 0)",
      );
    else await detachSubscriptions(info, await su(), (line) => ctx.steps.log(line));
  }
  ctx.steps.end();

  ctx.steps.begin("verify");
  if (request.action === "shutdown") {
    await ctx.persist({
      instanceState: "stopped",
      reached: toJson({ lsn: plan.toLsn, time: plan.toTime, stoppedAt: replay.stopping }),
      verification: toJson({
        databases: [],
        inRecovery: true,
        check: { skipped: "the instance shut down at the target" },
      }),
    });
    ctx.steps.log(
      "not verified by connecting: the instance was asked to shut down at the target; start it to inspect it",
    );
    ctx.steps.end("skipped");
  } else {
    const { verification, reached } = await verify(ctx, info, await su(), registeredRole, request);
    await ctx.persist({
      verification: toJson(verification),
      reached: toJson({ ...reached, stoppedAt: replay.stopping }),
    });
    ctx.steps.log(`reached ${reached.lsn ?? "?"} (last replayed commit ${reached.time ?? "unknown"})`);
    const shortfall = replayShortfall(plan, reached.lsn);
    if (shortfall) throw new Error(shortfall);
    ctx.steps.end();
  }

  ctx.steps.begin("ready");
  ctx.steps.log(
    request.action === "shutdown"
      ? `data directory ${paths.dataDir} (stopped)`
      : `psql -h 127.0.0.1 -p ${port} -U ${registeredRole} -d ${database}   (the source's password for ${registeredRole})`,
  );
  ctx.steps.end();
}
