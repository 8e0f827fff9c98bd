import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as loginRoute from "@/app/api/v1/auth/login/route";
import * as callbackRoute from "@/app/api/v1/auth/oidc/callback/route";
import * as settingsRoute from "@/app/api/v1/auth/oidc/settings/route";
import * as testRoute from "@/app/api/v1/auth/oidc/settings/test/route";
import * as startRoute from "@/app/api/v1/auth/oidc/start/route";
import * as meRoute from "@/app/api/v1/me/route";
import { OIDC_FLOW_COOKIE } from "@/lib/auth/oidc/flow";
import { forgetDenialSamples } from "@/lib/auth/denials";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { db } from "@/lib/db";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { settingsFor, signInAtProvider, startTestProvider, type TestProvider } from "@/test/oidc-provider";

// Single sign-on against a real OpenID provider (oidc-provider, in this process, on 127.0.0.1):
// the real route handlers, the real catalog, and ID tokens that are wrong the ways that matter.

const SITE = "http://localhost:3000";
const CALLBACK = `${SITE}/api/v1/auth/oidc/callback`;

let provider: TestProvider;
let admin: TestUser;
let viewer: TestUser;

const asAdmin = () => ({ cookie: admin.cookie, origin: SITE });

const settingsBody = (overrides: Record<string, unknown> = {}) =>
  settingsFor(
    provider,
    [
      { value: "dba", role: "admin" },
      { value: "oncall", role: "operator" },
      { value: "staff", role: "viewer" },
    ],
    overrides,
  );

function newAccount(groups: string[]): { login: string; email: string } {
  const login = `person-${Math.random().toString(36).slice(2, 10)}`;
  const email = `${login}@Acme.example`;
  provider.accounts.set(login, { email, name: login, groups });
  return { login, email: email.toLowerCase() };
}

function get(url: string, cookie?: string): NextRequest {
  return new NextRequest(new URL(url, SITE), {
    headers: { host: "localhost:3000", ...(cookie ? { cookie } : {}) },
  });
}

function cookieValue(response: Response, name: string): string | undefined {
  const line = response.headers.getSetCookie().find((item) => item.startsWith(`${name}=`));
  return line?.split(";")[0]!.slice(name.length + 1);
}

async function start(
  next = "/clusters",
): Promise<{ response: Response; authorizationUrl: URL; flowCookie: string }> {
  const response = await startRoute.GET(get(`/api/v1/auth/oidc/start?next=${encodeURIComponent(next)}`), {
    params: Promise.resolve({}),
  });
  expect(response.status).toBe(303);
  return {
    response,
    authorizationUrl: new URL(response.headers.get("location")!),
    flowCookie: cookieValue(response, OIDC_FLOW_COOKIE)!,
  };
}

function finish(callbackUrl: URL | string, flowCookie?: string): Promise<Response> {
  return callbackRoute.GET(
    get(String(callbackUrl), flowCookie ? `${OIDC_FLOW_COOKIE}=${flowCookie}` : undefined),
    {
      params: Promise.resolve({}),
    },
  );
}

/** The whole journey: Walden → provider (log in, consent) → Walden's callback. */
async function signInAs(login: string, next?: string): Promise<Response> {
  const { authorizationUrl, flowCookie } = await start(next);
  const callbackUrl = await signInAtProvider(authorizationUrl.href, login, CALLBACK);
  return finish(callbackUrl, flowCookie);
}

async function latestDenial(reason: string) {
  const rows = await db().auditEvent.findMany({
    where: { action: "auth.oidc", outcome: "denied" },
    orderBy: { id: "desc" },
    take: 20,
  });
  return rows.find((row) => (row.details as { reason?: string } | null)?.reason === reason);
}

beforeAll(async () => {
  provider = await startTestProvider({
    firstPort: Number(process.env.WALDEN_TEST_PG_PORT ?? 25320) + 8,
    redirectUris: [CALLBACK],
  });
  admin = await makeUser("admin", "sso-admin");
  viewer = await makeUser("viewer", "sso-viewer");
  const saved = await call(settingsRoute.PUT, "PUT", "/api/v1/auth/oidc/settings", {
    ...asAdmin(),
    body: settingsBody(),
  });
  expect(saved.status, saved.text).toBe(200);
});

afterAll(async () => {
  await db().oidcSettings.deleteMany({});
  await provider?.stop();
});

beforeEach(() => {
  forgetDenialSamples();
  provider.tamper.audience = undefined;
  provider.tamper.foreignKey = undefined;
});

describe("single sign-on settings", () => {
  it("never returns the client secret, stores it encrypted, and audits the change with it redacted", async () => {
    const read = await call(settingsRoute.GET, "GET", "/api/v1/auth/oidc/settings", { cookie: admin.cookie });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      configured: true,
      enabled: true,
      issuerUrl: provider.issuer,
      clientId: "walden",
      clientSecretSet: true,
      redirectUri: CALLBACK,
    });
    expect(read.text).not.toContain(provider.clientSecret);
    const row = await db().oidcSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(row.clientSecretEncrypted).toMatch(/^v1\./);
    expect(row.clientSecretEncrypted).not.toContain(provider.clientSecret);
    const audited = await db().auditEvent.findFirst({
      where: { action: "auth.oidc.settings", outcome: "success" },
      orderBy: { id: "desc" },
    });
    expect(JSON.stringify(audited?.details)).not.toContain(provider.clientSecret);
    expect(audited?.details).toMatchObject({ clientSecret: "[redacted]", issuerUrl: provider.issuer });
  });

  it("is for admins only, read and write", async () => {
    expect(
      (await call(settingsRoute.GET, "GET", "/api/v1/auth/oidc/settings", { cookie: viewer.cookie })).status,
    ).toBe(403);
    const put = await call(settingsRoute.PUT, "PUT", "/api/v1/auth/oidc/settings", {
      cookie: viewer.cookie,
      origin: SITE,
      body: settingsBody(),
    });
    expect(put.status).toBe(403);
    expect((await call(settingsRoute.GET, "GET", "/api/v1/auth/oidc/settings")).status).toBe(401);
  });

  it("answers bad input with a 422 naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ issuerUrl: "http://id.example.com" }, "issuerUrl"],
      [{ roleMappings: [{ value: "dba", role: "root" }] }, "roleMappings.0.role"],
      [{ localAccountsEnabled: false }, "breakGlassEmail"],
      [{ localAccountsEnabled: false, breakGlassEmail: viewer.email }, "breakGlassEmail"],
      // The stored secret belongs to the old client: a new client id needs it again.
      [{ clientId: "another-client", clientSecret: undefined }, "clientSecret"],
    ];
    for (const [overrides, field] of cases) {
      const answer = await call(settingsRoute.PUT, "PUT", "/api/v1/auth/oidc/settings", {
        ...asAdmin(),
        body: settingsBody(overrides),
      });
      expect(answer.status, JSON.stringify(overrides)).toBe(422);
      expect(answer.json.error.details.issues.map((issue: { path: string }) => issue.path)).toContain(field);
    }
    // Nothing of those was saved.
    expect((await db().oidcSettings.findUniqueOrThrow({ where: { id: 1 } })).clientId).toBe("walden");
  });

  it("keeps the stored secret when it is left out for the same client", async () => {
    const answer = await call(settingsRoute.PUT, "PUT", "/api/v1/auth/oidc/settings", {
      ...asAdmin(),
      body: settingsBody({ clientSecret: undefined, providerName: "Acme SSO" }),
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ providerName: "Acme SSO", clientSecretSet: true });
    const { login } = newAccount(["staff"]);
    expect((await signInAs(login)).headers.get("location")).toBe("/clusters");
  });

  it("tests discovery of an issuer, and says why one fails", async () => {
    const ok = await call(testRoute.POST, "POST", "/api/v1/auth/oidc/settings/test", {
      ...asAdmin(),
      body: {},
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json).toMatchObject({
      issuer: provider.issuer,
      authorizationEndpoint: `${provider.issuer}/auth`,
    });
    const down = await call(testRoute.POST, "POST", "/api/v1/auth/oidc/settings/test", {
      ...asAdmin(),
      body: { issuerUrl: "http://127.0.0.1:9" },
    });
    expect(down.status).toBe(422);
    expect(down.json.error.details.issues[0].path).toBe("issuerUrl");
  });
});

describe("signing in with the identity provider", () => {
  it("sends the browser to the provider with PKCE, state and nonce, and a sealed short-lived cookie", async () => {
    const { response, authorizationUrl, flowCookie } = await start("/backups");
    expect(authorizationUrl.origin).toBe(provider.issuer);
    const query = authorizationUrl.searchParams;
    expect(query.get("client_id")).toBe("walden");
    expect(query.get("redirect_uri")).toBe(CALLBACK);
    expect(query.get("code_challenge_method")).toBe("S256");
    expect(query.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get("state")).toBeTruthy();
    expect(query.get("nonce")).toBeTruthy();
    expect(query.get("scope")).toBe("openid email profile groups");
    const line = response.headers.getSetCookie().find((item) => item.startsWith(`${OIDC_FLOW_COOKIE}=`))!;
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=lax/i);
    expect(line).toMatch(/Path=\/api\/v1\/auth\/oidc\/callback/);
    expect(line).toMatch(/Max-Age=600/);
    expect(flowCookie).not.toContain(query.get("state")!);
  });

  it("creates the user on first sign-in with the role from the claim, and opens a session", async () => {
    const { login, email } = newAccount(["staff", "oncall"]);
    const response = await signInAs(login, "/backups");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/backups");
    const session = cookieValue(response, SESSION_COOKIE)!;
    const line = response.headers.getSetCookie().find((item) => item.startsWith(`${SESSION_COOKIE}=`))!;
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=lax/i);
    // The flow cookie is spent.
    expect(cookieValue(response, OIDC_FLOW_COOKIE)).toBe("");

    const me = await call(meRoute.GET, "GET", "/api/v1/me", { cookie: session });
    expect(me.json).toEqual({ email, role: "operator", kind: "session" });
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ oidcIssuer: provider.issuer, oidcSubject: login, role: "operator" });
    const audited = await db().auditEvent.findFirst({
      where: { action: "auth.login", outcome: "success", targetId: user.id },
    });
    expect(audited?.details).toMatchObject({ method: "oidc", issuer: provider.issuer, role: "operator" });
  });

  it("finds the same user by issuer and subject next time and updates the role from the claim", async () => {
    const { login, email } = newAccount(["dba"]);
    await signInAs(login);
    const first = await db().user.findUniqueOrThrow({ where: { email } });
    expect(first.role).toBe("admin");

    provider.accounts.set(login, { email, groups: ["staff"] });
    const again = await signInAs(login);
    const me = await call(meRoute.GET, "GET", "/api/v1/me", { cookie: cookieValue(again, SESSION_COOKIE)! });
    expect(me.json.role).toBe("viewer");
    const users = await db().user.findMany({ where: { oidcSubject: login } });
    expect(users.map((user) => [user.id, user.role])).toEqual([[first.id, "viewer"]]);
    const change = await db().auditEvent.findFirst({
      where: { action: "user.update", targetId: first.id },
      orderBy: { id: "desc" },
    });
    expect(change?.details).toMatchObject({ source: "oidc", roleBefore: "admin", role: "viewer" });
  });

  it("refuses someone whose claim maps to no role, with a clear message and a denied audit row", async () => {
    const { login, email } = newAccount(["marketing"]);
    const response = await signInAs(login);
    expect(response.headers.get("location")).toBe("/login?error=unmapped_role");
    expect(cookieValue(response, SESSION_COOKIE)).toBeUndefined();
    expect(await db().user.findUnique({ where: { email } })).toBeNull();
    const denial = await latestDenial("unmapped_role");
    expect(denial?.details).toMatchObject({ claim: "groups", values: ["marketing"], email });
  });

  it("refuses an ID token issued for another audience, though the provider signed it", async () => {
    const { login, email } = newAccount(["dba"]);
    provider.tamper.audience = "some-other-application";
    const response = await signInAs(login);
    expect(response.headers.get("location")).toBe("/login?error=wrong_audience");
    expect(cookieValue(response, SESSION_COOKIE)).toBeUndefined();
    expect(await db().user.findUnique({ where: { email } })).toBeNull();
    expect(await latestDenial("wrong_audience")).toBeDefined();
  });

  it("refuses an ID token signed with a key the provider never published", async () => {
    const { login, email } = newAccount(["dba"]);
    provider.tamper.foreignKey = true;
    const response = await signInAs(login);
    expect(response.headers.get("location")).toBe("/login?error=invalid_token");
    expect(await db().user.findUnique({ where: { email } })).toBeNull();
  });

  it("refuses an answer whose state is not this browser's, and one without the flow cookie", async () => {
    const { login } = newAccount(["dba"]);
    const mine = await start();
    const theirs = await start();
    // The attacker's code and state (login CSRF) arrive with the victim's flow cookie.
    const theirAnswer = await signInAtProvider(theirs.authorizationUrl.href, login, CALLBACK);
    const mismatch = await finish(theirAnswer, mine.flowCookie);
    expect(mismatch.headers.get("location")).toBe("/login?error=state_mismatch");
    expect(cookieValue(mismatch, SESSION_COOKIE)).toBeUndefined();
    const noCookie = await finish(theirAnswer);
    expect(noCookie.headers.get("location")).toBe("/login?error=flow_expired");
    expect(await latestDenial("state_mismatch")).toBeDefined();
  });

  it("refuses a code used twice, and reports the provider's own refusal", async () => {
    const { login } = newAccount(["staff"]);
    const { authorizationUrl, flowCookie } = await start();
    const answer = await signInAtProvider(authorizationUrl.href, login, CALLBACK);
    expect(cookieValue(await finish(answer, flowCookie), SESSION_COOKIE)).toBeTruthy();
    const replay = await finish(answer, flowCookie);
    expect(replay.headers.get("location")).toBe("/login?error=idp_error");
    expect((await latestDenial("idp_error"))?.details).toMatchObject({ error: "invalid_grant" });
    forgetDenialSamples();

    const denied = new URL(CALLBACK);
    denied.searchParams.set("error", "access_denied");
    denied.searchParams.set("error_description", "End-User aborted interaction");
    const second = await start();
    denied.searchParams.set("state", second.authorizationUrl.searchParams.get("state")!);
    expect((await finish(denied, second.flowCookie)).headers.get("location")).toBe("/login?error=idp_error");
    expect((await latestDenial("idp_error"))?.details).toMatchObject({ error: "access_denied" });
  });

  it("refuses a new identity whose email already belongs to a local account", async () => {
    const login = `clash-${Math.random().toString(36).slice(2, 8)}`;
    provider.accounts.set(login, { email: viewer.email, groups: ["dba"] });
    const response = await signInAs(login);
    expect(response.headers.get("location")).toBe("/login?error=email_taken");
    expect((await db().user.findUniqueOrThrow({ where: { email: viewer.email } })).role).toBe("viewer");
  });

  it("only ever redirects to a path of this site", async () => {
    const { login } = newAccount(["staff"]);
    const { authorizationUrl, flowCookie } = await start("//evil.example/x");
    const response = await finish(await signInAtProvider(authorizationUrl.href, login, CALLBACK), flowCookie);
    expect(response.headers.get("location")).toBe("/");
  });
});

describe("password sign-in turned off", () => {
  async function passwordSignIn(email: string) {
    const req = new NextRequest(`${SITE}/api/v1/auth/login`, {
      method: "POST",
      headers: { host: "localhost:3000", origin: SITE, "content-type": "application/json" },
      body: JSON.stringify({ email, password: "a-long-test-password" }),
    });
    return loginRoute.POST(req, { params: Promise.resolve({}) });
  }

  it("refuses passwords except the break-glass admin's, and comes back when turned on", async () => {
    const breakGlass = await makeUser("admin", "break-glass");
    const off = await call(settingsRoute.PUT, "PUT", "/api/v1/auth/oidc/settings", {
      ...asAdmin(),
      body: settingsBody({ localAccountsEnabled: false, breakGlassEmail: breakGlass.email }),
    });
    expect(off.status, off.text).toBe(200);
    try {
      const refused = await passwordSignIn(admin.email);
      expect(refused.status).toBe(403);
      expect((await refused.json()).error.message).toMatch(/single sign-on/);
      expect((await passwordSignIn(breakGlass.email)).status).toBe(200);
      // Single sign-on still works for everyone.
      const { login } = newAccount(["staff"]);
      expect(cookieValue(await signInAs(login), SESSION_COOKIE)).toBeTruthy();
    } finally {
      const on = await call(settingsRoute.PUT, "PUT", "/api/v1/auth/oidc/settings", {
        ...asAdmin(),
        body: settingsBody({ localAccountsEnabled: true }),
      });
      expect(on.status).toBe(200);
    }
    expect((await passwordSignIn(admin.email)).status).toBe(200);
  });

  it("sends the browser back to the login page when single sign-on is off", async () => {
    await call(settingsRoute.PUT, "PUT", "/api/v1/auth/oidc/settings", {
      ...asAdmin(),
      body: settingsBody({ enabled: false }),
    });
    try {
      const response = await startRoute.GET(get("/api/v1/auth/oidc/start"), { params: Promise.resolve({}) });
      expect(response.headers.get("location")).toBe("/login?error=sso_off");
    } finally {
      await call(settingsRoute.PUT, "PUT", "/api/v1/auth/oidc/settings", {
        ...asAdmin(),
        body: settingsBody(),
      });
    }
  });
});
