import fs from "node:fs/promises";
import path from "node:path";

// Files Walden writes are readable by its own OS user only (design.md "Safety rules"), and a
// backup or copy is marked succeeded only once its bytes are on disk. The worker runs with
// umask 077, but programs and other processes (tests, a one-off script) may not: these helpers
// set the modes explicitly and fsync, whatever the umask was when the files were written.

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates a folder (and its missing parents) readable by Walden's user only. */
export async function mkdirPrivate(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await fs.chmod(dir, PRIVATE_DIR_MODE);
}

/** Every file and folder below `dir` (symlinks are neither listed nor followed). */
async function walk(dir: string): Promise<{ files: string[]; dirs: string[] }> {
  const files: string[] = [];
  const dirs: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory()) dirs.push(full);
    else if (entry.isFile()) files.push(full);
  }
  return { files, dirs };
}

/** chmod 0700 on `dir` and every folder below it, 0600 on every file (symlinks left alone). */
export async function privatiseTree(dir: string): Promise<void> {
  const { files, dirs } = await walk(dir);
  for (const file of files) await chmodIfNot(file, PRIVATE_FILE_MODE);
  for (const sub of [dir, ...dirs]) await chmodIfNot(sub, PRIVATE_DIR_MODE);
}

/** A chmod, even to the mode a file has, changes its inode: the fsync after it then costs a journal commit. */
async function chmodIfNot(target: string, mode: number): Promise<void> {
  if (((await fs.lstat(target)).mode & 0o777) !== mode) await fs.chmod(target, mode);
}

/** fsync one file or folder (a folder's fsync makes the names in it durable). */
export async function fsyncPath(target: string): Promise<void> {
  const handle = await fs.open(target, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync every file below `dir`, then every folder, deepest first, then `dir` itself. */
export async function fsyncTree(dir: string): Promise<void> {
  const { files, dirs } = await walk(dir);
  for (const file of files) await fsyncPath(file);
  dirs.sort((a, b) => b.split(path.sep).length - a.split(path.sep).length);
  for (const sub of dirs) await fsyncPath(sub);
  await fsyncPath(dir);
}

/**
 * Makes a finished folder private and durable before it is renamed into place and marked
 * succeeded: modes first (so the fsync also persists them), then each file, each folder, and
 * the parent the folder is about to be renamed in. After the rename, fsync the parent again
 * (`fsyncPath(path.dirname(final))`) so the new name is durable too.
 */
export async function sealTree(dir: string): Promise<void> {
  await privatiseTree(dir);
  await fsyncTree(dir);
  await fsyncPath(path.dirname(dir));
}

/** The entries below `dir` (and `dir` itself) that group or others may read, write or enter. */
export async function listNotPrivate(dir: string): Promise<string[]> {
  const offenders: string[] = [];
  const check = async (target: string) => {
    const { mode } = await fs.lstat(target);
    if ((mode & 0o077) !== 0) offenders.push(`${target} (${(mode & 0o777).toString(8)})`);
  };
  await check(dir);
  const { files, dirs } = await walk(dir);
  for (const entry of [...dirs, ...files]) await check(entry);
  return offenders;
}
