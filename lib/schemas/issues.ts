import type { z } from "zod";

// A failed parse in one line, for errors a person reads in a log or a 500's message (readJson,
// the worker's answers): the first few problems, each with its path. For a value that matches
// no branch of a union, the problems of the branch it came closest to, not "Invalid input".

type Issue = z.core.$ZodIssue;

/** A wrong literal or enum value says "another branch" louder than any number of missing fields. */
const WRONG_VALUE_WEIGHT = 1000;

function distance(issues: readonly Issue[]): number {
  return issues.reduce((sum, issue) => sum + (issue.code === "invalid_value" ? WRONG_VALUE_WEIGHT : 1), 0);
}

function leaves(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== "invalid_union" || issue.errors.length === 0) return [issue];
    const branches = issue.errors.map((branch) =>
      leaves(branch.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }))),
    );
    return branches.reduce((best, branch) => (distance(branch) < distance(best) ? branch : best));
  });
}

/** "plan.walBytes: Invalid input: expected number, received string; …" (at most `max` problems). */
export function issuesText(error: z.ZodError, max = 3): string {
  return leaves(error.issues)
    .slice(0, max)
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}
