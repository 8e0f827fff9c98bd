import { describe, expect, it } from "vitest";
import { canonicalJson, sha256Hex } from "./canonical";

describe("canonicalJson", () => {
  it("sorts keys at every level so re-serialised JSON hashes the same", () => {
    const a = { b: 1, a: { d: [{ z: 1, y: 2 }], c: null } };
    const b = { a: { c: null, d: [{ y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it("drops undefined fields as JSON does and writes dates as ISO strings", () => {
    expect(canonicalJson({ a: undefined, t: new Date("2026-10-01T00:00:00Z") })).toBe(
      '{"t":"2026-10-01T00:00:00.000Z"}',
    );
  });
});

describe("sha256Hex", () => {
  it("is the SHA-256 of the UTF-8 text", () => {
    // FIPS 180-2's example
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
