import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";
import { readSandboxJson, sandboxInfo } from "./sandbox";

// Registration defaults (issue 16): the register form shows the protection a new cluster starts
// with, prefilled; what the admin leaves, changes or switches off is what the cluster page shows.
test("an admin registers a cluster with the defaults, one changed, and sees its schedules", async ({
  page,
  request,
}) => {
  const sandbox = await sandboxInfo();
  const name = `e2e-defaults-${Date.now().toString(36)}`;
  await signIn(page, "admin");
  await page.goto("/clusters/new");

  const form = page.getByRole("form", { name: "Register cluster" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Host", { exact: true }).fill(sandbox.cluster.primary.host);
  await form.getByLabel("Port", { exact: true }).fill(String(sandbox.cluster.primary.port));
  await form.getByLabel("User", { exact: true }).fill(sandbox.cluster.primary.user);
  await form.getByLabel("Password", { exact: true }).fill(sandbox.cluster.primary.password);
  await form.getByLabel("Database", { exact: true }).fill(sandbox.cluster.primary.database);

  // Prefilled with the defaults.
  const backupCron = form.getByLabel("Backup schedule (cron)", { exact: true });
  await expect(form.getByLabel("Daily physical backup", { exact: true })).toBeChecked();
  await expect(backupCron).toHaveValue("0 2 * * *");
  await expect(form.getByLabel("Recovery window (days)", { exact: true })).toHaveValue("7");
  await expect(form.getByLabel("Physical backups kept at least", { exact: true })).toHaveValue("2");
  await expect(form.getByLabel("Weekly restore drill", { exact: true })).toBeChecked();
  await expect(form.getByLabel("Drill schedule (cron)", { exact: true })).toHaveValue("0 5 * * 0");
  await expect(form.getByText(/Weekly verification/)).toBeVisible();

  // A wrong cron is explained before anything is sent; then one part is changed, the rest kept.
  await backupCron.fill("0 0 2 * * *");
  await form.getByRole("button", { name: "Register cluster" }).click();
  await expect(form.getByText(/has a seconds field/)).toBeVisible();
  await expect(page).toHaveURL(/\/clusters\/new/);
  await backupCron.fill("30 1 * * *");
  await form.getByLabel("Recovery window (days)", { exact: true }).fill("14");
  await form.getByRole("button", { name: "Register cluster" }).click();
  await expect(page).toHaveURL(/\/clusters\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const clusterId = page.url().split("/").at(-1)!;

  await page.goto(`/clusters/${clusterId}/settings`);
  const schedules = page.getByRole("region", { name: "Backup schedules" });
  await expect(schedules.getByText("30 1 * * *", { exact: true })).toBeVisible();
  await expect(schedules.getByText("enabled", { exact: true }).first()).toBeVisible();
  await page.goto(`/clusters/${clusterId}/restores`);
  const drills = page.getByRole("region", { name: "Restore drills" });
  await expect(drills.getByText("0 5 * * 0", { exact: true })).toBeVisible();
  // Stored with the cluster, not the built-in fallback.
  await expect(drills.getByText("default", { exact: true })).toHaveCount(0);
  await page.goto(`/clusters/${clusterId}/settings`);
  const retention = page.getByRole("region", { name: "Retention" });
  await expect(retention.getByText(/14 days recovery window · minimum 2 physical backups/)).toBeVisible();

  // Removed again, so the demo never takes this cluster's nightly backup.
  const removed = await request.delete(`/api/v1/clusters/${clusterId}?confirm=${name}`, {
    headers: { authorization: `Bearer ${readSandboxJson().tokens.admin}` },
  });
  expect(removed.status()).toBeLessThan(300);
});
