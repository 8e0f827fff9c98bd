import path from "node:path";
import type { RunResult } from "@/lib/tools/run";
import { runAsServerUser } from "@/lib/tools/server-user";
import type { Context } from "./context";
import { SandboxError } from "./errors";

// The sandbox's PostgreSQL programs, run by lib/tools: from the installation it found, as the
// server's OS user, with a server's environment (nothing of the caller's PG* variables).

export type SandboxProgram = "initdb" | "pg_ctl" | "pg_basebackup" | "pg_rewind";

const PROGRAM_TIMEOUT_MS = 5 * 60_000;

export async function runPgProgram(
  ctx: Context,
  program: SandboxProgram,
  args: string[],
  options: { passfile?: string } = {},
): Promise<RunResult> {
  try {
    return await runAsServerUser({
      program: path.join(ctx.binaries.binDir, program),
      args,
      cwd: ctx.layout.home,
      environment: "server",
      passfile: options.passfile,
      timeoutMs: PROGRAM_TIMEOUT_MS,
    });
  } catch (error) {
    throw new SandboxError(`Could not run ${program}: ${(error as Error).message}`);
  }
}

export async function runPgProgramOrThrow(
  ctx: Context,
  program: SandboxProgram,
  args: string[],
  options: { passfile?: string } = {},
): Promise<RunResult> {
  const result = await runPgProgram(ctx, program, args, options);
  if (result.code !== 0) {
    throw new SandboxError(
      `${program} ${args.join(" ")} failed (exit ${result.code ?? result.signal}):\n${result.stderrTail.join("\n")}`,
    );
  }
  return result;
}
