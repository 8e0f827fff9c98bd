import { expect, test } from "@playwright/test";
import { loginFor } from "./helpers";

// Issue 13 through a real browser and Walden's own server (lib/web/server.ts).

test("pages and API responses carry the security headers; the page's scripts run under its nonce", async ({
  page,
  request,
}) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text()))
      errors.push(message.text());
  });
  const response = await page.goto("/login");
  const headers = response!.headers();
  const policy = headers["content-security-policy"] ?? "";
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  expect(nonce).toBeTruthy();
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  // Every script Next rendered carries this request's nonce, and none was blocked.
  const scripts = await page
    .locator("script")
    .evaluateAll((nodes) => nodes.map((node) => (node as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.every((value) => value === nonce)).toBe(true);
  // A second request gets another nonce.
  const again = await request.get("/login");
  expect(again.headers()["content-security-policy"]).not.toContain(nonce!);

  const api = await request.get("/api/v1/health");
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  expect(errors).toEqual([]);
});

for (const next of [
  "/%09/evil.example",
  "//evil.example",
  "/\\evil.example",
  "/.//evil.example",
  "https://evil.example",
]) {
  test(`signing in with next=${next} stays on this site`, async ({ page, baseURL }) => {
    const { email, password } = loginFor("viewer");
    await page.goto(`/login?next=${next.startsWith("/%") ? next : encodeURIComponent(next)}`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).not.toHaveURL(/\/login/);
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  });
}
