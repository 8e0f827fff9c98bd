import { describe, expect, it } from "vitest";
import { hasRole, lowerRole, roles } from "@/lib/auth/roles";

describe("hasRole", () => {
  it.each([
    ["viewer", "viewer", true],
    ["viewer", "operator", false],
    ["viewer", "admin", false],
    ["operator", "viewer", true],
    ["operator", "operator", true],
    ["operator", "admin", false],
    ["admin", "viewer", true],
    ["admin", "operator", true],
    ["admin", "admin", true],
  ] as const)("%s satisfies %s: %s", (actual, required, expected) => {
    expect(hasRole(actual, required)).toBe(expected);
  });
});

describe("lowerRole", () => {
  it("caps a token at its owner's role", () => {
    expect(lowerRole("admin", "viewer")).toBe("viewer");
    expect(lowerRole("operator", "admin")).toBe("operator");
    for (const role of roles) expect(lowerRole(role, role)).toBe(role);
  });
});
