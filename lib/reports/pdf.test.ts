import { describe, expect, it } from "vitest";
import { rendererEnvironment } from "./pdf";

describe("the report renderer's Chromium", () => {
  it("starts with a search path and a home, and none of the worker's secrets", () => {
    process.env.WALDEN_SECRET ??= "x".repeat(40);
    process.env.DATABASE_URL ??= "postgresql://walden:secret@127.0.0.1:1/walden";
    const environment = rendererEnvironment();
    expect(Object.keys(environment).sort()).toEqual(["HOME", "LC_ALL", "PATH", "TMPDIR"]);
    const values = Object.values(environment).join("\n");
    expect(values).not.toContain(process.env.WALDEN_SECRET);
    expect(values).not.toContain(process.env.DATABASE_URL);
  });
});
