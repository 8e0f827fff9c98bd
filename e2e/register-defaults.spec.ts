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
  // The weekly verification is the cluster's own schedule now, changeable here.
  const verifyCron = form.getByLabel("Verification schedule (cron)", { exact: true });
  await expect(form.getByLabel("Weekly verification", { exact: true })).toBeChecked();
  await expect(verifyCron).toHaveValue("0 4 * * 0");

  // A wrong cron is explained before anything is sent; then one part is changed, the rest kept.
  await backupCron.fill("0 0 2 * * *");
  await form.getByRole("button", { name: "Register cluster" }).click();
  await expect(form.getByText(/has a seconds field/)).toBeVisible();
  await expect(page).toHaveURL(/\/clusters\/new/);
  await backupCron.fill("30 1 * * *");
  await form.getByLabel("Recovery window (days)", { exact: true }).fill("14");
  await verifyCron.fill("0 3 * * 1");
  await form.getByRole("button", { name: "Register cluster" }).click();
  await expect(page).toHaveURL(/\/clusters\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const clusterId = page.url().split("/").at(-1)!;

  await page.goto(`/clusters/${clusterId}/settings`);
  const schedules = page.getByRole("region", { name: "Backup schedules" });
  await expect(schedules.getByText("30 1 * * *", { exact: true })).toBeVisible();
  await expect(schedules.getByText("enabled", { exact: true }).first()).toBeVisible();
  await expect(schedules.getByText("0 3 * * 1", { exact: true })).toBeVisible();
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

// Several schedules of one kind (issue 16): an admin adds an hourly dump of one table beside the
// nightly full dump on the schedules card, sees both, and removes the hourly one.
test("an admin adds a second logical schedule of chosen tables on the schedules card, then removes it", async ({
  page,
  request,
}) => {
  const demo = readSandboxJson().clusters[0]!;
  const headers = { authorization: `Bearer ${readSandboxJson().tokens.admin}` };
  const before = (await (await request.get(`/api/v1/clusters/${demo.id}/schedules`, { headers })).json()) as {
    id: string;
  }[];
  await signIn(page, "admin");
  await page.goto(`/clusters/${demo.id}/settings`);
  const schedules = page.getByRole("region", { name: "Backup schedules" });
  await schedules.getByRole("button", { name: "Add logical schedule" }).click();
  await schedules.getByLabel("Name", { exact: true }).fill("e2e hourly orders");
  await schedules.getByLabel("Tables", { exact: true }).fill("public.orders");
  const form = schedules.getByRole("form", { name: "Add a logical schedule" });
  await form.getByLabel("Cron", { exact: true }).fill("*/5 * * * *");
  await form.getByRole("button", { name: "Save schedule" }).click();
  // Refused with the reason under the field, nothing saved.
  await expect(form.getByText(/at most every 15 minutes/)).toBeVisible();
  await form.getByLabel("Cron", { exact: true }).fill("17 * * * *");
  await form.getByRole("button", { name: "Save schedule" }).click();
  await expect(form).toBeHidden();

  const row = schedules.getByRole("listitem").filter({ hasText: "e2e hourly orders" });
  await expect(row.getByText("17 * * * *", { exact: true })).toBeVisible();
  await expect(row).toContainText("tables public.orders");
  const after = (await (await request.get(`/api/v1/clusters/${demo.id}/schedules`, { headers })).json()) as {
    id: string;
    name: string | null;
    options: { tables: string[] };
  }[];
  expect(after).toHaveLength(before.length + 1);
  expect(after.find((schedule) => schedule.name === "e2e hourly orders")?.options.tables).toEqual([
    "public.orders",
  ]);

  await row.getByRole("button", { name: "Remove" }).click();
  await row.getByRole("button", { name: "Remove" }).click();
  await expect(row).toHaveCount(0);
  const final = (await (
    await request.get(`/api/v1/clusters/${demo.id}/schedules`, { headers })
  ).json()) as unknown[];
  expect(final).toHaveLength(before.length);
});
