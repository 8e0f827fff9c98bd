import { describe, expect, it } from "vitest";
import { z } from "zod";
import { issuesText } from "./issues";
import { planAnswerSchema } from "./restore-plan";

function problems(schema: z.ZodType, value: unknown, max?: number): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error("expected a failed parse");
  return issuesText(parsed.error, max);
}

describe("issuesText", () => {
  it("names each problem by its path, at most `max` of them", () => {
    const schema = z.object({ a: z.string(), b: z.object({ c: z.number() }), d: z.boolean() });
    expect(problems(schema, { a: 1, b: { c: "x" }, d: 0 })).toBe(
      "a: Invalid input: expected string, received number; b.c: Invalid input: expected number, received string; d: Invalid input: expected boolean, received number",
    );
    expect(problems(schema, { a: 1, b: { c: "x" }, d: 0 }, 1)).toBe(
      "a: Invalid input: expected string, received number",
    );
  });

  it("reports the union branch the value came closest to, not 'Invalid input'", () => {
    expect(problems(planAnswerSchema, { ok: false, reason: "unavailable" })).toBe(
      "message: Invalid input: expected string, received undefined",
    );
    expect(
      problems(z.object({ answer: planAnswerSchema }), { answer: { ok: true, plan: { backupId: 7 } } }),
    ).toMatch(/^answer\.plan\.backupId: Invalid input: expected string, received number/);
  });

  it("keeps a problem without a path as its message", () => {
    expect(problems(planAnswerSchema, null)).toBe("Invalid input: expected object, received null");
  });
});
