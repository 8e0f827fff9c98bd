import type { z } from "zod";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { issuesText } from "@/lib/schemas/issues";

// The catalog's JSON columns (a restore's plan and steps, a stored window, a report snapshot…)
// come back from Prisma as untyped JSON. They are read through readJson with the schema of
// what was written, so a value of another shape (an older version's, a hand edit) is a clear
// error naming the column instead of a cast that fails somewhere later; writes go through
// toJson, the one place a typed value becomes Prisma's JSON input.

/** `value` parsed with `schema`; a stored value of another shape is a 500 naming `what` and the first problems. */
export function readJson<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError(
    "internal_server_error",
    `Cannot read the ${what} from the catalog: the stored JSON does not have the shape this version reads (${issuesText(parsed.error)})`,
  );
}

/**
 * A value as Prisma's JSON input: what JSON.stringify keeps of it (Dates become strings,
 * undefined fields are left out), as the column will hold it. A bigint or a cycle throws here
 * rather than inside the query.
 */
export function toJson(value: NonNullable<unknown>): Prisma.InputJsonValue {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError("toJson: the value has no JSON form");
  const json: Prisma.InputJsonValue = JSON.parse(text);
  return json;
}
