import { readFileSync } from "node:fs";

// Whether a process named in a pid file (a lock, postmaster.pid) still runs.

/** The pid at the start of a lock or postmaster.pid file. */
export function parsePid(text: string): number | undefined {
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Zombies count as dead: in containers where PID 1 does not reap, they linger. */
export function isProcessAlive(pid: number): boolean {
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
