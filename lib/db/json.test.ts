import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { readJson, toJson } from "./json";

const stepSchema = z.object({ name: z.string(), log: z.array(z.string()) });

describe("readJson", () => {
  it("returns the parsed value when the stored JSON has the schema's shape", () => {
    const stored: unknown = { name: "extract", log: ["ok"] };
    const step = readJson(stepSchema, stored, "restore step");
    expect(step).toEqual({ name: "extract", log: ["ok"] });
  });

  it("applies the schema's defaults and nullability", () => {
    const schema = z.object({ compression: z.string().default("none") }).nullable();
    expect(readJson(schema, {}, "backup options")).toEqual({ compression: "none" });
    expect(readJson(schema, null, "backup options")).toBeNull();
  });

  it("throws a 500 AppError naming the column and the first problems when the shape differs", () => {
    const read = () => readJson(stepSchema, { name: 7 }, "restore step");
    expect(read).toThrow(AppError);
    try {
      read();
    } catch (error) {
      expect((error as AppError).code).toBe("internal_server_error");
      expect((error as AppError).message).toMatch(
        /^Cannot read the restore step from the catalog: the stored JSON does not have the shape/,
      );
      expect((error as AppError).message).toContain("name: ");
      expect((error as AppError).message).toContain("log: ");
    }
  });

  it("lists at most three problems", () => {
    const schema = z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string() });
    try {
      readJson(schema, {}, "thing");
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).message.match(/: Invalid input/g)).toHaveLength(3);
    }
  });
});

describe("toJson", () => {
  it("keeps what JSON keeps: Dates as ISO strings, undefined fields left out", () => {
    const at = new Date("2026-03-01T10:00:00.000Z");
    expect(toJson({ at, gone: undefined, list: [1, "two", null], nested: { ok: true } })).toEqual({
      at: "2026-03-01T10:00:00.000Z",
      list: [1, "two", null],
      nested: { ok: true },
    });
  });

  it("returns a copy: a later change to the value does not change what is written", () => {
    const value = { steps: ["a"] };
    const json = toJson(value);
    value.steps.push("b");
    expect(json).toEqual({ steps: ["a"] });
  });

  it("throws on a value JSON cannot hold (a bigint), before the query", () => {
    expect(() => toJson({ size: 1n })).toThrow(TypeError);
    expect(() => toJson(() => 1)).toThrow(/no JSON form/);
  });
});
