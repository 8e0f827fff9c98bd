import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, apiFetch, fieldIssues } from "./fetcher";

describe("fieldIssues", () => {
  it("reads a zod 422's issue list", () => {
    const error = new ApiError(422, "unprocessable_entity", "bad", [
      { path: "cron", message: "is not a cron expression" },
      { nonsense: true },
    ]);
    expect(fieldIssues(error)).toEqual([{ path: "cron", message: "is not a cron expression" }]);
  });

  it("reads a domain 422's details.issues next to other facts", () => {
    const error = new ApiError(422, "unprocessable_entity", "outside the window", {
      window: { earliest: null },
      issues: [{ path: "target.value", message: "is after the latest archived commit" }],
    });
    expect(fieldIssues(error)).toEqual([
      { path: "target.value", message: "is after the latest archived commit" },
    ]);
  });

  it("turns a 409's field into an issue with the error's message", () => {
    const error = new ApiError(409, "conflict", "a cluster with this name exists", { field: "name" });
    expect(fieldIssues(error)).toEqual([{ path: "name", message: "a cluster with this name exists" }]);
  });

  it("reads the field when details.issues is not a list", () => {
    const error = new ApiError(422, "unprocessable_entity", "no such user", {
      issues: "none",
      field: "userId",
    });
    expect(fieldIssues(error)).toEqual([{ path: "userId", message: "no such user" }]);
    expect(fieldIssues(new ApiError(422, "unprocessable_entity", "odd", { field: 7 }))).toEqual([]);
  });

  it("finds nothing in other errors", () => {
    expect(fieldIssues(new Error("network"))).toEqual([]);
    expect(fieldIssues(new ApiError(500, "internal_server_error", "boom"))).toEqual([]);
  });
});

describe("apiFetch", () => {
  afterEach(() => vi.unstubAllGlobals());

  function answer(status: number, body: string) {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(body, { status })),
    );
  }

  it("turns the API's error body into an ApiError with its code, message and details", async () => {
    answer(
      409,
      JSON.stringify({ error: { code: "conflict", message: "taken", details: { field: "name" } } }),
    );
    const error = await apiFetch("/api/v1/clusters", { method: "POST", body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      code: "conflict",
      message: "taken",
      details: { field: "name" },
    });
  });

  it("reads a body of another shape as a plain HTTP error", async () => {
    answer(502, JSON.stringify({ error: { code: 502 } }));
    await expect(apiFetch("/api/v1/health")).rejects.toMatchObject({ status: 502, code: "http_502" });
    answer(500, "<html>oops</html>");
    await expect(apiFetch("/api/v1/health")).rejects.toMatchObject({ status: 500, code: "http_500" });
  });
});
