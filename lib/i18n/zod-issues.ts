import type { z } from "zod";

// Which apiErrors.zod message says a zod issue, and with what figures: the server's error bodies
// (lib/i18n/caller-locale.ts) and the browser's own form checks (components/forms/zod-locale.tsx)
// word zod's issues from the same catalog. Pure and browser-safe.

const TEXT_ORIGINS = new Set(["string"]);
const LIST_ORIGINS = new Set(["array", "set"]);

/** Which apiErrors.zod message says this issue, and with what; null for zod's own locale to say. */
export function zodIssueMessage(
  issue: z.core.$ZodRawIssue,
): { key: string; params?: Record<string, string> } | null {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return { key: "zod.required" };
      return { key: `zod.types.${issue.expected}` };
    case "too_small": {
      const minimum = String(issue.minimum);
      if (TEXT_ORIGINS.has(issue.origin))
        return issue.minimum === 1
          ? { key: "zod.notEmpty" }
          : { key: "zod.tooShortText", params: { minimum } };
      if (LIST_ORIGINS.has(issue.origin)) return { key: "zod.tooFewItems", params: { minimum } };
      return { key: issue.inclusive === false ? "zod.above" : "zod.atLeast", params: { minimum } };
    }
    case "too_big": {
      const maximum = String(issue.maximum);
      if (TEXT_ORIGINS.has(issue.origin)) return { key: "zod.tooLongText", params: { maximum } };
      if (LIST_ORIGINS.has(issue.origin)) return { key: "zod.tooManyItems", params: { maximum } };
      return { key: issue.inclusive === false ? "zod.below" : "zod.atMost", params: { maximum } };
    }
    case "invalid_value":
      return issue.values.length === 1
        ? { key: "zod.oneValue", params: { value: JSON.stringify(issue.values[0]) } }
        : {
            key: "zod.oneOf",
            params: { values: issue.values.map((value) => JSON.stringify(value)).join(", ") },
          };
    case "invalid_format":
      if (issue.format === "regex") return { key: "zod.pattern" };
      return { key: "zod.format", params: { format: issue.format } };
    case "unrecognized_keys":
      return { key: "zod.unknownKeys", params: { keys: issue.keys.map((key) => `"${key}"`).join(", ") } };
    case "invalid_union":
      return { key: "zod.noBranch" };
    case "not_multiple_of":
      return { key: "zod.multipleOf", params: { divisor: String(issue.divisor) } };
    default:
      return null;
  }
}
