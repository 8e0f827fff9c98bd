import { scryptSync } from "node:crypto";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import * as loginRoute from "@/app/api/v1/auth/login/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import * as meRoute from "@/app/api/v1/me/route";
import { forgetDenialSamples } from "@/lib/auth/denials";
import { ACCOUNT_ATTEMPT_LIMIT } from "@/lib/auth/sign-in-throttle";
import { db } from "@/lib/db";
import { pruneCatalog } from "@/lib/worker/handlers/catalog-prune";
import { call, makeUser, type TestUser } from "@/test/api-client";

// Issue 13, "abuse from outside": what a stranger on the network can do to Walden without an
// account. The route handlers are called in-process with real Requests; the client address is
// what Walden's server (lib/web/server.ts) puts in X-Forwarded-For after checking the peer.

const PASSWORD = "a-long-test-password";
let victim: TestUser;

beforeAll(async () => {
  victim = await makeUser("viewer", "abuse-victim");
});

function signIn(email: string, password: string, address: string, body?: ReadableStream<Uint8Array>) {
  const req = new NextRequest("http://localhost:3000/api/v1/auth/login", {
    method: "POST",
    headers: {
      host: "localhost:3000",
      origin: "http://localhost:3000",
      "content-type": "application/json",
      "x-forwarded-for": address,
    },
    body: body ?? JSON.stringify({ email, password }),
    // A streamed request body needs half-duplex in Node's fetch types.
    ...(body ? { duplex: "half" } : {}),
  } as ConstructorParameters<typeof NextRequest>[1]);
  return loginRoute.POST(req, { params: Promise.resolve({}) });
}

async function deniedRowsFor(email: string) {
  return db().auditEvent.findMany({
    where: { action: "auth.login", outcome: "denied", details: { path: ["email"], equals: email } },
  });
}

describe("sign-in throttling", () => {
  it("1,000 bad sign-ins from one address leave the account usable from another, in a few audit rows", async () => {
    forgetDenialSamples();
    const statuses = new Map<number, number>();
    for (let attempt = 0; attempt < 1000; attempt += 1) {
      const response = await signIn(victim.email, `guess-${attempt}`, "203.0.113.50");
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
    // The first attempts are checked (and wrong); everything after the limit is refused unchecked.
    expect(Object.fromEntries(statuses)).toEqual({
      401: ACCOUNT_ATTEMPT_LIMIT,
      429: 1000 - ACCOUNT_ATTEMPT_LIMIT,
    });
    // The flooding address is still refused, even with the right password…
    expect((await signIn(victim.email, PASSWORD, "203.0.113.50")).status).toBe(429);
    // …but the account's owner, elsewhere, signs in.
    expect((await signIn(victim.email, PASSWORD, "198.51.100.2")).status).toBe(200);

    const rows = await deniedRowsFor(victim.email);
    expect(rows.length).toBeLessThanOrEqual(3);
    const counted = rows.reduce(
      (sum, row) => sum + 1 + Number((row.details as { repeats?: number }).repeats ?? 0),
      0,
    );
    // Every refusal is still counted in the catalog: 1,000 from the flood, 1 after it.
    expect(counted).toBe(1001);
  });

  it("lets no more than the limit of parallel attempts reach the password check", async () => {
    const target = await makeUser("viewer", "abuse-parallel");
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, attempt) => signIn(target.email, `parallel-${attempt}`, "203.0.113.77")),
    );
    const checked = responses.filter((response) => response.status === 401).length;
    const refused = responses.filter((response) => response.status === 429).length;
    expect(checked).toBe(ACCOUNT_ATTEMPT_LIMIT);
    expect(refused).toBe(40 - ACCOUNT_ATTEMPT_LIMIT);
  });

  it("upgrades a hash made with weaker scrypt parameters at the next sign-in", async () => {
    const user = await makeUser("viewer", "abuse-oldhash");
    const salt = Buffer.alloc(16, 3);
    const key = scryptSync(PASSWORD, salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const old = `scrypt$32768$8$1$${salt.toString("base64url")}$${key.toString("base64url")}`;
    await db().user.update({ where: { id: user.id }, data: { passwordHash: old } });
    expect((await signIn(user.email, PASSWORD, "198.51.100.9")).status).toBe(200);
    const stored = (await db().user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await signIn(user.email, PASSWORD, "198.51.100.9")).status).toBe(200);
  });
});

describe("request bodies", () => {
  it("answers a 20 MB chunked sign-in body with 413 after reading about 1 MiB of it", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let pulled = 0;
    const twentyMegabytes = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 20 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await signIn(victim.email, "", "198.51.100.3", twentyMegabytes);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("payload_too_large");
    // No Content-Length was sent; the handler stopped pulling just past its 1 MiB limit.
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
  });
});

describe("denied requests", () => {
  it("are one audit row per kind and minute, with the repeats counted", async () => {
    forgetDenialSamples();
    const before = await db().auditEvent.count();
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const response = await call(clustersRoute.GET, "GET", "/api/v1/clusters", {
        headers: { "x-forwarded-for": "203.0.113.99" },
      });
      expect(response.status).toBe(401);
    }
    const rows = await db().auditEvent.findMany({ where: { ip: "203.0.113.99" }, orderBy: { id: "asc" } });
    expect(await db().auditEvent.count()).toBe(before + 1);
    expect(rows).toHaveLength(1);
    expect((rows[0]!.details as { repeats?: number }).repeats).toBe(49);
  });

  it("treats a malformed session cookie as no session (401), not a crash", async () => {
    const response = await call(meRoute.GET, "GET", "/api/v1/me", {
      headers: { cookie: "walden_session=%E0%A4%A" },
    });
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe("unauthorized");
  });
});

describe("the audit log's retention", () => {
  it("prunes events older than the setting, keeps the rest, and audits the pruning", async () => {
    const now = new Date();
    const old = await db().auditEvent.create({
      data: {
        actorLabel: "test",
        action: "test.old",
        outcome: "success",
        at: new Date(now.getTime() - 401 * 86_400_000),
      },
    });
    const recent = await db().auditEvent.create({
      data: {
        actorLabel: "test",
        action: "test.recent",
        outcome: "success",
        at: new Date(now.getTime() - 399 * 86_400_000),
      },
    });
    const pruned = await pruneCatalog(now, 400);
    expect(pruned.auditEvents).toBeGreaterThanOrEqual(1);
    expect(await db().auditEvent.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await db().auditEvent.findUnique({ where: { id: recent.id } })).not.toBeNull();
    const record = await db().auditEvent.findFirstOrThrow({
      where: { action: "audit.prune" },
      orderBy: { id: "desc" },
    });
    expect(record.details).toMatchObject({ retentionDays: 400 });
  });
});
