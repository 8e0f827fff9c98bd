import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { z } from "zod";
import { signIn } from "./helpers";
import { e2eHome, readSandboxJson } from "./sandbox";

// Issue 14's journey: the demo gives its cluster an offsite repository on its own S3 server
// (lib/demo/offsite.ts). An admin sees it on the cluster page, saves it unchanged through the
// form (the secret left empty keeps the stored one), runs Test, and finds a backup's offsite
// copy on its detail page. A viewer sees the repository but cannot change or test it.

// A physical backup of the demo cluster takes seconds; its offsite copy follows when the worker
// picks up offsite.copy. Generous, since other specs' backups queue beside it.
const COPY_TIMEOUT = 180_000;

/** Where the demo's S3 server listens, as the demo wrote it into sandbox.json. */
function demoS3(): { endpoint: string; bucket: string } {
  const file = path.join(e2eHome, "sandbox.json");
  return z
    .object({ s3: z.object({ endpoint: z.string(), bucket: z.string() }) })
    .parse(JSON.parse(fs.readFileSync(file, "utf8"))).s3;
}

const adminHeaders = () => ({ authorization: `Bearer ${readSandboxJson().tokens.admin}` });

const copiesSchema = z.object({
  copies: z.array(z.object({ repository: z.string(), status: z.string() })),
});

/** The newest succeeded physical backup of the cluster, or a new one requested through the API. */
async function physicalBackupId(request: APIRequestContext, clusterId: string): Promise<string> {
  const listed = await request.get(`/api/v1/backups?clusterId=${clusterId}&kind=physical&status=succeeded`, {
    headers: adminHeaders(),
  });
  expect(listed.status()).toBe(200);
  const [newest] = z.array(z.object({ id: z.string() })).parse(await listed.json());
  if (newest) return newest.id;
  const requested = await request.post("/api/v1/backups", {
    headers: adminHeaders(),
    data: { clusterId, kind: "physical", label: "e2e offsite" },
  });
  expect(requested.status(), await requested.text()).toBe(202);
  return z.object({ id: z.string() }).parse(await requested.json()).id;
}

test.describe("offsite repository", () => {
  test("an admin sees the demo's S3 repository, saves it, tests it, and finds a backup's offsite copy", async ({
    page,
    request,
  }) => {
    test.setTimeout(COPY_TIMEOUT + 60_000);
    const demo = readSandboxJson().clusters[0]!;
    const s3 = demoS3();
    await signIn(page, "admin");
    await page.goto(`/clusters/${demo.id}/settings`);

    const card = page.getByRole("region", { name: "Offsite repository" });
    await expect(card.getByText(s3.endpoint, { exact: true })).toBeVisible();
    await expect(card.getByText(s3.bucket, { exact: true })).toBeVisible();
    await expect(card.getByText("secret stored encrypted, never shown")).toBeVisible();
    // The offsite lag, once the worker has shipped WAL and computed the window (else it says so).
    await expect(card.getByText(/behind the archive|no WAL shipped offsite/)).toBeVisible();

    // Saved unchanged: the form starts from the stored settings, the secret empty (kept).
    await card.getByRole("button", { name: "Edit", exact: true }).click();
    const form = card.getByRole("form", { name: "Edit the offsite repository" });
    await expect(form.getByLabel("Endpoint", { exact: true })).toHaveValue(s3.endpoint);
    await expect(form.getByLabel("Bucket", { exact: true })).toHaveValue(s3.bucket);
    await expect(form.getByLabel("Path-style URLs")).toBeChecked();
    await expect(form.getByLabel("Secret access key", { exact: true })).toHaveValue("");
    const [saved] = await Promise.all([
      page.waitForResponse(
        (response) =>
          new URL(response.url()).pathname === `/api/v1/clusters/${demo.id}/repositories/offsite` &&
          response.request().method() === "PUT",
      ),
      form.getByRole("button", { name: "Save repository" }).click(),
    ]);
    expect(saved.status(), await saved.text()).toBe(200);
    await expect(form).toBeHidden();
    await expect(card.getByText(s3.endpoint, { exact: true })).toBeVisible();

    await card.getByRole("button", { name: "Test", exact: true }).click();
    const results = card.getByRole("list", { name: "Test results" });
    for (const check of ["write", "read", "list", "delete"])
      await expect(results.getByText(`${check}: ok`, { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(results.getByText(/: failed$/)).toHaveCount(0);

    const backupId = await physicalBackupId(request, demo.id);
    await expect
      .poll(
        async () => {
          const response = await request.get(`/api/v1/backups/${backupId}`, { headers: adminHeaders() });
          const { copies } = copiesSchema.parse(await response.json());
          return copies.some((copy) => copy.repository === "offsite" && copy.status === "succeeded");
        },
        { timeout: COPY_TIMEOUT, intervals: [2_000] },
      )
      .toBe(true);

    await page.goto(`/backups/${backupId}`);
    const copies = page.getByRole("region", { name: "Copies" });
    const offsiteRow = copies.getByRole("row").filter({ hasText: `s3://${s3.bucket}/` });
    await expect(offsiteRow).toContainText("offsite");
    await expect(offsiteRow).toContainText("succeeded");
    await expect(offsiteRow).toContainText(s3.endpoint);
  });

  test("a viewer sees the offsite repository but may not edit or test it", async ({ page }) => {
    const demo = readSandboxJson().clusters[0]!;
    const s3 = demoS3();
    await signIn(page, "viewer");
    await page.goto(`/clusters/${demo.id}/settings`);
    const card = page.getByRole("region", { name: "Offsite repository" });
    await expect(card.getByText(s3.endpoint, { exact: true })).toBeVisible();
    await expect(card.getByRole("button", { name: "Edit", exact: true })).toHaveCount(0);
    await expect(card.getByRole("button", { name: "Test", exact: true })).toHaveCount(0);
  });
});
