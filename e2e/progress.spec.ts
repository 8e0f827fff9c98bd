import pg from "pg";
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";
import { readSandboxJson, sandboxInfo } from "./sandbox";

// Progress bars are asserted while the job runs (issue 16). A physical backup of the demo
// primary, throttled with pg_basebackup's --max-rate (maxRateKbps) so it takes tens of seconds
// whatever the machine, shows a bar strictly between 0 and 100 at least once while running, then
// succeeds at 100. The worker writes progress with its heartbeat (every 5 s) and the backup's page
// polls every second, so the run gives several readings
// (measured: a rate aimed at 60 s of database size took about 15 s, so it aims at 120 s).

const TARGET_SECONDS = 120;

/** The demo primary's size in kB: what pg_basebackup copies (WAL aside). */
async function primaryKilobytes(): Promise<number> {
  const { cluster } = await sandboxInfo();
  const client = new pg.Client({
    host: "127.0.0.1",
    port: cluster.primary.port,
    user: cluster.primary.user,
    password: cluster.primary.password,
    database: cluster.primary.database,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ kb: string }>(
      "select (sum(pg_database_size(oid)) / 1024)::bigint as kb from pg_database",
    );
    return Number(rows[0]!.kb);
  } finally {
    await client.end();
  }
}

test("a running backup's progress bar moves between 0 and 100, then the backup succeeds at 100", async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const demo = readSandboxJson().clusters[0]!;
  const headers = { authorization: `Bearer ${readSandboxJson().tokens.operator}` };
  const maxRateKbps = Math.max(32, Math.ceil((await primaryKilobytes()) / TARGET_SECONDS));

  await signIn(page, "operator");
  const started = await request.post("/api/v1/backups", {
    headers,
    data: { clusterId: demo.id, kind: "physical", maxRateKbps, label: "e2e progress" },
  });
  expect(started.status()).toBe(202);
  const { id } = (await started.json()) as { id: string };
  // The backup's own page polls every second while it is queued or running.
  await page.goto(`/backups/${id}`);

  // Read the bar as the page shows it until the catalog says the backup is done; remember every value.
  const seen: number[] = [];
  const bar = page.getByRole("progressbar", { name: "Backup progress" });
  const deadline = Date.now() + 240_000;
  for (;;) {
    if ((await bar.count()) > 0) {
      const value = await bar
        .first()
        .getAttribute("aria-valuenow", { timeout: 1_000 })
        .catch(() => null);
      if (value !== null) seen.push(Number(value));
    }
    const answer = await request.get(`/api/v1/backups/${id}`, { headers });
    const { status } = (await answer.json()) as { status: string };
    if (status === "succeeded") break;
    if (status === "failed") throw new Error(`backup ${id} failed`);
    if (Date.now() > deadline)
      throw new Error(`backup ${id} still ${status}; bar values seen: ${seen.join(", ")}`);
    await page.waitForTimeout(500);
  }

  expect(
    seen.some((value) => value > 0 && value < 100),
    `bar values seen: ${seen.join(", ")}`,
  ).toBe(true);
  // Never backwards.
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  // Done: the page says so and the bar is gone; the catalog holds 100.
  await expect(page.getByText("succeeded", { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await expect(bar).toHaveCount(0, { timeout: 30_000 });
  const stored = await request.get(`/api/v1/backups/${id}`, { headers });
  expect(await stored.json()).toMatchObject({ status: "succeeded", progress: 100 });
});

// The restore's bar is read while the job runs, deterministically: the restore's own check query
// (run on the copy in step "verify", after replay) sleeps CHECK_SLEEP_SECONDS, so the job cannot
// end for that long after replay has moved the bar, whatever the machine's speed. The detail page
// polls every second or two; the loop reads it every half second.
const CHECK_SLEEP_SECONDS = 20;

test("a running restore's progress bar stands between 0 and 100 until the restore ends at 100", async ({
  page,
  request,
}) => {
  test.setTimeout(360_000);
  const demo = readSandboxJson().clusters[0]!;
  const headers = { authorization: `Bearer ${readSandboxJson().tokens.operator}` };
  const restoreOf = async (id: string) =>
    (await (await request.get(`/api/v1/restores/${id}`, { headers })).json()) as {
      status: string;
      progress: number | null;
      error: string | null;
      steps: { name: string; status: string }[];
      instance: { name?: string } | null;
    };

  // A physical backup (the demo's first, or the one the test above took) inside the window.
  await expect
    .poll(
      async () => {
        const window = await request.get(`/api/v1/clusters/${demo.id}/restore-window`, { headers });
        return window.status() === 200 ? ((await window.json()) as { latest: string | null }).latest : null;
      },
      { timeout: 180_000, intervals: [2_000] },
    )
    .not.toBeNull();

  await signIn(page, "operator");
  const started = await request.post("/api/v1/restores", {
    headers,
    data: {
      clusterId: demo.id,
      kind: "pitr",
      target: { type: "latest" },
      checkSql: `select pg_sleep(${CHECK_SLEEP_SECONDS})`,
      ttlHours: 1,
    },
  });
  expect(started.status(), await started.text()).toBe(202);
  const { id } = (await started.json()) as { id: string };
  try {
    await page.goto(`/restores/${id}`);
    const bar = page.getByRole("progressbar", { name: "Restore progress" });
    // Values read while the API said "running" both before and after the reading.
    const whileRunning: number[] = [];
    const deadline = Date.now() + 240_000;
    for (;;) {
      const before = await restoreOf(id);
      if (before.status === "succeeded") break;
      if (before.status === "failed" || before.status === "cancelled")
        throw new Error(`restore ${id} ${before.status}: ${before.error}`);
      const value = await bar.getAttribute("aria-valuenow", { timeout: 1_000 }).catch(() => null);
      const after = await restoreOf(id);
      if (value !== null && before.status === "running" && after.status === "running")
        whileRunning.push(Number(value));
      if (Date.now() > deadline)
        throw new Error(`restore ${id} still ${after.status}; bar values seen: ${whileRunning.join(", ")}`);
      await page.waitForTimeout(500);
    }

    expect(
      whileRunning.some((value) => value > 0 && value < 100),
      `bar values seen while running: ${whileRunning.join(", ")}`,
    ).toBe(true);
    expect(whileRunning).toEqual([...whileRunning].sort((a, b) => a - b));
    // Done: the summary says so, the bar is gone, the catalog holds 100.
    const summary = page.getByRole("region", { name: "Restore", exact: true });
    await expect(summary).toContainText("succeeded", { timeout: 30_000 });
    await expect(bar).toHaveCount(0);
    expect(await restoreOf(id)).toMatchObject({ status: "succeeded", progress: 100 });
  } finally {
    // The copy is torn down (its name is the typed confirmation) or the restore cancelled.
    const view = await restoreOf(id).catch(() => null);
    if (view?.status === "queued" || view?.status === "running")
      await request.post(`/api/v1/restores/${id}/cancel`, { headers });
    else if (view?.instance?.name)
      await request.post(`/api/v1/restores/${id}/teardown`, {
        headers,
        data: { confirm: view.instance.name },
      });
  }
});
