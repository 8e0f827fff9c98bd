import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import * as loginRoute from "@/app/api/v1/auth/login/route";
import * as meRoute from "@/app/api/v1/me/route";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { db } from "@/lib/db";
import { makeUser, type TestUser } from "@/test/api-client";

// The per-user console language: PATCH /api/v1/me keeps it and sets the walden_locale cookie,
// and the next password sign-in sets the cookie from what was kept.

const origin = "http://localhost:3000";

function request(method: string, path: string, init: { cookie?: string; token?: string; body?: unknown }) {
  const headers = new Headers({ host: "localhost:3000", origin, "content-type": "application/json" });
  if (init.cookie) headers.set("cookie", `${SESSION_COOKIE}=${init.cookie}`);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  return new NextRequest(`${origin}${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

async function patchMe(user: { cookie?: string; token?: string }, body: unknown) {
  const response = await meRoute.PATCH(request("PATCH", "/api/v1/me", { ...user, body }), {
    params: Promise.resolve({}),
  });
  return {
    status: response.status,
    json: await response.json(),
    setCookie: response.headers.get("set-cookie") ?? "",
  };
}

async function signIn(email: string) {
  return loginRoute.POST(
    request("POST", "/api/v1/auth/login", { body: { email, password: "a-long-test-password" } }),
    {
      params: Promise.resolve({}),
    },
  );
}

let viewer: TestUser;

beforeAll(async () => {
  viewer = await makeUser("viewer", "locale");
});

describe("PATCH /api/v1/me", () => {
  it("keeps a viewer's language, sets the cookie, audits it, and null clears both", async () => {
    const ko = await patchMe({ cookie: viewer.cookie }, { locale: "ko" });
    expect(ko.status).toBe(200);
    expect(ko.json).toMatchObject({ email: viewer.email, locale: "ko" });
    expect(ko.setCookie).toMatch(/^walden_locale=ko;/);
    expect(ko.setCookie).toMatch(/Path=\//);
    expect(ko.setCookie).not.toMatch(/HttpOnly/i);
    expect((await db().user.findUniqueOrThrow({ where: { id: viewer.id } })).locale).toBe("ko");
    const event = await db().auditEvent.findFirst({
      where: { actorId: viewer.id, action: "user.update", targetId: viewer.id },
      orderBy: { id: "desc" },
    });
    expect(event?.outcome).toBe("success");
    expect(event?.details).toMatchObject({ source: "self", localeBefore: null, locale: "ko" });

    // The next sign-in brings the language back, in a browser that has no cookie for it.
    const login = await signIn(viewer.email);
    expect(login.status).toBe(200);
    expect(login.headers.get("set-cookie")).toMatch(/walden_locale=ko;/);

    const cleared = await patchMe({ cookie: viewer.cookie }, { locale: null });
    expect(cleared.status).toBe(200);
    expect(cleared.setCookie).toMatch(/^walden_locale=;/);
    expect(cleared.setCookie).toMatch(/Max-Age=0/);
    expect((await db().user.findUniqueOrThrow({ where: { id: viewer.id } })).locale).toBeNull();
    // Nothing saved: sign-in leaves the browser's choice alone.
    expect((await signIn(viewer.email)).headers.get("set-cookie")).not.toMatch(/walden_locale/);
  });

  it("refuses another language or field with 422 naming it, and anonymous callers with 401", async () => {
    for (const body of [{ locale: "fr" }, { locale: "" }, {}, { locale: "en", role: "admin" }]) {
      const refused = await patchMe({ cookie: viewer.cookie }, body);
      expect(refused.status, JSON.stringify(body)).toBe(422);
      expect(refused.setCookie).toBe("");
    }
    const fr = await patchMe({ cookie: viewer.cookie }, { locale: "fr" });
    expect(fr.json.error.message).toMatch(/locale/);
    expect((await patchMe({}, { locale: "ko" })).status).toBe(401);
  });

  it("works with an API token for its owner", async () => {
    const done = await patchMe({ token: viewer.token }, { locale: "en" });
    expect(done.status).toBe(200);
    expect((await db().user.findUniqueOrThrow({ where: { id: viewer.id } })).locale).toBe("en");
  });
});
