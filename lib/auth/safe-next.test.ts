import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-next";

describe("safeNextPath", () => {
  it.each([
    "//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/.//evil.example",
    "/a/../..//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    " /clusters",
    "/login?next=/x",
    "",
  ])("refuses %j", (value) => {
    expect(safeNextPath(value)).toBeUndefined();
  });

  it("keeps a path of this site, with its query and fragment", () => {
    expect(safeNextPath("/clusters/abc?tab=backups#latest")).toBe("/clusters/abc?tab=backups#latest");
    expect(safeNextPath("/%2F/evil.example")).toBe("/%2F/evil.example");
    expect(safeNextPath(["/clusters"])).toBeUndefined();
  });
});
