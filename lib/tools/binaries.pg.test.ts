import path from "node:path";
import { describe, expect, it } from "vitest";
import { findPgBinaries } from "./binaries";
import { ToolSetupError } from "./setup-error";

describe("findPgBinaries on this machine", () => {
  it("falls back to /usr/lib/postgresql/<major>/bin without PATH", () => {
    for (const PATH of ["", "/nonexistent/bogus"]) {
      const found = findPgBinaries({ PATH });
      expect(found.binDir).toMatch(/^\/usr\/lib\/postgresql\/\d+\/bin$/);
      expect(found.major).toBe(Number(path.basename(path.dirname(found.binDir))));
    }
  });

  it("names the apt package when the binaries are not where it was told", () => {
    const call = () => findPgBinaries({ PATH: "", WALDEN_PG_BIN: "/nonexistent/bogus" });
    expect(call).toThrow(ToolSetupError);
    expect(call).toThrow(/apt-get install postgresql/);
  });
});
