import { spawnSync } from "node:child_process";
import { toolEnvironment } from "./run";

// For the few answers needed before anything async can start (which PostgreSQL is installed,
// which OS user runs a server): a short program run to completion, with runTool's conventions
// (an argument array, never a shell; the clean tool environment) and a hard time limit.

export interface SyncRunResult {
  /** null when the program could not start, or was killed at the time limit. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why the program did not run or finish (not found, timed out), else undefined. */
  error?: Error;
}

export function runToolSync(program: string, args: string[], timeoutMs = 10_000): SyncRunResult {
  const result = spawnSync(program, args, {
    // Next.js types NODE_ENV as required; the tools need no NODE_ENV.
    env: toolEnvironment() as NodeJS.ProcessEnv,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: timeoutMs,
    shell: false,
  });
  return {
    code: result.status,
    stdout: result.stdout ?? "",
    stderr: result.stderr ?? "",
    error: result.error,
  };
}

/** The program's stdout; throws with its stderr when it did not run or exited non-zero. */
export function runToolSyncOrThrow(program: string, args: string[], timeoutMs?: number): string {
  const result = runToolSync(program, args, timeoutMs);
  if (result.error) throw result.error;
  if (result.code !== 0) {
    throw new Error(`${program} ${args.join(" ")} exited with ${result.code}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}
