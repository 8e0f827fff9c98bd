import { execFileSync } from "node:child_process";
import path from "node:path";
import { findPgBinaries } from "@/lib/sandbox";

// Where the worker finds pg_basebackup, pg_dump, pg_restore, pg_waldump…: the newest
// PostgreSQL installation on the machine (the same search the sandbox uses).

export type PgProgram =
  | "pg_basebackup"
  | "pg_dump"
  | "pg_dumpall"
  | "pg_restore"
  | "pg_verifybackup"
  | "pg_waldump"
  | "pg_receivewal"
  | "pg_ctl";

let binDir: string | undefined;

export function toolPath(program: PgProgram): string {
  binDir ??= findPgBinaries().binDir;
  return path.join(binDir, program);
}

const versions = new Map<PgProgram, number>();

/** "pg_dump (PostgreSQL) 15.18 (Debian …)" → 150018; 16+ "16.4" → 160004. */
export function parseToolVersion(output: string): number {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) throw new Error(`cannot read a PostgreSQL version from: ${output.trim()}`);
  return Number(match[1]) * 10000 + Number(match[2] ?? 0);
}

export function toolVersionNum(program: PgProgram): number {
  let version = versions.get(program);
  if (version === undefined) {
    version = parseToolVersion(execFileSync(toolPath(program), ["--version"], { encoding: "utf8" }));
    versions.set(program, version);
  }
  return version;
}
