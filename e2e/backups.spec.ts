import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";
import { readSandboxJson } from "./sandbox";

// A physical backup of the small demo cluster takes seconds, plus the wait for its last WAL
// segment to reach the archive; the catalog polls every 2 s while it runs.
const BACKUP_TIMEOUT = 60_000;
const LSN = /^[0-9A-F]+\/[0-9A-F]+$/;

test.describe("backups", () => {
  test("an operator backs up the demo cluster and watches it finish without a reload", async ({ page }) => {
    test.setTimeout(120_000);
    const demo = readSandboxJson().clusters[0]!;
    await signIn(page, "operator");
    await page.getByRole("navigation").getByRole("link", { name: "Backups" }).click();
    await expect(page).toHaveURL(/\/backups$/);
    await expect(page.getByRole("heading", { name: "Backups", level: 1 })).toBeVisible();

    // A reload would reset this marker; live updates keep it.
    await page.evaluate(() => {
      (window as unknown as { walden_e2e_marker?: boolean }).walden_e2e_marker = true;
    });

    await page.getByRole("button", { name: "Back up now" }).click();
    const dialog = page.getByRole("dialog", { name: "Back up now" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel("Cluster", { exact: true })).toHaveValue(demo.id);
    await expect(dialog.getByRole("radio", { name: /Physical/ })).toBeChecked();
    await expect(dialog.getByLabel("Compression", { exact: true })).toHaveValue("lz4");
    await expect(dialog.getByLabel("Checkpoint", { exact: true })).toHaveValue("fast");
    await expect(dialog.getByText(/fast checkpoint starts at once/)).toBeVisible();

    const [response] = await Promise.all([
      page.waitForResponse(
        (candidate) =>
          new URL(candidate.url()).pathname === "/api/v1/backups" && candidate.request().method() === "POST",
      ),
      dialog.getByRole("button", { name: "Start backup" }).click(),
    ]);
    expect(response.status()).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await expect(dialog).toBeHidden();

    const row = page
      .getByRole("table", { name: "Backups" })
      .getByRole("row")
      .filter({ has: page.locator(`a[href="/backups/${id}"]`) });
    await expect(row).toBeVisible();
    await expect(row.getByRole("cell", { name: demo.name })).toBeVisible();
    await expect(row.getByRole("cell", { name: "physical", exact: true })).toBeVisible();

    // While it runs the row carries a progress bar; once done, the bar is gone and the status says so.
    await expect(row.getByText("succeeded", { exact: true })).toBeVisible({ timeout: BACKUP_TIMEOUT });
    await expect(row.getByRole("progressbar")).toHaveCount(0);
    await expect(row.getByRole("cell", { name: "no", exact: true })).toBeVisible();
    await expect(row.getByText(/\d (B|KiB|MiB|GiB)$/)).toBeVisible();

    const marker = await page.evaluate(
      () => (window as unknown as { walden_e2e_marker?: boolean }).walden_e2e_marker,
    );
    expect(marker).toBe(true);

    // The detail page shows the LSN range the worker recorded.
    const stored = await page.evaluate(async (backupId) => {
      const answer = await fetch(`/api/v1/backups/${backupId}`);
      return (await answer.json()) as { startLsn: string; stopLsn: string; timeline: number };
    }, id);
    expect(stored.startLsn).toMatch(LSN);
    expect(stored.stopLsn).toMatch(LSN);

    await row.locator(`a[href="/backups/${id}"]`).click();
    await expect(page).toHaveURL(new RegExp(`/backups/${id}$`));
    const wal = page.getByRole("region", { name: "Server and WAL" });
    await expect(wal).toContainText(`${stored.startLsn}→${stored.stopLsn}TL ${stored.timeline}`);
    await expect(wal).toContainText(/PostgreSQL \d+\.\d+/);
    await expect(page.getByRole("region", { name: "Backup", exact: true })).toContainText("succeeded");
    await expect(page.getByLabel("Backup log")).toContainText("pg_basebackup");

    // Verify it from the page: the worker unpacks it and runs pg_verifybackup.
    await page.getByRole("button", { name: "Verify now" }).click();
    await expect(
      page.getByRole("region", { name: "Server and WAL" }).getByText("verified", { exact: true }),
    ).toBeVisible({
      timeout: 60_000,
    });
  });

  test("a viewer sees the catalog but cannot back up", async ({ page }) => {
    const demo = readSandboxJson().clusters[0]!;
    await signIn(page, "viewer");
    await page.goto("/backups");
    await expect(page.getByRole("heading", { name: "Backups", level: 1 })).toBeVisible();
    await expect(page.getByRole("region", { name: "Catalog" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Back up now" })).toHaveCount(0);

    await page.goto(`/clusters/${demo.id}/backups`);
    await expect(page.getByRole("region", { name: "Backups", exact: true })).toBeVisible();
    await expect(page.getByRole("region", { name: "Archive coverage" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Back up now" })).toHaveCount(0);

    const status = await page.evaluate(async (clusterId) => {
      const answer = await fetch("/api/v1/backups", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ clusterId, kind: "physical" }),
      });
      return answer.status;
    }, demo.id);
    expect(status).toBe(403);
  });
});
