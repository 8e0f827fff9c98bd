import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { e2ePort } from "../playwright.config";
import { settingsFor, signInAtProvider, startTestProvider, type TestProvider } from "../test/oidc-provider";
import { signIn } from "./helpers";
import { e2ePgPort, readSandboxJson } from "./sandbox";

// Single sign-on as a person does it: Walden's login page, the company's provider (a real
// OpenID provider started here on 127.0.0.1, with its own login and consent pages), back in
// Walden signed in with the role the provider's groups claim maps to. And refused, on the login
// page with a message, when the provider's ID token was issued for another application.

const site = `http://localhost:${e2ePort}`;
const callback = `${site}/api/v1/auth/oidc/callback`;
let provider: TestProvider;

const settings = (overrides: Record<string, unknown> = {}) =>
  settingsFor(
    provider,
    [
      { value: "walden-admins", role: "admin" },
      { value: "walden-operators", role: "operator" },
    ],
    overrides,
  );

async function saveSettings(request: APIRequestContext, body: Record<string, unknown>) {
  const response = await request.put("/api/v1/auth/oidc/settings", {
    headers: { authorization: `Bearer ${readSandboxJson().tokens.admin}` },
    data: body,
  });
  expect(response.status(), await response.text()).toBe(200);
}

/** At the provider's own pages: log in (any password), then consent. */
async function signInAtProviderPages(page: Page, login: string) {
  await expect(page).toHaveURL(new RegExp(`^${provider.issuer}/interaction/`));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
}

test.beforeAll(async ({ request }) => {
  provider = await startTestProvider({ firstPort: e2ePgPort + 8, redirectUris: [callback] });
  provider.accounts.set("ada", {
    email: "ada@acme.example",
    name: "Ada",
    groups: ["staff", "walden-operators"],
  });
  provider.accounts.set("mallory", { email: "mallory@acme.example", groups: ["walden-admins"] });
  provider.accounts.set("guest", { email: "guest@acme.example", groups: ["marketing"] });
  await saveSettings(request, settings());
});

test.afterAll(async ({ request }) => {
  // The specs after this one sign in with passwords only, as before.
  await saveSettings(request, settings({ enabled: false, clientSecret: undefined }));
  await provider?.stop();
});

test("an admin sees the settings with the redirect URI and never the secret", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/settings/sign-in");
  await expect(page.getByRole("heading", { name: "Single sign-on (OpenID Connect)" })).toBeVisible();
  await expect(page.getByText(callback)).toBeVisible();
  await expect(page.getByText("A secret is stored (encrypted). Leave empty to keep it.")).toBeVisible();
  await expect(page.getByLabel("Issuer URL")).toHaveValue(provider.issuer);
  expect(await page.content()).not.toContain(provider.clientSecret);
});

test("signs in through the identity provider with the role from the groups claim", async ({ page }) => {
  await page.goto("/login?next=/backups");
  await page.getByRole("link", { name: "Sign in with Acme ID" }).click();
  await signInAtProviderPages(page, "ada");

  await expect(page).toHaveURL(`${site}/backups`);
  await expect(page.getByText("ada@acme.example")).toBeVisible();
  const me = await page.request.get("/api/v1/me");
  expect(await me.json()).toEqual({ email: "ada@acme.example", role: "operator", kind: "session" });
});

test("refuses a token issued for another audience, with the reason on the login page", async ({ page }) => {
  provider.tamper.audience = "some-other-application";
  try {
    await page.goto("/login");
    await page.getByRole("link", { name: "Sign in with Acme ID" }).click();
    await signInAtProviderPages(page, "mallory");
    await expect(page).toHaveURL(`${site}/login?error=wrong_audience`);
    await expect(page.getByText(/issued for another application \(wrong audience\)/)).toBeVisible();
    expect((await page.request.get("/api/v1/me")).status()).toBe(401);
  } finally {
    provider.tamper.audience = undefined;
  }
});

test("refuses someone whose groups map to no role", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("link", { name: "Sign in with Acme ID" }).click();
  await signInAtProviderPages(page, "guest");
  await expect(page).toHaveURL(`${site}/login?error=unmapped_role`);
  await expect(page.getByText(/none of its values of the role claim is mapped/)).toBeVisible();
});

test("the provider's answer is bound to the browser that asked: another sign-in's code is refused", async ({
  page,
  request,
}) => {
  // The attacker finishes a sign-in of their own at the provider (their own cookie jar) and
  // sends the callback link to a victim who has just started one (login CSRF).
  const attackerStart = await request.get("/api/v1/auth/oidc/start", { maxRedirects: 0 });
  const attackersAnswer = await signInAtProvider(attackerStart.headers().location!, "mallory", callback);
  const victimStart = await page.request.get("/api/v1/auth/oidc/start", { maxRedirects: 0 });
  expect(victimStart.status()).toBe(303);
  await page.goto(attackersAnswer.href);
  await expect(page).toHaveURL(`${site}/login?error=state_mismatch`);
  await expect(page.getByText(/did not belong to this sign-in/)).toBeVisible();
  expect((await page.request.get("/api/v1/me")).status()).toBe(401);
});
