import fs from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";

// The backup repository: <root>/<cluster name>/<backup id>/. A backup is written to a
// ".partial-<id>" folder beside its final place and renamed when complete, so a folder with
// a backup id as its name is always a whole backup. Every path Walden writes or deletes is
// checked to be under the root after realpath (design.md "Safety rules").

export function repositoryRoot(): string {
  return path.join(env().waldenHome, "repo");
}

/** The cluster's own repository when it has one, else WALDEN_HOME/repo. */
export function repositoryRootFor(cluster: { repositoryPath: string | null }): string {
  return cluster.repositoryPath ?? repositoryRoot();
}

export interface BackupPaths {
  root: string;
  clusterDir: string;
  partialDir: string;
  finalDir: string;
}

export function backupPaths(root: string, clusterName: string, backupId: string): BackupPaths {
  if (!/^[a-z0-9-]+$/.test(clusterName) || !/^[0-9a-f-]{36}$/.test(backupId)) {
    throw new Error("refusing a repository path built from an unexpected cluster name or backup id");
  }
  const clusterDir = path.join(root, clusterName);
  return {
    root,
    clusterDir,
    partialDir: path.join(clusterDir, `.partial-${backupId}`),
    finalDir: path.join(clusterDir, backupId),
  };
}

/** Throws unless `target` (or, if it does not exist yet, its parent) resolves inside `root`. */
export async function assertUnderRoot(root: string, target: string): Promise<void> {
  const realRoot = await fs.realpath(root);
  let probe = target;
  let resolved: string | null = null;
  while (resolved === null) {
    try {
      resolved = path.join(await fs.realpath(probe), path.relative(probe, target));
    } catch {
      const parent = path.dirname(probe);
      if (parent === probe) throw new Error(`cannot resolve ${target}`);
      probe = parent;
    }
  }
  const relative = path.relative(realRoot, resolved);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new Error(`refusing to touch ${target}: it is not inside the repository ${root}`);
  }
}

/** Removes a backup folder (partial or final), only ever inside the repository. */
export async function removeUnderRoot(root: string, target: string): Promise<void> {
  await fs.mkdir(root, { recursive: true, mode: 0o700 });
  await assertUnderRoot(root, target);
  await fs.rm(target, { recursive: true, force: true });
}

/** Total size of the files below a folder. */
export async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await fs.stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}
