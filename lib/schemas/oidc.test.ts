import { describe, expect, it } from "vitest";
import { isAllowedIssuerUrl, isOidcErrorCode, oidcSettingsInputSchema } from "@/lib/schemas/oidc";

const valid = {
  enabled: true,
  providerName: "Acme ID",
  issuerUrl: "https://id.example.com/realms/acme",
  clientId: "walden",
  clientSecret: "s3cret",
  roleClaim: "groups",
  roleMappings: [{ value: "dba", role: "admin" }],
  localAccountsEnabled: true,
};

function problems(input: unknown): string[] {
  const parsed = oidcSettingsInputSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join("."));
}

describe("single sign-on settings", () => {
  it("accepts a complete configuration and defaults the scopes", () => {
    const parsed = oidcSettingsInputSchema.parse(valid);
    expect(parsed.scopes).toBe("openid email profile");
  });

  it("needs https, except for a provider on this machine", () => {
    expect(isAllowedIssuerUrl("https://id.example.com")).toBe(true);
    expect(isAllowedIssuerUrl("http://127.0.0.1:4455")).toBe(true);
    expect(isAllowedIssuerUrl("http://localhost:4455/oidc")).toBe(true);
    expect(isAllowedIssuerUrl("http://id.example.com")).toBe(false);
    expect(isAllowedIssuerUrl("http://127.0.0.1.evil.example")).toBe(false);
    expect(isAllowedIssuerUrl("https://id.example.com/?x=1")).toBe(false);
    expect(isAllowedIssuerUrl("https://user:pw@id.example.com")).toBe(false);
    expect(isAllowedIssuerUrl("javascript:alert(1)")).toBe(false);
    expect(problems({ ...valid, issuerUrl: "http://id.example.com" })).toEqual(["issuerUrl"]);
  });

  it("names the field of each problem", () => {
    expect(problems({ ...valid, roleMappings: [{ value: "dba", role: "root" }] })).toEqual([
      "roleMappings.0.role",
    ]);
    expect(problems({ ...valid, scopes: "email profile" })).toEqual(["scopes"]);
    expect(problems({ ...valid, roleClaim: "groups[0]" })).toEqual(["roleClaim"]);
    expect(problems({ ...valid, extra: 1 })).toEqual([""]);
  });

  it("refuses turning password sign-in off without a break-glass admin, or without single sign-on", () => {
    expect(problems({ ...valid, localAccountsEnabled: false })).toEqual(["breakGlassEmail"]);
    expect(
      problems({
        ...valid,
        enabled: false,
        localAccountsEnabled: false,
        breakGlassEmail: "root@example.com",
      }),
    ).toEqual(["localAccountsEnabled"]);
    expect(problems({ ...valid, localAccountsEnabled: false, breakGlassEmail: "Root@Example.com" })).toEqual(
      [],
    );
  });

  it("refuses single sign-on with no role mapping, and a value mapped twice", () => {
    expect(problems({ ...valid, roleMappings: [] })).toEqual(["roleMappings"]);
    expect(problems({ ...valid, enabled: false, roleMappings: [] })).toEqual([]);
    expect(
      problems({
        ...valid,
        roleMappings: [
          { value: "dba", role: "admin" },
          { value: "dba", role: "viewer" },
        ],
      }),
    ).toEqual(["roleMappings.1.value"]);
  });

  it("knows its error codes and nothing else", () => {
    expect(isOidcErrorCode("wrong_audience")).toBe(true);
    expect(isOidcErrorCode("toString")).toBe(false);
    expect(isOidcErrorCode(undefined)).toBe(false);
  });
});
