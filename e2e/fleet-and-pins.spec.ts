import { expect, test, type APIRequestContext } from "@playwright/test";
import { signIn } from "./helpers";
import { readSandboxJson } from "./sandbox";

// Issue 16: the overview answers "are we safe?" with the cluster's real last backup, and a
// backup is pinned, unpinned and deleted from its page (typed label; refused while pinned).

const BACKUP_TIMEOUT = 90_000;

interface FleetItem {
  id: string;
  name: string;
  lastBackup: { id: string } | null;
  safety: { state: "safe" | "at_risk"; reasons: string[] };
}

function api(request: APIRequestContext, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  return {
    get: (path: string) => request.get(path, { headers }),
    post: (path: string, data: unknown) => request.post(path, { headers, data }),
    delete: (path: string) => request.delete(path, { headers }),
  };
}

test.describe("fleet overview and pinned backups", () => {
  test("the overview shows the last backup and the state; a backup is pinned, unpinned and deleted", async ({
    page,
    request,
  }) => {
    test.setTimeout(240_000);
    const sandbox = readSandboxJson();
    const demo = sandbox.clusters[0]!;
    const admin = api(request, sandbox.tokens.admin);
    const label = `e2e-pin-${Date.now().toString(36)}`;

    const requested = await admin.post("/api/v1/backups", { clusterId: demo.id, kind: "physical", label });
    expect(requested.status()).toBe(202);
    const { id } = (await requested.json()) as { id: string };
    await expect
      .poll(
        async () => ((await (await admin.get(`/api/v1/backups/${id}`)).json()) as { status: string }).status,
        {
          timeout: BACKUP_TIMEOUT,
        },
      )
      .toBe("succeeded");

    // The overview: the summary line, and the demo cluster's card with this backup as its last.
    await signIn(page, "admin");
    await page.goto("/");
    await expect(page.getByRole("status", { name: "Fleet summary" })).toContainText(
      /\d+ clusters? · \d+ safe · \d+ at risk/,
    );
    const card = page.getByRole("list", { name: "Clusters" }).getByRole("listitem", { name: demo.name });
    await expect(card.locator(`a[href="/backups/${id}"]`)).toBeVisible();
    await expect(card.getByText(/RPO target/)).toBeVisible();
    const listed = ((await (await admin.get("/api/v1/clusters")).json()) as FleetItem[]).find(
      (item) => item.id === demo.id,
    )!;
    expect(listed.lastBackup?.id).toBe(id);
    await expect(
      card.getByText(listed.safety.state === "safe" ? "Safe" : "At risk", { exact: true }),
    ).toBeVisible();
    for (const reason of listed.safety.reasons) await expect(card.getByText(reason)).toBeVisible();

    // Filters: by a name nobody has, then by the other state than the demo's.
    const nameFilter = page.getByLabel("Filter by name");
    await nameFilter.fill("no-such-cluster");
    await expect(page.getByText("No cluster matches.")).toBeVisible();
    await nameFilter.fill(demo.name);
    await expect(card).toBeVisible();
    await page.getByLabel("State").selectOption(listed.safety.state === "safe" ? "at_risk" : "safe");
    await expect(card).toHaveCount(0);
    await page.getByLabel("State").selectOption("all");
    await expect(card).toBeVisible();

    // Pin: the page says so, Delete is disabled, and the API refuses the deletion (422).
    await card.locator(`a[href="/backups/${id}"]`).click();
    await expect(page).toHaveURL(new RegExp(`/backups/${id}$`));
    await page.getByRole("button", { name: "Pin", exact: true }).click();
    await expect(page.getByRole("button", { name: "Unpin" })).toBeVisible();
    await expect(page.getByText("yes, retention keeps it")).toBeVisible();
    await expect(page.getByText("Pinned: unpin it before deleting.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Delete backup" })).toBeDisabled();
    const refused = await admin.delete(`/api/v1/backups/${id}?confirm=${label}`);
    expect(refused.status()).toBe(422);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("pinned");

    // Unpin, then delete with the typed label: a wrong one keeps the button disabled.
    await page.getByRole("button", { name: "Unpin" }).click();
    await expect(page.getByRole("button", { name: "Pin", exact: true })).toBeVisible();
    await page.getByRole("button", { name: "Delete backup" }).click();
    const dialog = page.getByRole("dialog", { name: `Delete backup ${label}?` });
    await expect(dialog).toBeVisible();
    const typed = dialog.getByLabel("Backup label");
    const confirm = dialog.getByRole("button", { name: "Delete backup" });
    await typed.fill(`${label}-not`);
    await expect(confirm).toBeDisabled();
    await typed.fill(label);
    await confirm.click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("status").filter({ hasText: `Backup ${label} deleted` })).toBeVisible();
    await expect(page.getByText("expired", { exact: true }).first()).toBeVisible();
    const gone = (await (await admin.get(`/api/v1/backups/${id}`)).json()) as {
      status: string;
      pinned: boolean;
    };
    expect(gone).toMatchObject({ status: "expired", pinned: false });
  });
});
