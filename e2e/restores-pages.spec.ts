import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { signIn } from "./helpers";
import { readSandboxJson } from "./sandbox";

// Restore drills as evidence: an operator runs one from the cluster's page and watches it end
// with its RTO in the drill history; its restore page shows every step succeeded. A viewer
// reads the same restores but is offered nothing that changes them.

const BACKUP_TIMEOUT = 120_000;
const WINDOW_TIMEOUT = 120_000;
const DRILL_TIMEOUT = 120_000;
const PITR_STEPS = ["plan", "prepare", "extract", "configure", "start", "replay", "verify", "ready"];
/** formatSeconds: "340 ms", "12.3 s", "4 m 12 s". */
const DURATION = /^\d+(\.\d+)? (ms|s)$|^\d+ m( \d+ s)?$/;

type Role = "operator" | "viewer";

interface BackupRow {
  id: string;
  status: string;
}

interface RestoreRow {
  id: string;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  purpose: string;
  error: string | null;
  rtoMs: number | null;
}

async function api(role: Role): Promise<APIRequestContext> {
  const sandbox = readSandboxJson();
  return playwrightRequest.newContext({
    baseURL: sandbox.url,
    extraHTTPHeaders: { authorization: `Bearer ${sandbox.tokens[role]}` },
  });
}

async function getJson<T>(context: APIRequestContext, path: string): Promise<T> {
  const response = await context.get(path);
  expect(response.status(), `GET ${path}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

/**
 * A drill restores the newest physical backup to the latest archived point: the demo takes one
 * at start; if it has not succeeded (or failed), one is requested now. Then the worker's window
 * must include it.
 */
async function ensureRestorable(operator: APIRequestContext, clusterId: string): Promise<void> {
  const list = await getJson<BackupRow[]>(operator, `/api/v1/backups?clusterId=${clusterId}&kind=physical`);
  if (!list.some((backup) => backup.status === "succeeded")) {
    let pending = list.find((backup) => backup.status === "queued" || backup.status === "running");
    if (!pending) {
      const response = await operator.post("/api/v1/backups", { data: { clusterId, kind: "physical" } });
      expect(response.status()).toBe(202);
      pending = (await response.json()) as BackupRow;
    }
    const id = pending.id;
    await expect
      .poll(async () => (await getJson<BackupRow>(operator, `/api/v1/backups/${id}`)).status, {
        timeout: BACKUP_TIMEOUT,
        intervals: [2_000],
      })
      .toBe("succeeded");
  }
  await expect
    .poll(
      async () => {
        const response = await operator.get(`/api/v1/clusters/${clusterId}/restore-window`);
        if (response.status() !== 200) return null;
        return ((await response.json()) as { latest: string | null }).latest;
      },
      { timeout: WINDOW_TIMEOUT, intervals: [2_000] },
    )
    .not.toBeNull();
}

/** A succeeded logical backup (pg_dump) of the demo cluster's database, taken now when there is none. */
async function ensureLogicalBackup(operator: APIRequestContext, clusterId: string): Promise<string> {
  const list = await getJson<BackupRow[]>(operator, `/api/v1/backups?clusterId=${clusterId}&kind=logical`);
  const done = list.find((backup) => backup.status === "succeeded");
  if (done) return done.id;
  let pending = list.find((backup) => backup.status === "queued" || backup.status === "running");
  if (!pending) {
    const response = await operator.post("/api/v1/backups", { data: { clusterId, kind: "logical" } });
    expect(response.status(), await response.text()).toBe(202);
    pending = (await response.json()) as BackupRow;
  }
  const id = pending.id;
  await expect
    .poll(async () => (await getJson<BackupRow>(operator, `/api/v1/backups/${id}`)).status, {
      timeout: BACKUP_TIMEOUT,
      intervals: [2_000],
    })
    .toBe("succeeded");
  return id;
}

test.describe("restore pages", () => {
  test("an operator runs a drill from the cluster page and watches it succeed with its RTO", async ({
    page,
  }) => {
    test.setTimeout(BACKUP_TIMEOUT + WINDOW_TIMEOUT + DRILL_TIMEOUT + 60_000);
    const demo = readSandboxJson().clusters[0]!;
    const operator = await api("operator");
    await ensureRestorable(operator, demo.id);

    await signIn(page, "operator");
    await page.goto(`/clusters/${demo.id}/restores`);
    const drills = page.getByRole("region", { name: "Restore drills" });
    await expect(drills).toBeVisible();
    // The default schedule, in words and with its zone.
    await expect(drills.getByText(/\(UTC\)|\([A-Za-z_]+\/[A-Za-z_]+\)/).first()).toBeVisible();
    await expect(drills.getByRole("link", { name: "Point-in-time restore" })).toHaveAttribute(
      "href",
      `/restores/new?clusterId=${demo.id}`,
    );

    const runButton = drills.getByRole("button", { name: "Run drill now" });
    // A drill left running by an earlier run keeps the button disabled until it ends.
    await expect(runButton).toBeEnabled({ timeout: DRILL_TIMEOUT });
    const [response] = await Promise.all([
      page.waitForResponse(
        (candidate) =>
          new URL(candidate.url()).pathname === `/api/v1/clusters/${demo.id}/drills` &&
          candidate.request().method() === "POST",
      ),
      runButton.click(),
    ]);
    expect(response.status(), await response.text()).toBe(202);
    const { id } = (await response.json()) as { id: string };

    const history = drills.getByRole("table", { name: `Drill history of ${demo.name}` });
    const row = history.locator(`tr[data-restore-id="${id}"]`);
    await expect(row).toBeVisible();
    await expect(row.getByText(/^(queued|running|succeeded)$/)).toBeVisible();

    // The worker runs it; the card polls every 2 s while it does. A failure says why.
    await expect(row.getByText(/^(succeeded|failed|cancelled)$/)).toBeVisible({ timeout: DRILL_TIMEOUT });
    const stored = await getJson<RestoreRow>(operator, `/api/v1/restores/${id}`);
    expect(stored.error).toBeNull();
    expect(stored.status).toBe("succeeded");
    expect(stored.purpose).toBe("drill");
    expect(stored.rtoMs).toBeGreaterThan(0);
    await expect(row.getByText("succeeded", { exact: true })).toBeVisible();
    const rto = row.getByRole("cell").nth(2);
    await expect(rto).toHaveText(DURATION);
    await expect(row.getByRole("progressbar")).toHaveCount(0);
    // Reached: the last replayed commit's time, in UTC.
    await expect(row.getByRole("cell").nth(3)).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$|^—$/);

    await row.getByRole("link", { name: id.slice(0, 8) }).click();
    await expect(page).toHaveURL(new RegExp(`/restores/${id}$`));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(`Restore drill ${id.slice(0, 8)}`);

    const steps = page.getByRole("list", { name: "Steps" });
    await expect(steps.getByRole("listitem")).toHaveCount(PITR_STEPS.length);
    for (const name of PITR_STEPS) {
      const step = steps.locator(`li[data-step="${name}"]`);
      await expect(step).toHaveAttribute("data-status", "succeeded");
      await expect(step.getByRole("img", { name: "succeeded" })).toBeVisible();
    }
    // A step's log opens from its row.
    await steps.locator('li[data-step="plan"] summary').click();
    await expect(page.getByLabel("Log of plan")).toBeVisible();
    await expect(page.getByLabel("Restore log")).toContainText("drill: verified; instance torn down");

    const summary = page.getByRole("region", { name: "Restore", exact: true });
    await expect(summary).toContainText("succeeded");
    await expect(summary).toContainText(/latest archived/);
    await expect(summary).toContainText(/RTO\s*\d/);
    await expect(page.getByRole("region", { name: "Restored instance" })).toContainText(
      "Torn down after the drill was verified",
    );
    await expect(page.getByRole("region", { name: "Reached" })).toContainText(/\d+\/[0-9A-F]+/);
    await expect(page.getByRole("region", { name: "Verification" })).toContainText(demo.primary.database);
    // Nothing to stop or tear down any more, and a drill's copy is gone: no table copy either.
    await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Tear down" })).toHaveCount(0);
    await expect(page.getByRole("form", { name: "Copy a table into the live database" })).toHaveCount(0);
    await operator.dispose();
  });

  test("a viewer reads restores and drills but has nothing to start, cancel or tear down", async ({
    page,
  }) => {
    test.setTimeout(BACKUP_TIMEOUT + WINDOW_TIMEOUT + DRILL_TIMEOUT + 60_000);
    const demo = readSandboxJson().clusters[0]!;
    const operator = await api("operator");
    const viewer = await api("viewer");
    await ensureRestorable(operator, demo.id);

    // A drill the viewer can watch while it is still queued or running, when an operator would see "Cancel".
    const started = await operator.post(`/api/v1/clusters/${demo.id}/drills`);
    expect(started.status(), await started.text()).toBe(202);
    const { id } = (await started.json()) as { id: string };

    await signIn(page, "viewer");
    await page.goto(`/restores/${id}`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(`Restore drill ${id.slice(0, 8)}`);
    await expect(page.getByRole("list", { name: "Steps" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
    // The page follows the drill to its end without a reload.
    await expect(
      page.getByRole("region", { name: "Restore", exact: true }).getByText("succeeded", { exact: true }),
    ).toBeVisible({
      timeout: DRILL_TIMEOUT,
    });
    await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Tear down" })).toHaveCount(0);
    await expect(page.getByRole("form", { name: "Copy a table into the live database" })).toHaveCount(0);

    // The restores list shows it, with its RTO, and offers a viewer no way to start one.
    await page.getByRole("navigation").getByRole("link", { name: "Restores" }).click();
    await expect(page).toHaveURL(/\/restores$/);
    await expect(page.getByRole("heading", { name: "Restores", level: 1 })).toBeVisible();
    const row = page.getByRole("table", { name: "Restores" }).locator(`tr[data-restore-id="${id}"]`);
    await expect(row).toBeVisible();
    await expect(row.getByRole("cell", { name: demo.name, exact: true })).toBeVisible();
    await expect(row.getByRole("cell", { name: "drill", exact: true })).toBeVisible();
    await expect(row.getByText(/^latest archived/)).toBeVisible();
    await expect(row.getByText("succeeded", { exact: true })).toBeVisible();
    await expect(row.getByRole("cell", { name: "removed", exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "Point-in-time restore" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Restore a logical backup" })).toHaveCount(0);

    // The cluster's drill card: history and schedule, but no "Run drill now" and no schedule editing.
    await page.goto(`/clusters/${demo.id}/restores`);
    const drills = page.getByRole("region", { name: "Restore drills" });
    await expect(drills.locator(`tr[data-restore-id="${id}"]`)).toBeVisible();
    await expect(drills.getByRole("button", { name: "Run drill now" })).toHaveCount(0);
    await expect(drills.getByRole("button", { name: "Edit schedule" })).toHaveCount(0);

    // The API says the same.
    const run = await viewer.post(`/api/v1/clusters/${demo.id}/drills`);
    expect(run.status()).toBe(403);
    const cancel = await viewer.post(`/api/v1/restores/${id}/cancel`);
    expect(cancel.status()).toBe(403);
    // The logical restore form is for operators: a viewer is sent back to the overview.
    await page.goto("/restores/logical");
    await expect(page).not.toHaveURL(/\/restores\/logical/);
    await operator.dispose();
    await viewer.dispose();
  });

  test("an operator restores a logical backup into a new database and copies a table back", async ({
    page,
  }) => {
    test.setTimeout(BACKUP_TIMEOUT + 2 * DRILL_TIMEOUT + 60_000);
    const demo = readSandboxJson().clusters[0]!;
    const operator = await api("operator");
    const backupId = await ensureLogicalBackup(operator, demo.id);

    await signIn(page, "operator");
    await page.goto("/restores");
    await page.getByRole("link", { name: "Restore a logical backup" }).click();
    await expect(page).toHaveURL(/\/restores\/logical$/);
    const form = page.getByRole("form", { name: "Restore a logical backup" });
    await expect(form.getByLabel("Cluster")).toHaveValue(demo.id);
    await form.getByLabel("Logical backup").selectOption(backupId);
    const database = form.getByLabel("New database name");
    await expect(database).toHaveValue(new RegExp(`^${demo.primary.database}_restored_\\d{8}_\\d{4}$`));
    const databaseName = await database.inputValue();

    // pg_restore -t takes plain names; a qualified one is refused before anything is sent.
    await form.getByLabel("Only these tables (optional)").fill("public.demo_events");
    await form.getByRole("button", { name: "Start restore" }).click();
    await expect(form.getByText(/pg_restore matches plain table names: write demo_events/)).toBeVisible();
    await form.getByLabel("Only these tables (optional)").fill("demo_events");
    await expect(
      form.locator("p", { hasText: /Creates the database .* then runs pg_restore -j 2/ }),
    ).toBeVisible();

    const [response] = await Promise.all([
      page.waitForResponse(
        (candidate) =>
          new URL(candidate.url()).pathname === "/api/v1/restores" && candidate.request().method() === "POST",
      ),
      form.getByRole("button", { name: "Start restore" }).click(),
    ]);
    expect(response.status(), await response.text()).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await expect(page).toHaveURL(new RegExp(`/restores/${id}$`));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(`Logical restore ${id.slice(0, 8)}`);
    const summary = page.getByRole("region", { name: "Restore", exact: true });
    await expect(summary.getByText(/^(succeeded|failed)$/)).toBeVisible({ timeout: DRILL_TIMEOUT });
    await expect(page.getByText("The restore failed")).toHaveCount(0);
    await expect(summary.getByText("succeeded", { exact: true })).toBeVisible();
    await expect(page.getByRole("region", { name: "Restored database" })).toContainText(databaseName);
    await expect(page.getByRole("table", { name: `Tables of ${databaseName}` })).toContainText(
      "public.demo_events",
    );

    // Copy the restored table back next to the live one, under the name the form proposes.
    const copy = page.getByRole("form", { name: "Copy a table into the live database" });
    await copy.getByLabel("Table", { exact: true }).fill("public.demo_events");
    const newName = copy.getByLabel("New table name", { exact: true });
    await expect(newName).toHaveValue(/^demo_events_restored_\d{8}_\d{4}$/);
    const name = await newName.inputValue();
    await expect(copy.getByLabel("Destination database")).toHaveValue(demo.primary.database);
    await copy.getByLabel("Type the new table name to confirm").fill("wrong");
    await copy.getByRole("button", { name: "Copy table" }).click();
    await expect(copy.getByText(`type ${name} to confirm`)).toBeVisible();
    await copy.getByLabel("Type the new table name to confirm").fill(name);
    const [copied] = await Promise.all([
      page.waitForResponse(
        (candidate) =>
          new URL(candidate.url()).pathname === "/api/v1/restores" && candidate.request().method() === "POST",
      ),
      copy.getByRole("button", { name: "Copy table" }).click(),
    ]);
    expect(copied.status(), await copied.text()).toBe(202);
    const { id: copyId } = (await copied.json()) as { id: string };
    await expect(page).toHaveURL(new RegExp(`/restores/${copyId}$`));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(`Table copy ${copyId.slice(0, 8)}`);
    await expect(
      page.getByRole("region", { name: "Restore", exact: true }).getByText(/^(succeeded|failed)$/),
    ).toBeVisible({ timeout: DRILL_TIMEOUT });
    await expect(page.getByText("The restore failed")).toHaveCount(0);
    const verification = page.getByRole("region", { name: "Verification" });
    await expect(verification).toContainText(`public.${name}`);
    await expect(verification.getByText("match", { exact: true })).toBeVisible();
    const stored = await getJson<{ verification: { rows: number; sourceRows: number } }>(
      operator,
      `/api/v1/restores/${copyId}`,
    );
    expect(stored.verification.rows).toBeGreaterThan(0);
    expect(stored.verification.rows).toBe(stored.verification.sourceRows);
    await operator.dispose();
  });

  test("an operator reads how to reach a restored instance, then tears it down by its name", async ({
    page,
  }) => {
    test.setTimeout(BACKUP_TIMEOUT + WINDOW_TIMEOUT + 2 * DRILL_TIMEOUT);
    const demo = readSandboxJson().clusters[0]!;
    const operator = await api("operator");
    await ensureRestorable(operator, demo.id);
    const started = await operator.post("/api/v1/restores", {
      data: { clusterId: demo.id, kind: "pitr", target: { type: "latest" }, ttlHours: 1 },
    });
    expect(started.status(), await started.text()).toBe(202);
    const { id } = (await started.json()) as { id: string };
    const name = `walden-restore-${id.slice(0, 8)}`;

    await signIn(page, "operator");
    await page.goto(`/restores/${id}`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(
      `Point-in-time restore ${id.slice(0, 8)}`,
    );
    const summary = page.getByRole("region", { name: "Restore", exact: true });
    await expect(summary.getByText(/^(succeeded|failed)$/)).toBeVisible({ timeout: DRILL_TIMEOUT });
    await expect(page.getByText("The restore failed")).toHaveCount(0);

    const instance = page.getByRole("region", { name: "Restored instance" });
    await expect(instance).toContainText(name);
    await expect(instance.getByText("running", { exact: true })).toBeVisible();
    await expect(instance.getByLabel("psql command")).toHaveText(
      new RegExp(`^psql -h 127\\.0\\.0\\.1 -p \\d+ -U \\S+ -d ${demo.primary.database}$`),
    );
    await instance.getByRole("button", { name: "Copy" }).click();
    await expect(instance.getByText(/^(Copied|Selected: press Ctrl\+C)$/)).toBeVisible();
    await expect(page.getByRole("region", { name: "Reached" })).toContainText(/\d+\/[0-9A-F]+/);
    // A running instance can lend a table back to the live database.
    await expect(page.getByRole("form", { name: "Copy a table into the live database" })).toBeVisible();

    await instance.getByRole("button", { name: "Tear down" }).click();
    const dialog = page.getByRole("dialog", { name: `Tear down ${name}?` });
    await expect(dialog).toBeVisible();
    const confirm = dialog.getByRole("button", { name: "Tear down" });
    await expect(confirm).toBeDisabled();
    await dialog.getByRole("textbox").fill(name.slice(0, -1));
    await expect(confirm).toBeDisabled();
    await dialog.getByRole("textbox").fill(name);
    await confirm.click();
    await expect(dialog).toBeHidden();
    await expect(instance).toContainText("Torn down", { timeout: 60_000 });
    await expect(instance.getByRole("button", { name: "Tear down" })).toHaveCount(0);
    await expect(page.getByRole("form", { name: "Copy a table into the live database" })).toHaveCount(0);
    const stored = await getJson<{ instanceState: string | null }>(operator, `/api/v1/restores/${id}`);
    expect(stored.instanceState).toBe("removed");
    await operator.dispose();
  });
});
