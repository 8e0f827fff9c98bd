import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, toErrorBody } from "./errors";

describe("toErrorBody: field problems always in details.issues", () => {
  it("puts a zod parse's problems there", () => {
    const parsed = z.object({ port: z.number() }).safeParse({ port: "x" });
    const { status, body } = toErrorBody(parsed.error);
    expect(status).toBe(422);
    expect(body.error.details).toEqual({ issues: [{ path: "port", message: expect.any(String) }] });
  });

  it("turns a domain error's one field into an issue with its message, keeping other facts", () => {
    const error = new AppError("unprocessable_entity", "The server's certificate has expired", {
      field: "sslmode",
      node: "primary",
    });
    expect(toErrorBody(error).body.error.details).toEqual({
      node: "primary",
      issues: [{ path: "sslmode", message: "The server's certificate has expired" }],
    });
  });

  it("leaves details without a field as they are", () => {
    const window = { earliest: "a", latest: "b" };
    expect(
      toErrorBody(new AppError("unprocessable_entity", "outside", { window })).body.error.details,
    ).toEqual({
      window,
    });
    expect(toErrorBody(new AppError("payload_too_large", "too big")).status).toBe(413);
  });
});
