// Where a request's problems go in a form: each under the control it names, the rest in the
// form's "root" message. One rule for the client's own zod check and the server's 422, so a
// problem reads the same whoever found it.

/** A problem as zod (path as an array) or the API's details.issues (path dotted) names it. */
export interface IssueLike {
  path: string | readonly PropertyKey[];
  message: string;
}

export interface PlacedIssue<F extends string> {
  field: F | "root";
  message: string;
}

/**
 * How a form places an issue by its dotted path:
 * - a list of the form's top-level fields: the path's first part when it is one of them;
 * - a function: the form's own mapping (the PITR target's value, the backup's per-kind fields);
 * - "path": the path itself, for forms whose fields are nested objects ("primary.host").
 * Whatever lands in "root" names its path, so a message about a field the form lacks still says which.
 */
export type IssuePlacement<F extends string> =
  readonly F[] | ((issue: { path: string; message: string }) => PlacedIssue<F>) | "path";

export function dottedPath(path: IssueLike["path"]): string {
  return typeof path === "string" ? path : path.map(String).join(".");
}

/** The message for "root": with the path in front when there is one. */
export function rootIssue<F extends string>(path: string, message: string): PlacedIssue<F> {
  return { field: "root", message: path ? `${path}: ${message}` : message };
}

export function placeIssues<F extends string>(
  issues: readonly IssueLike[],
  placement: IssuePlacement<F>,
): PlacedIssue<F>[] {
  return issues.map((issue) => {
    const path = dottedPath(issue.path);
    if (typeof placement === "function") return placement({ path, message: issue.message });
    if (placement === "path") {
      return path ? { field: path as F, message: issue.message } : rootIssue<F>(path, issue.message);
    }
    const head = path.split(".")[0] as F;
    return placement.includes(head)
      ? { field: head, message: issue.message }
      : rootIssue<F>(path, issue.message);
  });
}
