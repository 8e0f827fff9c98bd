import fs from "node:fs/promises";
import path from "node:path";
import { isInside } from "@/lib/paths";

// A second repository that is the primary one, lies inside it or contains it is no second copy:
// the 3-2-1 copy would land on the same disk, and a copy step that clears its target would
// delete originals. Checked when the setting is saved and again before every copy.

/** Why two repositories (both already realpath'ed) alias each other, or null when they are distinct. */
export function repositoriesAlias(primaryReal: string, secondaryReal: string): string | null {
  const primary = path.resolve(primaryReal);
  const secondary = path.resolve(secondaryReal);
  if (primary === secondary)
    return `The second repository ${secondary} is the primary repository itself: choose another folder.`;
  if (isInside(primary, secondary))
    return `The second repository ${secondary} is inside the primary repository ${primary}: choose a folder outside it.`;
  if (isInside(secondary, primary))
    return `The second repository ${secondary} contains the primary repository ${primary}: choose a folder outside it.`;
  return null;
}

/** The real path of `target`; for a path that does not exist yet, its nearest existing parent's real path plus the rest. */
export async function realpathOrNearest(target: string): Promise<string> {
  const absolute = path.resolve(target);
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      const real = await fs.realpath(current);
      return path.join(real, ...missing.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/** Throws an Error naming the problem when the second repository aliases the primary one (after realpath). */
export async function checkRepositoriesDistinct(primary: string, secondary: string): Promise<void> {
  const problem = repositoriesAlias(await realpathOrNearest(primary), await realpathOrNearest(secondary));
  if (problem) throw new Error(problem);
}
