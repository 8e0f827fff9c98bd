import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { isProcessAlive, parsePid } from "@/lib/tools/process-state";
import { dataDir, HOST, logFile, port, type Context, type ServerName } from "./context";
import { SandboxError } from "./errors";
import { runPgProgram, runPgProgramOrThrow } from "./programs";

// One server's lifecycle: its state, start and stop (pg_ctl), and the log when it fails.

export type ServerState = "running" | "stopped" | "absent";

const START_TIMEOUT_SECONDS = 60;

export async function serverState(ctx: Context, name: ServerName): Promise<ServerState> {
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

export async function ensureRunning(ctx: Context, name: ServerName): Promise<void> {
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
    throw new SandboxError(
      `${name} did not start (pg_ctl exit ${result.code ?? result.signal}). ${await logHint(ctx, name)}`,
    );
  }
}

export async function stopServer(ctx: Context, name: ServerName): Promise<void> {
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
export async function logHint(ctx: Context, name: ServerName): Promise<string> {
  const file = logFile(ctx, name);
  const text = await fs.readFile(file, "utf8").catch(() => "");
  const tail = text.trimEnd().split("\n").slice(-20).join("\n");
  const portInUse = /could not bind|Address already in use/.test(tail)
    ? `Port ${port(ctx, name)} on ${HOST} is taken by another program: stop it or choose another WALDEN_PG_PORT. `
    : "";
  return `${portInUse}Last lines of ${file}:\n${tail || "(empty)"}`;
}
