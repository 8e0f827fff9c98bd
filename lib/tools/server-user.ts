import os from "node:os";
import { runTool, type RunOptions, type RunResult } from "./run";
import { runToolSyncOrThrow } from "./run-sync";
import { ToolSetupError } from "./setup-error";

// PostgreSQL refuses to run as root. Whoever starts a server (the sandbox, a restored
// instance) runs it as this OS user: the current one, or `postgres` when we are root.

export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
  /** Root must hand server programs to another user with runuser. */
  viaRunuser: boolean;
}

let cached: ServerUser | undefined;

export function serverUser(): ServerUser {
  if (cached) return cached;
  if (process.getuid?.() !== 0) {
    const me = os.userInfo();
    cached = { name: me.username, uid: me.uid, gid: me.gid, viaRunuser: false };
    return cached;
  }
  try {
    const uid = Number(runToolSyncOrThrow("id", ["-u", "postgres"]).trim());
    const gid = Number(runToolSyncOrThrow("id", ["-g", "postgres"]).trim());
    cached = { name: "postgres", uid, gid, viaRunuser: true };
    return cached;
  } catch {
    throw new ToolSetupError(
      "Running as root, but there is no 'postgres' OS user to run PostgreSQL as. " +
        "Install the server package (sudo apt-get install postgresql creates it) or run as a normal user.",
    );
  }
}

/** The program and argv that run `file args…` as the server user (never through a shell). */
export function asServerUser(file: string, args: string[]): { program: string; args: string[] } {
  const user = serverUser();
  return user.viaRunuser
    ? { program: "runuser", args: ["-u", user.name, "--", file, ...args] }
    : { program: file, args };
}

/** runTool, as the server user: initdb, pg_ctl and postgres itself refuse to run as root. */
export function runAsServerUser(options: RunOptions): Promise<RunResult> {
  return runTool({ ...options, ...asServerUser(options.program, options.args) });
}
