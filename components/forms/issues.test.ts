import { describe, expect, it } from "vitest";
import { dottedPath, placeIssues } from "./issues";

describe("placeIssues", () => {
  const fields = ["database", "tables", "jobs"] as const;

  it("puts an issue under the top-level field its path starts with", () => {
    expect(
      placeIssues(
        [
          { path: ["tables", 1], message: "not a table name" },
          { path: "jobs", message: "at most 16" },
        ],
        fields,
      ),
    ).toEqual([
      { field: "tables", message: "not a table name" },
      { field: "jobs", message: "at most 16" },
    ]);
  });

  it("sends an issue about no field of the form to root, naming its path", () => {
    expect(
      placeIssues(
        [
          { path: "intoRestoreId", message: "is not running" },
          { path: "", message: "the backup is gone" },
        ],
        fields,
      ),
    ).toEqual([
      { field: "root", message: "intoRestoreId: is not running" },
      { field: "root", message: "the backup is gone" },
    ]);
  });

  it("uses the whole path for forms with nested fields", () => {
    expect(
      placeIssues(
        [
          { path: ["primary", "host"], message: "not a host name" },
          { path: [], message: "refused" },
        ],
        "path",
      ),
    ).toEqual([
      { field: "primary.host", message: "not a host name" },
      { field: "root", message: "refused" },
    ]);
  });

  it("lets the form place an issue its own way", () => {
    const placed = placeIssues([{ path: ["target", "value"], message: "bad xid" }], (issue) => ({
      field: issue.path === "target.value" ? "xid" : "root",
      message: issue.message,
    }));
    expect(placed).toEqual([{ field: "xid", message: "bad xid" }]);
  });
});

describe("dottedPath", () => {
  it("joins zod's path and keeps the API's dotted one", () => {
    expect(dottedPath(["standbys", 0, "port"])).toBe("standbys.0.port");
    expect(dottedPath("archive.path")).toBe("archive.path");
  });
});
