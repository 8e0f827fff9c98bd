import { afterEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import {
  cachedActor,
  cachedCredentialCount,
  CREDENTIAL_CACHE_MAX_ENTRIES,
  CREDENTIAL_CACHE_TTL_MS,
  forgetCachedCredentials,
  rememberActor,
} from "@/lib/auth/credential-cache";

const viewer: Actor = {
  kind: "token",
  userId: "u1",
  email: "v@x",
  role: "viewer",
  tokenId: "t1",
  label: "v@x",
};
const T0 = 1_000_000;

describe("credential cache", () => {
  afterEach(() => forgetCachedCredentials());

  it("believes a verified credential for at most the TTL, then asks the catalog again", () => {
    rememberActor("hash-a", viewer, null, T0);
    expect(cachedActor("hash-a", T0)).toEqual(viewer);
    expect(cachedActor("hash-a", T0 + CREDENTIAL_CACHE_TTL_MS - 1)).toEqual(viewer);
    // The revocation bound for other web processes: past the TTL the entry is gone.
    expect(cachedActor("hash-a", T0 + CREDENTIAL_CACHE_TTL_MS)).toBeNull();
    expect(cachedCredentialCount()).toBe(0);
  });

  it("never outlives the credential's own expiry", () => {
    rememberActor("hash-b", viewer, new Date(T0 + 1_000), T0);
    expect(cachedActor("hash-b", T0 + 999)).toEqual(viewer);
    expect(cachedActor("hash-b", T0 + 1_000)).toBeNull();
  });

  it("forgets everything at once on a revoke, sign-out or user change in this process", () => {
    rememberActor("hash-a", viewer, null, T0);
    rememberActor("hash-b", { ...viewer, tokenId: "t2" }, null, T0);
    forgetCachedCredentials();
    expect(cachedActor("hash-a", T0 + 1)).toBeNull();
    expect(cachedActor("hash-b", T0 + 1)).toBeNull();
  });

  it("stays bounded: past the limit the oldest entries are dropped", () => {
    for (let i = 0; i < CREDENTIAL_CACHE_MAX_ENTRIES + 50; i++) rememberActor(`hash-${i}`, viewer, null, T0);
    expect(cachedCredentialCount()).toBe(CREDENTIAL_CACHE_MAX_ENTRIES);
    expect(cachedActor("hash-0", T0)).toBeNull();
    expect(cachedActor(`hash-${CREDENTIAL_CACHE_MAX_ENTRIES + 49}`, T0)).toEqual(viewer);
  });
});
