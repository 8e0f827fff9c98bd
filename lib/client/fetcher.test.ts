import { describe, expect, it } from "vitest";
import { ApiError, fieldIssues } from "./fetcher";

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

  it("finds nothing in other errors", () => {
    expect(fieldIssues(new Error("network"))).toEqual([]);
    expect(fieldIssues(new ApiError(500, "internal_server_error", "boom"))).toEqual([]);
  });
});
