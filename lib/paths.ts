import path from "node:path";

// Whether one path lies below another, by the paths alone (resolve symlinks with realpath first
// where the file system matters). One definition for every "inside the root?" check.

/** `child` is strictly below `parent` (the same path is not inside itself). */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return (
    relative !== "" &&
    relative !== ".." &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  );
}

/** `target` is `root` itself or below it. */
export function isWithin(root: string, target: string): boolean {
  return path.resolve(root) === path.resolve(target) || isInside(root, target);
}
