import path from "node:path";
import { findPgBinaries, type PgBinaries } from "@/lib/tools/binaries";
import { serverUser, type ServerUser } from "@/lib/tools/server-user";
import type { SandboxOptions } from "./options";

// Who runs PostgreSQL, and where everything lives: the servers, their ports and folders.

export const HOST = "127.0.0.1";
export const SERVER_NAMES = ["catalog", "primary", "standby1", "standby2"] as const;
export type ServerName = (typeof SERVER_NAMES)[number];
const PORT_OFFSET: Record<ServerName, number> = { catalog: 0, primary: 1, standby1: 2, standby2: 3 };

interface Layout {
  home: string;
  pgDir: string;
  runDir: string;
  logsDir: string;
  archiveDir: string;
  lockFile: string;
  credentialsFile: string;
  /** Kept (0600): pg_basebackup -R records `passfile=` in the standbys' primary_conninfo. */
  replicationPassfile: string;
}

export interface Context {
  opts: SandboxOptions;
  binaries: PgBinaries;
  /** Root hands PostgreSQL programs to another user: they refuse to run as root. */
  user: ServerUser;
  layout: Layout;
  log: (line: string) => void;
}

export function createContext(opts: SandboxOptions): Context {
  const home = path.resolve(opts.home);
  const runDir = path.join(home, "run");
  return {
    opts: { ...opts, home },
    binaries: findPgBinaries(),
    user: serverUser(),
    layout: {
      home,
      pgDir: path.join(home, "pg"),
      runDir,
      logsDir: path.join(home, "logs"),
      archiveDir: path.join(home, "archive", "demo"),
      lockFile: path.join(home, "sandbox.lock"),
      credentialsFile: path.join(home, "credentials.json"),
      replicationPassfile: path.join(runDir, "replicator.pgpass"),
    },
    log: opts.log ?? (() => {}),
  };
}

export function port(ctx: Context, name: ServerName): number {
  return ctx.opts.basePort + PORT_OFFSET[name];
}

export function dataDir(ctx: Context, name: ServerName): string {
  return path.join(ctx.layout.pgDir, name);
}

export function logFile(ctx: Context, name: ServerName): string {
  return path.join(ctx.layout.logsDir, `${name}.log`);
}
