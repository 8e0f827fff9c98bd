import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellQuote } from "./shell-quote";

describe("shellQuote", () => {
  it("wraps a plain word in single quotes", () => {
    expect(shellQuote("/srv/archive")).toBe("'/srv/archive'");
  });

  it("escapes a single quote as '\\''", () => {
    expect(shellQuote("/tmp/o'brien")).toBe(`'/tmp/o'\\''brien'`);
  });

  it("round-trips awkward characters through sh", () => {
    const value = `a'b "c" $HOME \`x\` \\ %d *`;
    const result = spawnSync("sh", ["-c", `printf %s ${shellQuote(value)}`], { encoding: "utf8" });
    expect(result.stdout).toBe(value);
  });
});
