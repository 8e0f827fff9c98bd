import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import pg from "pg";
import { signIn } from "./helpers";
import { readSandboxJson, sandboxInfo } from "./sandbox";

// The on-call journey: a table is dropped by mistake; an operator restores the cluster as it
// was a moment before the DROP from the PITR form (a time in UTC, to the second), watches the
// restore finish, and finds the table with its rows in the restored instance.

const ROWS = 50;
const BACKUP_TIMEOUT = 120_000;
const WINDOW_TIMEOUT = 150_000;
const RESTORE_TIMEOUT = 180_000;

interface BackupRow {
  id: string;
  kind: string;
  status: string;
}

interface WindowAnswer {
  earliest: string | null;
  latest: string | null;
  computedAt: string;
}

interface RestoreAnswer {
  id: string;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  error: string | null;
  instance: { host: string; port: number; database: string; user?: string; name?: string } | null;
}

async function operatorApi(): Promise<APIRequestContext> {
  const sandbox = readSandboxJson();
  return playwrightRequest.newContext({
    baseURL: sandbox.url,
    extraHTTPHeaders: { authorization: `Bearer ${sandbox.tokens.operator}` },
  });
}

async function getJson<T>(api: APIRequestContext, path: string): Promise<T> {
  const response = await api.get(path);
  expect(response.status(), `GET ${path}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

/** A succeeded physical backup of the demo cluster: the demo's first, or one requested now. */
async function ensurePhysicalBackup(api: APIRequestContext, clusterId: string): Promise<void> {
  const list = await getJson<BackupRow[]>(api, `/api/v1/backups?clusterId=${clusterId}&kind=physical`);
  if (list.some((backup) => backup.status === "succeeded")) return;
  let pending = list.find((backup) => backup.status === "queued" || backup.status === "running");
  if (!pending) {
    const response = await api.post("/api/v1/backups", { data: { clusterId, kind: "physical" } });
    expect(response.status()).toBe(202);
    pending = (await response.json()) as BackupRow;
  }
  const id = pending.id;
  await expect
    .poll(async () => (await getJson<BackupRow>(api, `/api/v1/backups/${id}`)).status, {
      timeout: BACKUP_TIMEOUT,
      intervals: [2_000],
    })
    .toBe("succeeded");
}

async function primaryClient(): Promise<{ client: pg.Client }> {
  const { cluster } = await sandboxInfo();
  const client = new pg.Client({
    host: "127.0.0.1",
    port: cluster.primary.port,
    user: cluster.primary.user,
    password: cluster.primary.password,
    database: cluster.primary.database,
  });
  await client.connect();
  return { client };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function onPrimary<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const { client } = await primaryClient();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The primary's clock (the machine's), in ms. */
async function serverNow(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ t: Date }>("select clock_timestamp() as t");
  return rows[0]!.t.getTime();
}

/**
 * Polls the stored restore window (the worker rescans the archive every minute) until `done`.
 * Every 20 s a commit and a WAL switch make sure the newest commits reach the archive.
 */
async function waitForWindow(
  api: APIRequestContext,
  clusterId: string,
  done: (window: WindowAnswer) => boolean,
  message: string,
): Promise<WindowAnswer> {
  const deadline = Date.now() + WINDOW_TIMEOUT;
  let last: WindowAnswer | null = null;
  for (let round = 0; Date.now() < deadline; round += 1) {
    const response = await api.get(`/api/v1/clusters/${clusterId}/restore-window`);
    if (response.status() === 200) {
      last = (await response.json()) as WindowAnswer;
      if (last.earliest && done(last)) return last;
    }
    if (round % 4 === 0) {
      await onPrimary(async (client) => {
        await client.query("select txid_current()");
        await client.query("select pg_switch_wal()");
      });
    }
    await sleep(5_000);
  }
  throw new Error(`${message}; last window: ${JSON.stringify(last)}`);
}

/** "2026-11-26T14:52:07" for a datetime-local input showing UTC. */
const utcWallTime = (ms: number) => new Date(ms).toISOString().slice(0, 19);

test.describe("point-in-time restore", () => {
  test("an operator restores the demo cluster to just before a DROP TABLE and finds the rows", async ({
    page,
  }) => {
    test.setTimeout(600_000);
    const demo = readSandboxJson().clusters[0]!;
    const api = await operatorApi();
    let restoreId: string | null = null;
    const table = `e2e_drop_${Date.now().toString(36)}`;

    try {
      await ensurePhysicalBackup(api, demo.id);

      // The mistake: a table with rows, which the worker sees once (its archive scan each minute
      // records table names, so the event finder can name the table after it is gone), then DROP TABLE.
      const createdAt = await onPrimary(async (client) => {
        await client.query(`create table ${table} (id int primary key, note text)`);
        await client.query(`insert into ${table} select g, 'row ' || g from generate_series(1, ${ROWS}) g`);
        // Autocommit: both statements have committed once clock_timestamp() answers.
        return serverNow(client);
      });
      await waitForWindow(
        api,
        demo.id,
        (window) => Date.parse(window.computedAt) > createdAt + 1_000,
        "the worker never rescanned the archive after the table was created",
      );
      await sleep(3_000);
      const droppedAt = await onPrimary(async (client) => {
        await client.query(`drop table ${table}`);
        const at = await serverNow(client);
        await client.query("select pg_switch_wal()");
        return at;
      });
      // Whole seconds after the rows committed and well before the DROP.
      const target = Math.ceil((createdAt + 1) / 1000) * 1000;
      expect(target).toBeLessThan(droppedAt - 500);

      // Wait until the window reaches past the DROP (a commit after it must be archived and scanned).
      const window = await waitForWindow(
        api,
        demo.id,
        (answer) => answer.latest !== null && Date.parse(answer.latest) > droppedAt,
        "the restorable window never reached past the DROP",
      );
      expect(Date.parse(window.earliest!)).toBeLessThan(target);

      // The form, as a person fills it.
      await signIn(page, "operator");
      await page.goto("/restores");
      await page.getByRole("link", { name: "Point-in-time restore" }).click();
      await expect(page).toHaveURL(/\/restores\/new$/);
      await expect(page.getByRole("heading", { name: "Point-in-time restore", level: 1 })).toBeVisible();

      const form = page.getByRole("form", { name: "Point-in-time restore" });
      await form.getByLabel("Cluster", { exact: true }).selectOption(demo.id);
      await expect(form.getByRole("img", { name: /Restorable window: restorable from/ })).toBeVisible();
      const plan = page.getByRole("region", { name: "Plan", exact: true });

      // The event finder names the DROP; "Restore to just before" makes it the target.
      const finder = page.getByRole("form", { name: "Event finder" });
      await finder.getByLabel("Table").fill(table);
      await finder.getByRole("button", { name: "Find events" }).click();
      const found = finder.getByRole("list", { name: "Found events" }).getByRole("listitem").filter({
        hasText: "DROP",
      });
      await expect(found).toHaveCount(1, { timeout: 90_000 });
      const xid = /transaction (\d+)/.exec((await found.textContent()) ?? "")?.[1];
      expect(xid).toBeTruthy();
      await found.getByRole("button", { name: `Restore to just before transaction ${xid}` }).click();
      await expect(form.getByRole("radio", { name: "Just before a transaction (xid)" })).toBeChecked();
      await expect(form.getByLabel("Transaction id")).toHaveValue(xid!);
      await expect(form.getByRole("checkbox", { name: "Inclusive" })).not.toBeChecked();
      await expect(form.getByRole("img", { name: /1 found event; target / })).toBeVisible();
      await expect(plan).toContainText(`just before transaction ${xid}`, { timeout: 30_000 });

      // The restore itself goes to a time, in UTC, to the second.
      await form.getByRole("radio", { name: "A point in time" }).check();
      await form.getByLabel("Time zone").selectOption("UTC");
      const timeInput = form.getByLabel("Date and time");
      await timeInput.fill(utcWallTime(target));
      await expect(timeInput).toHaveAttribute("step", "1");
      await expect(timeInput).toHaveAttribute("max", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      const targetIso = `${utcWallTime(target)}Z`;
      await expect(form.getByLabel("Target in UTC")).toHaveText(targetIso);
      await expect(form.getByRole("checkbox", { name: "Inclusive" })).toBeChecked();
      await expect(form.getByRole("radio", { name: "Promote" })).toBeChecked();

      // The plan, checked by the worker against the archive.
      await expect(plan.getByText("checked by the worker against the archive")).toBeVisible({
        timeout: 30_000,
      });
      await expect(plan).toContainText("Restore backup");
      await expect(plan).toContainText(`${utcWallTime(target)}.000Z (UTC)`);
      await expect(plan).toContainText(/WAL to replay\s*up to \d/);

      // Review: the exact target in UTC, then start.
      await form.getByRole("button", { name: "Review restore" }).click();
      const dialog = page.getByRole("dialog", { name: "Review restore" });
      await expect(dialog).toBeVisible();
      await expect(dialog).toContainText(targetIso);
      await expect(dialog).toContainText("Up to and including");
      await expect(dialog).toContainText(demo.name);
      await expect(dialog).toContainText("Promote");
      await expect(dialog).toContainText("kept for 24 hours");

      const [response] = await Promise.all([
        page.waitForResponse(
          (candidate) =>
            new URL(candidate.url()).pathname === "/api/v1/restores" &&
            candidate.request().method() === "POST",
        ),
        dialog.getByRole("button", { name: "Start restore" }).click(),
      ]);
      const started = (await response.json()) as { id: string; status: string };
      expect(response.status(), JSON.stringify(started)).toBe(202);
      restoreId = started.id;
      expect(started.status).toBe("queued");
      await expect(page).toHaveURL(new RegExp(`/restores/${restoreId}$`));

      // The detail page follows the restore; the API says when it is done (and why not, if it fails).
      const id = restoreId;
      await expect
        .poll(
          async () => {
            const view = await getJson<RestoreAnswer>(api, `/api/v1/restores/${id}`);
            return view.status === "failed" ? `failed: ${view.error}` : view.status;
          },
          { timeout: RESTORE_TIMEOUT, intervals: [2_000] },
        )
        .toBe("succeeded");
      await expect(page.getByRole("region", { name: "Restore", exact: true })).toContainText("succeeded", {
        timeout: 15_000,
      });

      // The restored instance has the table, with every row: it was restored to before the DROP.
      const view = await getJson<RestoreAnswer>(api, `/api/v1/restores/${id}`);
      expect(view.instance).not.toBeNull();
      // The restored instance keeps the cluster's roles: the registered role logs in with its password.
      const { cluster } = await sandboxInfo();
      const restored = new pg.Client({
        host: "127.0.0.1",
        port: view.instance!.port,
        user: view.instance!.user ?? cluster.primary.user,
        password: cluster.primary.password,
        database: view.instance!.database,
      });
      await restored.connect();
      try {
        const rows = await restored.query(`select count(*)::int as n, max(note) as last from ${table}`);
        expect(rows.rows[0]).toEqual({ n: ROWS, last: "row 9" });
      } finally {
        await restored.end();
      }
    } finally {
      if (restoreId) {
        // Tear the instance down so it does not linger (its name is the typed confirmation).
        const view = await getJson<RestoreAnswer>(api, `/api/v1/restores/${restoreId}`).catch(() => null);
        if (view?.instance?.name && view.status !== "queued" && view.status !== "running") {
          const teardown = await api.post(`/api/v1/restores/${restoreId}/teardown`, {
            data: { confirm: view.instance.name },
          });
          expect(teardown.status(), await teardown.text()).toBe(202);
        } else if (view && (view.status === "queued" || view.status === "running")) {
          await api.post(`/api/v1/restores/${restoreId}/cancel`);
        }
      }
      await api.dispose();
    }
  });

  test("a viewer cannot open the restore form", async ({ page }) => {
    await signIn(page, "viewer");
    await page.goto("/restores/new");
    await expect(page).not.toHaveURL(/\/restores\/new/);
    await expect(page.getByRole("form", { name: "Point-in-time restore" })).toHaveCount(0);
  });
});
