import { spawn, type ChildProcess } from "node:child_process";
import { killGroup } from "./run";

// Walden's own processes, started by the demo and the load bench: the web app, the worker and
// `next build`. Unlike PostgreSQL's programs (runTool) they get the environment the caller
// gives them, since they need Walden's settings (DATABASE_URL, WALDEN_SECRET…). Still an
// argument array, never a shell.

/**
 * Starts a long-running child in its own process group (so the web server's own children can
 * be signalled with it), prefixing each output line with its name.
 */
export function startChild(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): ChildProcess {
  const child = spawn(command, args, {
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    shell: false,
  });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => `[${name}] ${line}\n`)
      .join("");
  child.stdout?.on("data", (chunk: Buffer) => process.stdout.write(prefix(chunk)));
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  return child;
}

/** SIGTERM to the child's group, then SIGKILL after `graceMs` if it is still there. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  const pid = child.pid;
  if (child.exitCode !== null || child.signalCode !== null || pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  killGroup(pid, "SIGTERM");
  const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Runs a command to completion with inherited output; rejects on a non-zero exit. */
export function runToCompletion(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: "inherit", shell: false });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`)),
    );
  });
}
