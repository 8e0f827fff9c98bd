import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";
import { readSandboxJson, sandboxInfo } from "./sandbox";

test("an admin registers a cluster through the form after testing the connection", async ({
  page,
  request,
}) => {
  const sandbox = await sandboxInfo();
  const name = `e2e-${Date.now().toString(36)}`;
  await signIn(page, "admin");
  await page.goto("/clusters");
  await page.getByRole("link", { name: "Register cluster" }).click();
  await expect(page).toHaveURL(/\/clusters\/new/);

  const form = page.getByRole("form", { name: "Register cluster" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Host", { exact: true }).fill(sandbox.cluster.primary.host);
  await form.getByLabel("Port", { exact: true }).fill(String(sandbox.cluster.primary.port));
  await form.getByLabel("User", { exact: true }).fill(sandbox.cluster.primary.user);
  await form.getByLabel("Password", { exact: true }).fill(sandbox.cluster.primary.password);
  await form.getByLabel("Database", { exact: true }).fill(sandbox.cluster.primary.database);

  await form.getByRole("button", { name: "Test connection" }).first().click();
  await expect(form.getByText(/PostgreSQL 1\d/).first()).toBeVisible();
  await expect(form.getByText(/primary/i).first()).toBeVisible();

  await form.getByRole("button", { name: "Register cluster" }).click();
  await expect(page).toHaveURL(/\/clusters\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();

  // The API sees it too, and never returns the password.
  const response = await request.get("/api/v1/clusters", {
    headers: { authorization: `Bearer ${readSandboxJson().tokens.viewer}` },
  });
  expect(response.status()).toBe(200);
  const text = await response.text();
  expect(text).toContain(name);
  expect(text).not.toContain(sandbox.cluster.primary.password);

  // Removing it needs its name typed exactly.
  await page
    .getByRole("navigation", { name: "Cluster sections" })
    .getByRole("link", { name: "Settings" })
    .click();
  await page.getByRole("button", { name: "Delete registration" }).click();
  const dialog = page.getByRole("dialog");
  const confirm = dialog.getByRole("button", { name: "Confirm delete" });
  await dialog.getByLabel("Cluster name").fill(`${name}x`);
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel("Cluster name").fill(name);
  await confirm.click();
  await expect(page).toHaveURL(/\/clusters$/);
  const after = await request.get("/api/v1/clusters", {
    headers: { authorization: `Bearer ${readSandboxJson().tokens.viewer}` },
  });
  expect(await after.text()).not.toContain(name);
});

test("the form explains invalid fields before sending anything", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/clusters/new");
  const form = page.getByRole("form", { name: "Register cluster" });
  await form.getByLabel("Name", { exact: true }).fill("Bad Name");
  await form.getByLabel("Port", { exact: true }).fill("70000");
  await form.getByRole("button", { name: "Register cluster" }).click();
  await expect(form.getByText(/lowercase letters/).first()).toBeVisible();
  await expect(form.getByText(/1 to 65535/).first()).toBeVisible();
  await expect(page).toHaveURL(/\/clusters\/new/);
});
