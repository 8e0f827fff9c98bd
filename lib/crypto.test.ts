import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, sha256Hex } from "@/lib/crypto";

const secret = "a".repeat(32) + "-test-secret";

describe("encryptSecret / decryptSecret", () => {
  it("round-trips and never contains the plaintext", () => {
    const stored = encryptSecret("s3cret pässword", secret, "node-password");
    expect(stored.startsWith("v1.")).toBe(true);
    expect(stored).not.toContain("s3cret");
    expect(decryptSecret(stored, secret, "node-password")).toBe("s3cret pässword");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("x", secret, "p")).not.toBe(encryptSecret("x", secret, "p"));
  });

  it("refuses another key", () => {
    const stored = encryptSecret("x", secret, "p");
    expect(() => decryptSecret(stored, "b".repeat(40), "p")).toThrow();
  });

  it("refuses another purpose (associated data)", () => {
    const stored = encryptSecret("x", secret, "node-password");
    expect(() => decryptSecret(stored, secret, "webhook-url")).toThrow();
  });

  it("detects a tampered ciphertext", () => {
    const stored = encryptSecret("hello world", secret, "p");
    const parts = stored.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString("base64url");
    expect(() => decryptSecret(parts.join("."), secret, "p")).toThrow();
  });

  it("rejects a short WALDEN_SECRET", () => {
    expect(() => encryptSecret("x", "short", "p")).toThrow(/32 characters/);
  });
});

describe("sha256Hex", () => {
  it("matches a known vector", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
