import { expect, test } from "@playwright/test";
import { signIn, type RoleName } from "./helpers";
import { readSandboxJson } from "./sandbox";

test("a stranger opening / lands on the login page", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("an unknown API path answers 404 as JSON, not the console's HTML page", async ({ request }) => {
  const response = await request.post("/api/v1/clusters/00000000-0000-4000-8000-000000000000/no-such-thing");
  expect(response.status()).toBe(404);
  expect(response.headers()["content-type"]).toMatch(/application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("not_found");
  expect(body.error.message).toContain("/api/v1/clusters/00000000-0000-4000-8000-000000000000/no-such-thing");
});

test("a wrong password is refused with a message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("admin@walden.local");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText(/Wrong email or password/)).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

for (const role of ["admin", "operator", "viewer"] as RoleName[]) {
  test(`${role} signs in and sees the demo cluster`, async ({ page }) => {
    await signIn(page, role);
    await page.getByRole("navigation").getByRole("link", { name: "Clusters" }).click();
    await expect(page).toHaveURL(/\/clusters$/);
    const demo = readSandboxJson().clusters[0]!;
    const row = page
      .getByRole("row")
      .filter({ has: page.getByRole("link", { name: demo.name, exact: true }) });
    await expect(row).toBeVisible();
    await expect(row.getByText(`${demo.primary.host}:${demo.primary.port}`)).toBeVisible();
    const register = page.getByRole("link", { name: "Register cluster" });
    if (role === "admin") await expect(register).toBeVisible();
    else await expect(register).toHaveCount(0);
  });
}

test("a viewer sees no admin actions and gets 403 when calling one", async ({ page }) => {
  await signIn(page, "viewer");
  const demo = readSandboxJson().clusters[0]!;
  await page.goto(`/clusters/${demo.id}/settings`);
  await expect(page.getByRole("heading", { name: demo.name })).toBeVisible();
  await expect(page.getByRole("button", { name: /Delete registration/ })).toHaveCount(0);

  // The browser's own session, same-origin, as a crafted request would be.
  const status = await page.evaluate(async () => {
    const response = await fetch("/api/v1/clusters", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "sneaky",
        primary: { host: "127.0.0.1", port: 5432, user: "x", database: "x" },
      }),
    });
    return response.status;
  });
  expect(status).toBe(403);

  // Admin pages send a viewer back with a notice.
  await page.goto("/settings/users");
  await expect(page).not.toHaveURL(/\/settings\/users/);
  await expect(page.getByText(/don.t have access/i)).toBeVisible();
});

test("sign out ends the session", async ({ page }) => {
  await signIn(page, "operator");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/clusters");
  await expect(page).toHaveURL(/\/login/);
  const status = await page.evaluate(async () => (await fetch("/api/v1/me")).status);
  expect(status).toBe(401);
});
