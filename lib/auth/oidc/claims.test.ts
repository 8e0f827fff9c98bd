import { describe, expect, it } from "vitest";
import { claimAt, claimedEmail, claimValues, mappedRole } from "@/lib/auth/oidc/claims";

const mappings = [
  { value: "dba", role: "admin" as const },
  { value: "oncall", role: "operator" as const },
  { value: "staff", role: "viewer" as const },
];

describe("role from a claim", () => {
  it("maps a single string claim", () => {
    expect(mappedRole({ walden_role: "oncall" }, "walden_role", mappings)).toBe("operator");
  });

  it("gives the strongest role of a list, whatever the order of mappings or values", () => {
    expect(mappedRole({ groups: ["staff", "dba", "oncall"] }, "groups", mappings)).toBe("admin");
    expect(mappedRole({ groups: ["staff", "oncall"] }, "groups", [...mappings].reverse())).toBe("operator");
  });

  it("is null when no value is mapped, the claim is missing, or not a string", () => {
    expect(mappedRole({ groups: ["marketing"] }, "groups", mappings)).toBeNull();
    expect(mappedRole({}, "groups", mappings)).toBeNull();
    expect(mappedRole({ groups: 3 }, "groups", mappings)).toBeNull();
    expect(mappedRole({ groups: [{ name: "dba" }] }, "groups", mappings)).toBeNull();
  });

  it("matches exactly: case and substrings count", () => {
    expect(mappedRole({ groups: ["DBA", "dba-readonly"] }, "groups", mappings)).toBeNull();
  });

  it("walks a dotted path into nested claims, never into inherited properties", () => {
    const claims = { realm_access: { roles: ["dba"] } };
    expect(claimValues(claims, "realm_access.roles")).toEqual(["dba"]);
    expect(mappedRole(claims, "realm_access.roles", mappings)).toBe("admin");
    expect(claimAt(claims, "realm_access.constructor")).toBeUndefined();
    expect(claimAt({ a: ["x"] }, "a.0")).toBeUndefined();
  });
});

describe("email from claims", () => {
  it("is lowercased and trimmed like a Walden login", () => {
    expect(claimedEmail({ email: " Ada@Example.COM " })).toBe("ada@example.com");
  });

  it("is undefined when missing or not an address", () => {
    expect(claimedEmail({})).toBeUndefined();
    expect(claimedEmail({ email: "not an email" })).toBeUndefined();
    expect(claimedEmail({ email: ["a@b.c"] })).toBeUndefined();
  });
});
