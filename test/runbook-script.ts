import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

// The break-glass runbook run as a person would: bash -e, as the postgres OS user (PostgreSQL
// refuses root), with a clean environment; for pg tests of the runbook's commands.

const execFileAsync = promisify(execFile);
export const runningAsRoot = process.getuid?.() === 0;

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** bash -e -c `script`, as the postgres OS user when the tests run as root; never throws. */
export function runAsPostgresShell(
  script: string,
  options: { cwd: string; home: string; env?: Record<string, string> },
): Promise<ScriptResult> {
  // No PG* variables from the test runner: a person's shell would not have them.
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, HOME: options.home };
  for (const key of Object.keys(env)) if (key.startsWith("PG")) delete env[key];
  const bash = ["bash", "-e", "-c", script];
  const [program, ...args] = runningAsRoot ? ["runuser", "-u", "postgres", "--", ...bash] : bash;
  return new Promise((resolve, reject) => {
    const child = spawn(program!, args, { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * What step 1 of the runbook tells root to run when the postgres OS user cannot read a backup
 * Walden's worker (root) wrote: the group may enter its cluster folder and read the backup.
 */
export async function grantBackupToPostgres(backupPath: string): Promise<void> {
  if (!runningAsRoot) return;
  const clusterDir = path.dirname(backupPath);
  await execFileAsync("chgrp", ["postgres", clusterDir]);
  await execFileAsync("chmod", ["g+x", clusterDir]);
  await execFileAsync("chgrp", ["-R", "postgres", backupPath]);
  await execFileAsync("chmod", ["-R", "g+rX", backupPath]);
}
