import { describe, expect, it } from "vitest";
import { isInside, isWithin } from "./paths";

describe("isInside and isWithin", () => {
  it("tells a path below another from the same path, a sibling and an escape", () => {
    expect(isInside("/a/b", "/a/b/c")).toBe(true);
    expect(isInside("/a/b", "/a/b")).toBe(false);
    expect(isWithin("/a/b", "/a/b")).toBe(true);
    expect(isWithin("/a/b", "/a/b/")).toBe(true);
    expect(isWithin("/a/b", "/a/bc")).toBe(false);
    expect(isWithin("/a/b", "/a/b/../c")).toBe(false);
    expect(isWithin("/a/b", "/a")).toBe(false);
  });

  it("counts a child whose name starts with two dots as inside", () => {
    expect(isInside("/a", "/a/..hidden")).toBe(true);
  });
});
