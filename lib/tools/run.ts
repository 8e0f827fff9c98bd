import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { programSearchPath, stallTimeoutSeconds } from "@/lib/env";
import { workSessionOptions } from "@/lib/pg/connection";
import { tlsEnvironment, type ProgramTls } from "./node-access";

// The one place that starts PostgreSQL programs: an argument array, never a shell; a clean
// environment (no inherited PG* variables that could redirect a connection); the password
// only through PGPASSFILE; output handed over line by line for progress and logs.
// Every program runs under a watchdog: in its own process group (pg_basebackup forks a WAL
// streamer, pg_restore -j and pg_dump -j fork workers), and when the group shows no progress —
// no output, no bytes read, no change in a caller's probe — for the stall timeout,
// the whole group is killed and the result says which program stalled and on what.

export interface RunOptions {
  /** Absolute path of the program. */
  program: string;
  args: string[];
  passfile?: string;
  /** sslmode and CA file for a program that connects to a monitored node (lib/tools/node-access.ts). */
  tls?: ProgramTls;
  cwd?: string;
  signal?: AbortSignal;
  /** Called for each line of stderr (pg_basebackup --progress writes there, with \r). */
  onStderrLine?: (line: string) => void;
  onStdoutLine?: (line: string) => void;
  /** Kill the program after this long. */
  timeoutMs?: number;
  /** What the program waits for, named in the watchdog's message ("the server to stream the backup"). */
  waitingFor?: string;
  /**
   * A sign of progress the watchdog cannot see from the process itself (a server building an
   * index for pg_restore, a checkpoint pg_basebackup waits for): any change of the returned
   * value counts as progress; null or a throw counts as none.
   */
  progressProbe?: () => Promise<string | number | null>;
  /** No progress for this long kills the program; default WALDEN_STALL_TIMEOUT_SECONDS; 0 turns the watchdog off. */
  stallTimeoutMs?: number;
  /**
   * "client" (default) for programs that connect to a server; "server" for programs that
   * create or start one (initdb, pg_ctl, postgres) or write settings a server keeps
   * (pg_basebackup -R): see serverEnvironment.
   */
  environment?: "client" | "server";
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stderr, for error messages and logs (the watchdog's message last, when it fired). */
  stderrTail: string[];
  durationMs: number;
  /** The watchdog's message when it killed the program for making no progress, else null. */
  stalled: string | null;
}

const TAIL_LINES = 50;
/** After SIGTERM, a group that has not gone is killed outright. */
const KILL_GRACE_MS = 5_000;

export function toolEnvironment(passfile?: string, tls?: ProgramTls): NodeJS.Dict<string> {
  const env: NodeJS.Dict<string> = {
    PATH: programSearchPath(),
    LC_ALL: "C",
    // pg_waldump prints commit times in the local zone, with an abbreviation that cannot be read back.
    TZ: "UTC",
    PGAPPNAME: "walden",
    PGCONNECT_TIMEOUT: "10",
    // A role or database with a short statement_timeout (a monitoring habit) must not cut a
    // dump, a restore or a base backup short: those are long by nature and have the watchdog.
    PGOPTIONS: workSessionOptions(),
  };
  if (passfile) env.PGPASSFILE = passfile;
  return { ...env, ...tlsEnvironment(tls) };
}

/**
 * For programs that create or run a server: PATH and the C locale only, no libpq variables.
 * A server hands its environment to its own connections (a standby's WAL receiver), and
 * pg_basebackup -R writes the ones in force into primary_conninfo: a PGAPPNAME there would
 * rename the standby in its upstream's pg_stat_replication. No TZ either: initdb takes the
 * server's time zone from the machine, as a packaged installation does.
 */
export function serverEnvironment(passfile?: string): NodeJS.Dict<string> {
  const env: NodeJS.Dict<string> = { PATH: programSearchPath(), LC_ALL: "C" };
  // pg_basebackup -R keeps it as passfile= in primary_conninfo, so the standby can reconnect.
  if (passfile) env.PGPASSFILE = passfile;
  return env;
}

function lineSplitter(onLine: ((line: string) => void) | undefined, tail?: string[]) {
  let buffer = "";
  const emit = (line: string) => {
    if (!line) return;
    onLine?.(line);
    if (tail) {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    }
  };
  return {
    push(chunk: Buffer) {
      buffer += chunk.toString("utf8");
      const parts = buffer.split(/\r\n|\r|\n/);
      buffer = parts.pop() ?? "";
      parts.forEach(emit);
    },
    flush() {
      emit(buffer);
      buffer = "";
    },
  };
}

// Groups still running when the worker exits are killed with it, as they were when they shared its group.
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => liveGroups.forEach((group) => killGroup(group, "SIGKILL")));
  }
  liveGroups.add(pid);
}

/** Signals a whole process group; a group already gone is not an error. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}

/** Pids of a process group, from /proc (Linux); empty where /proc is not there. */
export async function groupMembers(pgid: number): Promise<number[]> {
  const entries = await fs.readdir("/proc").catch(() => [] as string[]);
  const members: number[] = [];
  await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (entry) => {
        const stat = await fs.readFile(path.join("/proc", entry, "stat"), "utf8").catch(() => "");
        // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ')'.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (Number(fields[2]) === pgid) members.push(Number(entry));
      }),
  );
  return members.sort((a, b) => a - b);
}

/**
 * Bytes read (files, pipes, sockets) by every process of a group: changes while it works. Bytes
 * written are not counted: a WAL streamer sends a status message every few seconds to a server
 * that may have stopped answering long ago.
 */
async function groupIoSignature(pgid: number): Promise<string> {
  const parts = await Promise.all(
    (await groupMembers(pgid)).map(async (pid) => {
      const io = await fs.readFile(`/proc/${pid}/io`, "utf8").catch(() => "");
      return `${pid}:${/^rchar: (\d+)$/m.exec(io)?.[1] ?? ""}`;
    }),
  );
  return parts.join(",");
}

class Watchdog {
  private lastProgressAt = Date.now();
  private lastSignature = "";
  private lastProbe: string | number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly stallMs: number,
    private readonly probe: RunOptions["progressProbe"],
    private readonly onStall: (silentMs: number) => void,
  ) {}

  start(): this {
    const everyMs = Math.max(100, Math.min(5_000, Math.floor(this.stallMs / 4)));
    this.timer = setInterval(() => void this.check(), everyMs);
    return this;
  }

  progressed(): void {
    this.lastProgressAt = Date.now();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async check(): Promise<void> {
    if (this.checking || !this.timer || this.child.pid === undefined) return;
    this.checking = true;
    try {
      const signature = await groupIoSignature(this.child.pid);
      if (signature !== this.lastSignature) {
        this.lastSignature = signature;
        this.progressed();
      }
      if (this.probe) {
        // A probe that hangs (a server that accepted the connection, then stopped) is no progress.
        const limitMs = Math.max(1_000, Math.min(this.stallMs, 30_000));
        let timer: NodeJS.Timeout | undefined;
        const value = await Promise.race([
          this.probe().catch(() => null),
          new Promise<null>((resolve) => {
            timer = setTimeout(() => resolve(null), limitMs);
          }),
        ]).finally(() => clearTimeout(timer));
        if (value !== null && value !== this.lastProbe) {
          this.lastProbe = value;
          this.progressed();
        }
      }
      const silentMs = Date.now() - this.lastProgressAt;
      if (this.timer && silentMs >= this.stallMs) {
        this.stop();
        this.onStall(silentMs);
      }
    } finally {
      this.checking = false;
    }
  }
}

/** The stall timeout in force: the caller's, else WALDEN_STALL_TIMEOUT_SECONDS. */
export function stallTimeoutMs(options: Pick<RunOptions, "stallTimeoutMs"> = {}): number {
  return options.stallTimeoutMs ?? stallTimeoutSeconds() * 1000;
}

export function runTool(options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const stderrTail: string[] = [];
  const program = path.basename(options.program);
  // Read before anything starts: a bad setting fails the call, not a program left running.
  const stallMs = stallTimeoutMs(options);
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ code: null, signal: "SIGTERM", stderrTail, durationMs: 0, stalled: null });
      return;
    }
    const child = spawn(options.program, options.args, {
      cwd: options.cwd,
      // Next.js types NODE_ENV as required; the tools need no NODE_ENV.
      env: (options.environment === "server"
        ? serverEnvironment(options.passfile)
        : toolEnvironment(options.passfile, options.tls)) as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so the program and everything it forked are stopped together.
      detached: true,
      shell: false,
    });
    const pid = child.pid;
    if (pid !== undefined) trackGroup(pid);
    let stalled: string | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    const stopGroup = (signal: NodeJS.Signals = "SIGTERM") => {
      if (pid === undefined || killTimer) return;
      killGroup(pid, signal);
      // A stopped or stubborn process ignores SIGTERM: SIGKILL follows.
      killTimer = setTimeout(() => killGroup(pid, "SIGKILL"), KILL_GRACE_MS);
    };
    const watchdog =
      stallMs > 0
        ? new Watchdog(child, stallMs, options.progressProbe, (silentMs) => {
            stalled =
              `${program} made no progress for ${Math.round(silentMs / 1000)} s` +
              ` (waiting for ${options.waitingFor ?? "its work to finish"}: no output, no bytes read` +
              `${options.progressProbe ? ", no change on the server" : ""}); killed with its child processes`;
            // No grace: it had the whole stall timeout, and a stopped process ignores SIGTERM.
            stopGroup("SIGKILL");
          }).start()
        : null;
    const stderr = lineSplitter(options.onStderrLine, stderrTail);
    const stdout = lineSplitter(options.onStdoutLine);
    child.stderr.on("data", (chunk: Buffer) => {
      watchdog?.progressed();
      stderr.push(chunk);
    });
    child.stdout.on("data", (chunk: Buffer) => {
      watchdog?.progressed();
      stdout.push(chunk);
    });
    const timer = options.timeoutMs ? setTimeout(() => stopGroup(), options.timeoutMs) : undefined;
    const onAbort = () => stopGroup();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = () => {
      clearTimeout(timer);
      watchdog?.stop();
      options.signal?.removeEventListener("abort", onAbort);
      if (pid !== undefined) {
        liveGroups.delete(pid);
        // A group that was stopped loses whatever the leader left behind in it too; a program
        // that ended by itself keeps what it meant to leave running.
        if (killTimer) killGroup(pid, "SIGKILL");
      }
      clearTimeout(killTimer);
    };
    child.on("error", (error) => {
      finish();
      reject(error);
    });
    child.on("close", (code, signal) => {
      finish();
      stderr.flush();
      stdout.flush();
      if (stalled) {
        stderrTail.push(stalled);
        if (stderrTail.length > TAIL_LINES) stderrTail.shift();
      }
      resolve({ code, signal, stderrTail, durationMs: Date.now() - started, stalled });
    });
  });
}
