import { beforeAll, describe, expect, it } from "vitest";
import { OIDC_FLOW_TTL_MS, openFlow, sealFlow, type OidcFlow } from "@/lib/auth/oidc/flow";
import { encryptSecret } from "@/lib/crypto";

const secret = "unit-test-secret-".padEnd(48, "x");
beforeAll(() => {
  process.env.DATABASE_URL ??= "postgresql://unused@127.0.0.1/unused";
  process.env.WALDEN_SECRET ??= secret;
});

const flow = (startedAt = Date.now()): OidcFlow => ({
  state: "state-1",
  nonce: "nonce-1",
  codeVerifier: "verifier-1",
  redirectUri: "http://localhost:3000/api/v1/auth/oidc/callback",
  next: "/clusters",
  issuer: "https://id.example.com",
  clientId: "walden",
  startedAt,
});

describe("the sign-in flow cookie", () => {
  it("opens what was sealed, and its text reveals nothing", () => {
    const started = flow();
    const sealed = sealFlow(started);
    expect(sealed).not.toContain("verifier-1");
    expect(sealed).not.toContain("state-1");
    expect(openFlow(sealed)).toEqual(started);
  });

  it("is refused when tampered with, missing, or sealed for another purpose", () => {
    const sealed = sealFlow(flow());
    const parts = sealed.split(".");
    const last = parts[3]!;
    parts[3] = (last[0] === "A" ? "B" : "A") + last.slice(1);
    expect(openFlow(parts.join("."))).toBeUndefined();
    expect(openFlow(undefined)).toBeUndefined();
    expect(openFlow("garbage")).toBeUndefined();
    const otherPurpose = encryptSecret(JSON.stringify(flow()), process.env.WALDEN_SECRET!, "node-password");
    expect(openFlow(otherPurpose)).toBeUndefined();
  });

  it("expires after its time to live", () => {
    const startedAt = Date.now();
    const sealed = sealFlow(flow(startedAt));
    expect(openFlow(sealed, startedAt + OIDC_FLOW_TTL_MS)).toBeDefined();
    expect(openFlow(sealed, startedAt + OIDC_FLOW_TTL_MS + 1)).toBeUndefined();
  });
});
