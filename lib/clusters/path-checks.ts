import path from "node:path";
import { checkRepositoriesDistinct, realpathOrNearest } from "@/lib/backup/repository-alias";
import { isInside } from "@/lib/paths";
import { repositoryRootFor } from "@/lib/backup/repository";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

// Checked when a cluster's settings are saved (register or edit), after realpath, so a symlink
// or "/a/../b" cannot hide that two folders are one.

function refused(field: string, message: string): AppError {
  return new AppError("unprocessable_entity", message, { issues: [{ path: field, message }] });
}

/** A 422 on `repository.secondaryPath` when the second repository is, is inside or contains the primary one. */
export async function assertSecondaryRepositoryDistinct(
  repositoryPath: string | null,
  secondaryPath: string | null,
): Promise<void> {
  if (!secondaryPath) return;
  try {
    await checkRepositoriesDistinct(repositoryRootFor({ repositoryPath }), secondaryPath);
  } catch (error) {
    throw refused("repository.secondaryPath", (error as Error).message);
  }
}

/**
 * A 422 on `archive.path` when another registered cluster's archive is the same folder, inside it
 * or contains it: one cluster's retention would prune the other's WAL, and two servers' segments
 * of the same name would meet. A retired cluster's folder may be taken over (it is the usual way
 * to register the same cluster again); its files stay where they are.
 */
export async function assertArchivePathFree(archivePath: string, exceptClusterId?: string): Promise<void> {
  const others = await db().cluster.findMany({
    where: {
      retiredAt: null,
      archivePath: { not: null },
      ...(exceptClusterId ? { id: { not: exceptClusterId } } : {}),
    },
    select: { name: true, archivePath: true },
  });
  if (others.length === 0) return;
  const wanted = path.resolve(await realpathOrNearest(archivePath));
  for (const other of others) {
    const theirs = path.resolve(await realpathOrNearest(other.archivePath!));
    const relation =
      wanted === theirs
        ? "is the WAL archive of"
        : isInside(theirs, wanted)
          ? "is inside the WAL archive of"
          : isInside(wanted, theirs)
            ? "contains the WAL archive of"
            : null;
    if (relation)
      throw refused(
        "archive.path",
        `The archive path ${wanted} ${relation} cluster "${other.name}" (${theirs}): two clusters cannot share WAL archive folders. Choose a folder of this cluster's own.`,
      );
  }
}
