import { describe, expect, it } from "vitest";
import { normalizeAddress, parseTrustedProxies, rewriteForwardedHeaders } from "./forwarded";

const facts = (peer: string, headers: Record<string, string> = {}, encrypted = false) => ({
  peer,
  encrypted,
  headers,
});

describe("rewriteForwardedHeaders", () => {
  it("ignores forwarded headers from a peer that is not a configured proxy", () => {
    const result = rewriteForwardedHeaders(
      facts("::ffff:203.0.113.9", {
        "x-forwarded-for": "10.9.9.9",
        "x-forwarded-host": "evil.example",
        "x-forwarded-proto": "https",
        "x-real-ip": "1.2.3.4",
      }),
      parseTrustedProxies("127.0.0.1"),
    );
    expect(result.clientAddress).toBe("203.0.113.9");
    expect(result.set).toEqual({ "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "http" });
    expect(result.remove).toEqual(expect.arrayContaining(["x-forwarded-host", "x-real-ip", "forwarded"]));
  });

  it("follows the chain through trusted proxies to the first address none of them vouches for", () => {
    const result = rewriteForwardedHeaders(
      facts("10.0.0.2", {
        "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.5",
        "x-forwarded-proto": "https",
        "x-forwarded-host": "walden.example.com",
      }),
      parseTrustedProxies("10.0.0.0/8"),
    );
    // 6.6.6.6 was written by the client itself; 198.51.100.7 is who reached the proxy.
    expect(result.clientAddress).toBe("198.51.100.7");
    expect(result.set["x-forwarded-proto"]).toBe("https");
    expect(result.set["x-forwarded-host"]).toBe("walden.example.com");
  });

  it("uses the peer when a trusted proxy sends no chain, and rejects garbage in it", () => {
    const trusted = parseTrustedProxies("127.0.0.1");
    expect(rewriteForwardedHeaders(facts("127.0.0.1"), trusted).clientAddress).toBe("127.0.0.1");
    expect(
      rewriteForwardedHeaders(facts("127.0.0.1", { "x-forwarded-for": "not-an-ip" }), trusted).clientAddress,
    ).toBe("127.0.0.1");
  });

  it("trusts nobody by default", () => {
    const result = rewriteForwardedHeaders(
      facts("127.0.0.1", { "x-forwarded-for": "9.9.9.9" }),
      parseTrustedProxies(undefined),
    );
    expect(result.clientAddress).toBe("127.0.0.1");
  });
});

describe("parseTrustedProxies", () => {
  it("accepts addresses and ranges of both families", () => {
    const list = parseTrustedProxies(" 192.168.1.10 , 10.0.0.0/8, fd00::/8");
    expect(list.check("10.200.0.1", "ipv4")).toBe(true);
    expect(list.check("192.168.1.10", "ipv4")).toBe(true);
    expect(list.check("fd00::1", "ipv6")).toBe(true);
    expect(list.check("192.168.1.11", "ipv4")).toBe(false);
  });

  it("names the entry that is not an address", () => {
    expect(() => parseTrustedProxies("10.0.0.0/8, proxy.internal")).toThrow(/"proxy.internal"/);
  });

  it("normalizes IPv4-mapped IPv6 peers", () => {
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("::1")).toBe("::1");
  });
});
