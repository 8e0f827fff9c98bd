import { beforeAll, describe, expect, it, vi } from "vitest";
import * as auditRoute from "@/app/api/v1/audit/route";
import * as loginRoute from "@/app/api/v1/auth/login/route";
import * as logoutRoute from "@/app/api/v1/auth/logout/route";
import * as meRoute from "@/app/api/v1/me/route";
import * as tokenRoute from "@/app/api/v1/tokens/[id]/route";
import * as tokensRoute from "@/app/api/v1/tokens/route";
import * as userRoute from "@/app/api/v1/users/[id]/route";
import * as usersRoute from "@/app/api/v1/users/route";
import { CREDENTIAL_CACHE_TTL_MS } from "@/lib/auth/credential-cache";
import { ACCOUNT_ATTEMPT_LIMIT } from "@/lib/auth/sign-in-throttle";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { sha256Hex } from "@/lib/crypto";
import { db } from "@/lib/db";
import { call, makeUser, type TestUser } from "@/test/api-client";

let admin: TestUser;
let operator: TestUser;

beforeAll(async () => {
  admin = await makeUser("admin");
  operator = await makeUser("operator");
});

const adminAs = () => ({ cookie: admin.cookie, origin: "http://localhost:3000" });

async function signIn(email: string, password: string) {
  const { NextRequest } = await import("next/server");
  const req = new NextRequest("http://localhost:3000/api/v1/auth/login", {
    method: "POST",
    headers: { host: "localhost:3000", origin: "http://localhost:3000", "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  return loginRoute.POST(req, { params: Promise.resolve({}) });
}

describe("sign in and out", () => {
  it("sets an httpOnly SameSite session cookie that works, and logout ends it", async () => {
    const created = await call(usersRoute.POST, "POST", "/api/v1/users", {
      ...adminAs(),
      body: { email: `Person-${Date.now()}@Example.com`, role: "viewer", password: "correct horse battery" },
    });
    expect(created.status).toBe(201);
    expect(created.json.email).toMatch(/^person-\d+@example\.com$/);
    expect(created.text).not.toMatch(/password/i);

    const response = await signIn(created.json.email, "correct horse battery");
    expect(response.status).toBe(200);
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=lax/i);
    const cookie = /walden_session=([^;]+)/.exec(setCookie)![1]!;
    // Only the hash is stored.
    expect(await db().session.findUnique({ where: { tokenHash: cookie } })).toBeNull();
    expect(await db().session.findUnique({ where: { tokenHash: sha256Hex(cookie) } })).not.toBeNull();

    const me = await call(meRoute.GET, "GET", "/api/v1/me", { cookie });
    expect(me.json).toEqual({ email: created.json.email, role: "viewer", kind: "session" });

    const out = await call(logoutRoute.POST, "POST", "/api/v1/auth/logout", { cookie });
    expect(out.status).toBe(204);
    expect((await call(meRoute.GET, "GET", "/api/v1/me", { cookie })).status).toBe(401);
  });

  it("refuses a wrong password with the same message as an unknown email, and audits both", async () => {
    const wrong = await signIn(admin.email, "not-the-password");
    const unknown = await signIn(`nobody-${Date.now()}@example.com`, "whatever-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await wrong.json()).error.message).toBe((await unknown.json()).error.message);
    const denied = await db().auditEvent.count({ where: { action: "auth.login", outcome: "denied" } });
    expect(denied).toBeGreaterThanOrEqual(2);
  });

  it("throttles repeated failures for one email, even with the right password", async () => {
    const target = await makeUser("viewer", "throttled");
    for (let attempt = 0; attempt < ACCOUNT_ATTEMPT_LIMIT; attempt += 1) {
      expect((await signIn(target.email, `wrong-${attempt}`)).status).toBe(401);
    }
    const throttled = await signIn(target.email, "a-long-test-password");
    expect(throttled.status).toBe(429);
    expect((await throttled.json()).error.code).toBe("too_many_requests");
    // Another account is not affected.
    expect((await signIn(admin.email, "a-long-test-password")).status).toBe(200);
  });

  it("refuses a disabled user", async () => {
    const created = await call(usersRoute.POST, "POST", "/api/v1/users", {
      ...adminAs(),
      body: { email: `gone-${Date.now()}@example.com`, role: "operator", password: "a-long-password-1" },
    });
    const disabled = await call(userRoute.PATCH, "PATCH", `/api/v1/users/${created.json.id}`, {
      ...adminAs(),
      body: { disabled: true },
      params: { id: created.json.id },
    });
    expect(disabled.json.disabled).toBe(true);
    expect((await signIn(created.json.email, "a-long-password-1")).status).toBe(401);
  });
});

describe("users", () => {
  it("are admin-only", async () => {
    const response = await call(usersRoute.GET, "GET", "/api/v1/users", { token: operator.token });
    expect(response.status).toBe(403);
  });

  it("refuse a short password and a duplicate email", async () => {
    const short = await call(usersRoute.POST, "POST", "/api/v1/users", {
      ...adminAs(),
      body: { email: "short@example.com", role: "viewer", password: "short" },
    });
    expect(short.status).toBe(422);
    expect(short.json.error.details.issues[0].path).toBe("password");
    const duplicate = await call(usersRoute.POST, "POST", "/api/v1/users", {
      ...adminAs(),
      body: { email: operator.email, role: "viewer", password: "a-long-password-1" },
    });
    expect(duplicate.status).toBe(409);
  });

  it("stop an admin from demoting themselves", async () => {
    const response = await call(userRoute.PATCH, "PATCH", `/api/v1/users/${admin.id}`, {
      ...adminAs(),
      body: { role: "viewer" },
      params: { id: admin.id },
    });
    expect(response.status).toBe(422);
  });
});

describe("API tokens", () => {
  it("are shown once, stored hashed, work as Bearer, and stop working when revoked", async () => {
    const created = await call(tokensRoute.POST, "POST", "/api/v1/tokens", {
      ...adminAs(),
      body: { name: "ci", role: "viewer" },
    });
    expect(created.status).toBe(201);
    const token: string = created.json.token;
    expect(token).toMatch(/^wld_/);
    const row = await db().apiToken.findUnique({ where: { id: created.json.id } });
    expect(row?.tokenHash).toBe(sha256Hex(token));

    const list = await call(tokensRoute.GET, "GET", "/api/v1/tokens", { token: admin.token });
    expect(list.text).not.toContain(token);
    expect(list.json.find((item: { id: string }) => item.id === created.json.id).prefix).toBe(
      token.slice(0, 10),
    );

    expect((await call(meRoute.GET, "GET", "/api/v1/me", { token })).json.role).toBe("viewer");
    const revoked = await call(tokenRoute.DELETE, "DELETE", `/api/v1/tokens/${created.json.id}`, {
      ...adminAs(),
      params: { id: created.json.id },
    });
    expect(revoked.status).toBe(204);
    expect((await call(meRoute.GET, "GET", "/api/v1/me", { token })).status).toBe(401);
  });

  it("stop working at once when their owner is disabled, and within the cache bound when revoked elsewhere", async () => {
    const created = await call(usersRoute.POST, "POST", "/api/v1/users", {
      ...adminAs(),
      body: { email: `cached-${Date.now()}@example.com`, role: "operator", password: "a-long-password-1" },
    });
    const owner = { id: created.json.id as string };
    const minted = await db().user.findUniqueOrThrow({ where: { id: owner.id } });
    const { generateApiToken } = await import("@/lib/auth/tokens");
    const { token, prefix, hash } = generateApiToken();
    const row = await db().apiToken.create({
      data: { name: "cached", prefix, tokenHash: hash, userId: minted.id, role: "viewer" },
    });
    const me = () => call(meRoute.GET, "GET", "/api/v1/me", { token });
    expect((await me()).status).toBe(200); // now remembered by this process

    // Revoked by another web process (a direct catalog write): believed until the cache bound only.
    await db().apiToken.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      expect((await me()).status).toBe(200);
      vi.setSystemTime(Date.now() + CREDENTIAL_CACHE_TTL_MS);
      expect((await me()).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }

    // Disabled through the API of this process: refused on the very next request.
    const second = generateApiToken();
    await db().apiToken.create({
      data: {
        name: "cached-2",
        prefix: second.prefix,
        tokenHash: second.hash,
        userId: minted.id,
        role: "viewer",
      },
    });
    expect((await call(meRoute.GET, "GET", "/api/v1/me", { token: second.token })).status).toBe(200);
    await call(userRoute.PATCH, "PATCH", `/api/v1/users/${owner.id}`, {
      ...adminAs(),
      body: { disabled: true },
      params: { id: owner.id },
    });
    expect((await call(meRoute.GET, "GET", "/api/v1/me", { token: second.token })).status).toBe(401);
  });

  it("never carry more rights than their owner", async () => {
    const refused = await call(tokensRoute.POST, "POST", "/api/v1/tokens", {
      ...adminAs(),
      body: { name: "too-strong", role: "admin", userId: operator.id },
    });
    expect(refused.status).toBe(422);
    // A token issued when its owner was admin loses rights when the owner is demoted.
    const strong = await call(tokensRoute.POST, "POST", "/api/v1/tokens", {
      ...adminAs(),
      body: { name: "x", role: "operator", userId: operator.id },
    });
    await db().user.update({ where: { id: operator.id }, data: { role: "viewer" } });
    expect((await call(meRoute.GET, "GET", "/api/v1/me", { token: strong.json.token })).json.role).toBe(
      "viewer",
    );
    await db().user.update({ where: { id: operator.id }, data: { role: "operator" } });
  });
});

describe("audit log", () => {
  it("records mutations with who, what, target and outcome, for admins only", async () => {
    const response = await call(auditRoute.GET, "GET", "/api/v1/audit?limit=50", { token: admin.token });
    expect(response.status).toBe(200);
    const event = response.json.find(
      (item: { action: string; actor: string }) =>
        item.action === "token.create" && item.actor === admin.email,
    );
    expect(event).toMatchObject({ outcome: "success", targetType: "api_token" });
    expect((await call(auditRoute.GET, "GET", "/api/v1/audit", { token: operator.token })).status).toBe(403);
  });
});
