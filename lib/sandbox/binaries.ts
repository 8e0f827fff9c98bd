import { execFileSync } from "node:child_process";
import { accessSync, constants, readdirSync, realpathSync } from "node:fs";
import path from "node:path";

/** A sandbox failure worded so that a DBA knows what to do next. */
export class SandboxError extends Error {
  override name = "SandboxError";
}

export interface PgBinaries {
  binDir: string;
  major: number;
}

/** The programs the sandbox runs; a directory must hold all of them. */
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
export function findPgBinaries(env: NodeJS.Dict<string> = process.env): PgBinaries {
  const explicit = env.WALDEN_PG_BIN;
  if (explicit) {
    if (!hasAllPrograms(explicit)) {
      throw new SandboxError(
        `WALDEN_PG_BIN=${explicit} does not contain ${REQUIRED_PG_PROGRAMS.join(", ")}. ` +
          `Point it at a PostgreSQL bin directory, or unset it. ${INSTALL_HINT}`,
      );
    }
    return { binDir: explicit, major: readPgMajor(explicit) };
  }
  const binDir = findOnPath(env.PATH ?? "") ?? findNewestDebianBinDir(DEBIAN_PG_ROOT);
  if (!binDir) throw new SandboxError(INSTALL_HINT);
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
    throw new SandboxError(`Cannot read the PostgreSQL version from: ${versionOutput.trim()}`);
  }
  return Number(match[1]);
}

function readPgMajor(binDir: string): number {
  const postgres = path.join(binDir, "postgres");
  let output: string;
  try {
    // --version is answered before postgres' refusal to run as root, so no runuser here.
    output = execFileSync(postgres, ["--version"], { encoding: "utf8", timeout: 10_000 });
  } catch (error) {
    throw new SandboxError(`${postgres} --version failed: ${(error as Error).message}`);
  }
  return parsePgMajor(output);
}
