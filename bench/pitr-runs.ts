import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { untar } from "@/lib/backup/verify";
import { db } from "@/lib/db";
import { giveToServerUser, instancePaths, removeInstance } from "@/lib/restore/instance";
import { planPitrRestore } from "@/lib/restore/plan-service";
import { recoverySettings, renderSettings, restoredHba } from "@/lib/restore/recovery-config";
import { runRestore } from "@/lib/restore/run";
import type { RestoreStep } from "@/lib/restore/steps";
import { pitrRestoreRequestSchema, type RestoreTarget } from "@/lib/schemas/restore";
import { toolPath } from "@/lib/tools/binaries";
import { runTool } from "@/lib/tools/run";
import { asServerUser } from "@/lib/tools/server-user";
import { BENCH_HOME, type Bench } from "./setup";
import { now, scalar, sleep } from "./support";

// One restore each way for the pitr part (pitr.ts alternates them): Walden's, runRestore() on a
// planned restore row as the worker runs it, and the manual procedure a person follows with the
// same recovery settings, timed from mkdir until pg_is_in_recovery() is false.

/** The manual restores' port: the first free one from here. */
const MANUAL_BASE_PORT = 27600;
const MANUAL_ROOT = path.join(BENCH_HOME, "manual-pitr");
const WORKER_ID = "walden-bench";
/** How often the manual procedure asks pg_is_in_recovery() (Walden's follow loop: every 500 ms). */
export const MANUAL_POLL_MS = 50;
const MANUAL_TIMEOUT_MS = 30 * 60_000;

/** Milliseconds from the start of the run to the end of each step, in order. */
export type StepTimes = { name: string; ms: number }[];

export interface PitrRun {
  who: "walden" | "manual";
  target: RestoreTarget["type"];
  /** Whether this run came first in its pair (the order alternates from pair to pair). */
  ranFirst: boolean;
  /** Walden: runRestore() call to return; manual: mkdir to "pg_is_in_recovery() is false". */
  ms: number;
  /** Walden: call to the end of its replay step (promotion seen), before verification. Manual: = ms. */
  replayDoneMs: number;
  /** Duration of each step; Walden's from its steps JSON, with "claim" before the first step and "finish" after the last. */
  steps: StepTimes;
  /**
   * From the server's own log: ms from the start of the run to "database system is ready to
   * accept connections" (promotion complete), and from then until the runner saw it.
   */
  serverReadyMs: number | null;
  seenAfterReadyMs: number | null;
  /** ms from the start of the run to the call of pg_ctl start (Walden: its start step began). */
  pgCtlAtMs: number;
  /** Walden only: what its verification counted. */
  verified?: { databases: number; tables: number; counted: number; estimated: number };
}

// ---------------------------------------------------------------------------------------------
// Walden's run
// ---------------------------------------------------------------------------------------------

/** "2025-01-02 03:04:05.678 UTC [pid] LOG:  database system is ready to accept connections" → epoch ms. */
async function serverReadyAt(logFile: string): Promise<number | null> {
  const text = await fs.readFile(logFile, "utf8").catch(() => "");
  const lines = text
    .split("\n")
    .filter((line) => /database system is ready to accept connections/.test(line));
  const stamp = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) (?:UTC|GMT)\b/.exec(lines.at(-1) ?? "");
  return stamp ? Date.parse(`${stamp[1]}T${stamp[2]}Z`) : null;
}

const at = (iso: string | null) => (iso ? Date.parse(iso) : NaN);

export async function waldenRestore(
  bench: Bench,
  backupId: string,
  target: RestoreTarget,
  log: (line: string) => void,
): Promise<PitrRun> {
  const request = pitrRestoreRequestSchema.parse({
    clusterId: bench.clusterId,
    kind: "pitr",
    target,
    action: "promote",
    backupId,
  });
  // Planned at request time, as POST /restores does; runRestore() plans again in its plan step.
  const planned = await planPitrRestore(request);
  if (!planned.ok) throw new Error(`Walden refused to plan the restore: ${planned.message}`);
  const row = await db().restore.create({
    data: {
      clusterId: bench.clusterId,
      kind: "pitr",
      request,
      plan: planned.plan as never,
      backupId: planned.plan.backupId,
      requestedBy: "bench",
    },
  });
  const paths = instancePaths(row.id);
  try {
    const calledAt = Date.now();
    const start = now();
    const claimed = await runRestore(row.id, WORKER_ID);
    const ms = now() - start;
    const done = await db().restore.findUniqueOrThrow({ where: { id: row.id } });
    const steps = done.steps as unknown as RestoreStep[];
    if (!claimed || done.status !== "succeeded") {
      const failed = steps.find((step) => step.status === "failed");
      throw new Error(
        `Walden's restore ended ${done.status}: ${done.error ?? "no error recorded"}` +
          (failed ? ` (${failed.name}: ${failed.log.slice(-5).join(" | ")})` : ""),
      );
    }
    const times: StepTimes = [{ name: "claim", ms: at(steps[0]!.startedAt) - calledAt }];
    for (const step of steps) times.push({ name: step.name, ms: at(step.finishedAt) - at(step.startedAt) });
    times.push({ name: "finish", ms: calledAt + ms - at(steps.at(-1)!.finishedAt) });
    const replay = steps.find((step) => step.name === "replay")!;
    const startStep = steps.find((step) => step.name === "start")!;
    const replayDoneAt = at(replay.finishedAt);
    const readyAt = await serverReadyAt(paths.logFile);
    const verification = done.verification as {
      databases: { tables: { estimated?: boolean; rows: number | null }[] }[];
    } | null;
    const tables = verification?.databases.flatMap((database) => database.tables) ?? [];
    const estimated = tables.filter((table) => table.estimated).length;
    log(
      `walden ${target.type}: ${(ms / 1000).toFixed(2)} s (replay done at ${((replayDoneAt - calledAt) / 1000).toFixed(2)} s)`,
    );
    return {
      who: "walden",
      target: target.type,
      ranFirst: false,
      ms,
      replayDoneMs: replayDoneAt - calledAt,
      steps: times,
      serverReadyMs: readyAt === null ? null : readyAt - calledAt,
      seenAfterReadyMs: readyAt === null ? null : replayDoneAt - readyAt,
      pgCtlAtMs: at(startStep.startedAt) - calledAt,
      verified: {
        databases: verification?.databases.length ?? 0,
        tables: tables.length,
        counted: tables.length - estimated,
        estimated,
      },
    };
  } finally {
    await removeInstance(paths);
    await db().restore.delete({ where: { id: row.id } });
  }
}

// ---------------------------------------------------------------------------------------------
// The manual procedure
// ---------------------------------------------------------------------------------------------

interface ManualPaths {
  root: string;
  dataDir: string;
  socketDir: string;
  logFile: string;
}

function manualPaths(name: string): ManualPaths {
  const root = path.join(MANUAL_ROOT, name);
  return {
    root,
    dataDir: path.join(root, "data"),
    socketDir: path.join(root, "run"),
    logFile: path.join(root, "server.log"),
  };
}

async function pgCtl(args: string[], cwd: string) {
  const { program, args: argv } = asServerUser(toolPath("pg_ctl"), args);
  return runTool({ program, args: argv, cwd, timeoutMs: 120_000 });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function manualPort(): Promise<number> {
  for (let port = MANUAL_BASE_PORT; port < MANUAL_BASE_PORT + 100; port += 1) {
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in ${MANUAL_BASE_PORT}-${MANUAL_BASE_PORT + 99} for the manual restore`);
}

async function stopManual(paths: ManualPaths): Promise<void> {
  if (existsSync(path.join(paths.dataDir, "postmaster.pid"))) {
    await pgCtl(["stop", "-w", "-t", "60", "-m", "immediate", "-D", paths.dataDir], paths.root);
  }
  await fs.rm(paths.root, { recursive: true, force: true });
}

/** pg_is_in_recovery() over the private socket; null while the server refuses connections. */
async function inRecovery(paths: ManualPaths, port: number, user: string): Promise<boolean | null> {
  const client = new pg.Client({
    host: paths.socketDir,
    port,
    user,
    database: "postgres",
    ssl: false,
    application_name: "walden-bench-manual",
    connectionTimeoutMillis: 5_000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return await scalar<boolean>(client, "select pg_is_in_recovery() as value");
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface ManualInput {
  backupDir: string;
  archiveDir: string;
  target: RestoreTarget;
  timeline: string;
  /** The role the poll connects as (trust on the private socket, as for Walden's worker). */
  user: string;
}

export async function manualRestore(
  input: ManualInput,
  name: string,
  log: (line: string) => void,
): Promise<PitrRun> {
  const paths = manualPaths(name);
  await stopManual(paths);
  await fs.mkdir(MANUAL_ROOT, { recursive: true, mode: 0o755 });
  const port = await manualPort();
  const files = await fs.readdir(input.backupDir);
  const base = files.find((file) => file.startsWith("base.tar"));
  const wal = files.find((file) => file.startsWith("pg_wal.tar"));
  if (!base) throw new Error(`the backup folder ${input.backupDir} has no base.tar`);
  const steps: StepTimes = [];
  let mark = now();
  const step = (stepName: string) => {
    const end = now();
    steps.push({ name: stepName, ms: end - mark });
    mark = end;
  };
  try {
    const startedAt = Date.now();
    const start = now();
    mark = start;
    // prepare: mkdir, 0700, owned by the server user
    for (const dir of [paths.root, paths.dataDir, paths.socketDir]) await fs.mkdir(dir, { mode: 0o700 });
    await giveToServerUser(paths.root);
    step("prepare");
    // extract: tar -x, with the decompression the file name says
    const lines: string[] = [];
    await untar(path.join(input.backupDir, base), paths.dataDir, lines);
    if (wal) await untar(path.join(input.backupDir, wal), path.join(paths.dataDir, "pg_wal"), lines);
    step("extract");
    // configure: the same settings Walden writes, with this run's port and socket folder
    const settings = recoverySettings({
      archiveDir: input.archiveDir,
      target: input.target,
      action: "promote",
      timeline: input.timeline,
      port,
      socketDir: paths.socketDir,
      clusterName: `bench-manual-${name}`,
    });
    await fs.appendFile(path.join(paths.dataDir, "postgresql.auto.conf"), renderSettings("manual", settings));
    await fs.writeFile(path.join(paths.dataDir, "pg_hba.conf"), restoredHba());
    await fs.writeFile(path.join(paths.dataDir, "recovery.signal"), "");
    await giveToServerUser(paths.root);
    step("configure");
    // start
    const pgCtlAtMs = now() - start;
    const started = await pgCtl(["start", "-W", "-D", paths.dataDir, "-l", paths.logFile], paths.root);
    if (started.code !== 0)
      throw new Error(`pg_ctl start failed: ${started.stderrTail.slice(-3).join(" | ")}`);
    step("start");
    // replay: until promotion is done
    for (;;) {
      if ((await inRecovery(paths, port, input.user)) === false) break;
      if (now() - start > MANUAL_TIMEOUT_MS) throw new Error("the manual restore did not promote in time");
      await sleep(MANUAL_POLL_MS);
    }
    step("replay");
    const ms = now() - start;
    const seenAt = startedAt + ms;
    // pg_is_in_recovery() turns false a moment before the postmaster logs that it is ready.
    let readyAt = await serverReadyAt(paths.logFile);
    for (let tries = 0; readyAt === null && tries < 50; tries++) {
      await sleep(100);
      readyAt = await serverReadyAt(paths.logFile);
    }
    log(`manual ${input.target.type}: ${(ms / 1000).toFixed(2)} s`);
    return {
      who: "manual",
      target: input.target.type,
      ranFirst: false,
      ms,
      replayDoneMs: ms,
      steps,
      serverReadyMs: readyAt === null ? null : readyAt - startedAt,
      seenAfterReadyMs: readyAt === null ? null : seenAt - readyAt,
      pgCtlAtMs,
    };
  } catch (error) {
    const tail = await fs.readFile(paths.logFile, "utf8").catch(() => "");
    throw new Error(
      `${(error as Error).message}; server log: ${tail.trim().split("\n").slice(-3).join(" / ") || "none"}`,
    );
  } finally {
    await stopManual(paths);
  }
}

/** What a crashed run's manual restores left: servers stopped, folders removed. */
export async function removeManualLeftovers(): Promise<void> {
  const manual = await fs.readdir(MANUAL_ROOT).catch(() => [] as string[]);
  for (const name of manual) await stopManual(manualPaths(name));
  await fs.rm(MANUAL_ROOT, { recursive: true, force: true });
}
