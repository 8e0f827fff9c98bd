import { accessSync, constants, readdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { startupSettings } from "@/lib/env";
import { runToolSync, runToolSyncOrThrow } from "./run-sync";
import { ToolSetupError } from "./setup-error";

// Where PostgreSQL's programs are: one installation directory, found once, used by the worker
// (pg_basebackup, pg_dump, pg_waldump…) and the sandbox (initdb, pg_ctl, postgres) alike.

export interface PgBinaries {
  binDir: string;
  major: number;
}

/** The programs a directory must hold to count as an installation (the sandbox runs all of them). */
export const REQUIRED_PG_PROGRAMS = ["postgres", "initdb", "pg_ctl", "pg_basebackup"] as const;

const DEBIAN_PG_ROOT = "/usr/lib/postgresql";

const INSTALL_HINT =
  "PostgreSQL server binaries not found (looked for postgres, initdb, pg_ctl and pg_basebackup " +
  `on PATH and in ${DEBIAN_PG_ROOT}/<major>/bin); install them with: sudo apt-get install postgresql`;

/**
 * Locate one directory holding the PostgreSQL server programs.
 *
 * Order: `WALDEN_PG_BIN` if set (an explicit choice, never second-guessed), then PATH,
 * then the newest `/usr/lib/postgresql/<major>/bin`.
 */
// NodeJS.Dict rather than ProcessEnv: Next's types make NODE_ENV mandatory on the latter.
export function findPgBinaries(
  env: NodeJS.Dict<string> = startupSettings("WALDEN_PG_BIN", "PATH"),
): PgBinaries {
  const explicit = env.WALDEN_PG_BIN;
  if (explicit) {
    if (!hasAllPrograms(explicit)) {
      throw new ToolSetupError(
        `WALDEN_PG_BIN=${explicit} does not contain ${REQUIRED_PG_PROGRAMS.join(", ")}. ` +
          `Point it at a PostgreSQL bin directory, or unset it. ${INSTALL_HINT}`,
      );
    }
    return { binDir: explicit, major: readPgMajor(explicit) };
  }
  const binDir = findOnPath(env.PATH ?? "") ?? findNewestDebianBinDir(DEBIAN_PG_ROOT);
  if (!binDir) throw new ToolSetupError(INSTALL_HINT);
  return { binDir, major: readPgMajor(binDir) };
}

/**
 * A PATH entry counts only if `postgres` and `initdb` sit there together: a lone `pg_ctl`
 * is often Debian's pg_wrapper. Symlinks (e.g. /usr/local/bin/postgres → /usr/lib/…/bin)
 * are followed so the real directory, which also has pg_basebackup, is returned.
 */
function findOnPath(pathVariable: string): string | undefined {
  for (const dir of pathVariable.split(path.delimiter)) {
    if (!dir || !isExecutable(path.join(dir, "postgres")) || !isExecutable(path.join(dir, "initdb"))) {
      continue;
    }
    const realDir = path.dirname(realpathSync(path.join(dir, "postgres")));
    for (const candidate of [realDir, dir]) {
      if (hasAllPrograms(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The highest-numbered `<root>/<major>/bin` that holds every required program. */
export function findNewestDebianBinDir(root: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return undefined;
  }
  const majors = entries
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => b - a);
  for (const major of majors) {
    const binDir = path.join(root, String(major), "bin");
    if (hasAllPrograms(binDir)) return binDir;
  }
  return undefined;
}

function hasAllPrograms(dir: string): boolean {
  return REQUIRED_PG_PROGRAMS.every((program) => isExecutable(path.join(dir, program)));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `postgres --version` prints e.g. "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)". */
export function parsePgMajor(versionOutput: string): number {
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(versionOutput);
  if (!match?.[1]) {
    throw new ToolSetupError(`Cannot read the PostgreSQL version from: ${versionOutput.trim()}`);
  }
  return Number(match[1]);
}

function readPgMajor(binDir: string): number {
  const postgres = path.join(binDir, "postgres");
  let output: string;
  try {
    // --version is answered before postgres' refusal to run as root, so no runuser here.
    output = runToolSyncOrThrow(postgres, ["--version"]);
  } catch (error) {
    throw new ToolSetupError(`${postgres} --version failed: ${(error as Error).message}`);
  }
  return parsePgMajor(output);
}

/** The installation's library folder (extensions such as pg_stat_statements live there). */
export function pgPackageLibDir(binDir: string): string {
  const { code, stdout } = runToolSync(path.join(binDir, "pg_config"), ["--pkglibdir"]);
  // Without pg_config (a server-only package), the conventional layout.
  return code === 0 ? stdout.trim() : path.join(binDir, "..", "lib");
}

// ---------------------------------------------------------------------------------------------
// The programs the worker runs
// ---------------------------------------------------------------------------------------------

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
    version = parseToolVersion(runToolSyncOrThrow(toolPath(program), ["--version"]));
    versions.set(program, version);
  }
  return version;
}
