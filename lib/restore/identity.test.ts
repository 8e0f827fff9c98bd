import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { generateAgeKey, identityFileText } from "@/lib/offsite/age";
import { isSealedIdentity, openIdentity, sealIdentity, withoutIdentity } from "./identity";

// A restore's age identity: checked and sealed at the edge, opened only by the worker, and left
// out of whatever is shown or audited.

beforeAll(() => {
  // The sealing key comes from lib/env, which wants a catalog address too (never connected to here).
  process.env.WALDEN_SECRET ??= "identity-test-secret-".padEnd(48, "x");
  process.env.DATABASE_URL ??= "postgresql://unit@127.0.0.1:1/unit";
});

describe("the restore's age identity", () => {
  const key = generateAgeKey();

  it("is sealed (no trace of the key) and opens back to what was typed, the key file's text too", () => {
    const sealed = sealIdentity(key.identity);
    expect(isSealedIdentity(sealed)).toBe(true);
    expect(sealed).not.toContain(key.identity);
    expect(sealed).not.toContain(key.identity.slice(16, 40));
    expect(openIdentity(sealed)).toBe(key.identity);
    const file = identityFileText(key);
    expect(openIdentity(sealIdentity(file))).toBe(file);
    expect(openIdentity(undefined)).toBeUndefined();
  });

  it("refuses what is not an age identity with a 422 naming identity, without echoing it", () => {
    const typed = "AGE-SECRET-KEY-1NOTAKEYATALL";
    let refusal: unknown;
    try {
      sealIdentity(typed);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe("unprocessable_entity");
    expect((refusal as AppError).details).toMatchObject({ issues: [{ path: "identity" }] });
    expect((refusal as AppError).message).not.toContain(typed);
  });

  it("is never opened unless it was sealed at the edge", () => {
    expect(() => openIdentity(key.identity)).toThrow(/not sealed/);
  });

  it("is left out of the request that is shown and audited", () => {
    const request = { clusterId: "c", kind: "pitr" as const, identity: "v1.a.b.c" };
    expect(withoutIdentity(request)).toEqual({ clusterId: "c", kind: "pitr" });
    expect(request.identity).toBe("v1.a.b.c");
  });
});
