import { expect, test, type APIRequestContext, type Locator } from "@playwright/test";
import pg from "pg";
import { signIn } from "./helpers";
import { readSandboxJson, sandboxInfo } from "./sandbox";

// The sampler reads every second and the page polls every second: a change on a server must
// show within a couple of seconds, without a reload.
const LIVE_TIMEOUT = 5_000;

/**
 * Runs one statement on a sandbox server as the primary's superuser (standbys share its roles)
 * and returns the first column of its first row.
 */
async function onServer(port: number, sql: string): Promise<unknown> {
  const { cluster } = await sandboxInfo();
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: cluster.primary.user,
    password: cluster.primary.password,
    database: cluster.primary.database,
  });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>(sql);
    return Object.values(rows[0] ?? {})[0];
  } finally {
    await client.end();
  }
}

// Each batch writes about 2 MB of WAL (2,000 rows of 1 KiB, under the TOAST threshold, so not
// compressed); the lag must climb by at least half of it, far above the demo workload's trickle.
const WAL_BATCH_RISE_BYTES = 1_000_000;
const WAL_SCRATCH_TABLE = "walden_e2e_lag_scratch";
async function writeWalBatch(primaryPort: number): Promise<void> {
  await onServer(primaryPort, `create table if not exists ${WAL_SCRATCH_TABLE} (payload text)`);
  await onServer(
    primaryPort,
    `insert into ${WAL_SCRATCH_TABLE} select repeat(md5(n::text), 32) from generate_series(1, 2000) as n`,
  );
}

/** standby1's newest replay lag in bytes as GET …/lag returns it (what the chart reads); null before a sample. */
async function apiLatestLag(request: APIRequestContext, clusterId: string): Promise<number | null> {
  const to = new Date();
  const from = new Date(to.getTime() - 5 * 60_000);
  const query = new URLSearchParams({ standby: "standby1", from: from.toISOString(), to: to.toISOString() });
  const response = await request.get(`/api/v1/clusters/${clusterId}/lag?${query}`, {
    headers: { authorization: `Bearer ${readSandboxJson().tokens.viewer}` },
  });
  expect(response.status()).toBe(200);
  const series = (await response.json()) as { points: { t: string; replayBytes: number | null }[] };
  const latest = series.points
    .filter((point) => point.replayBytes !== null)
    .sort((a, b) => Date.parse(a.t) - Date.parse(b.t))
    .at(-1);
  return latest?.replayBytes ?? null;
}

/** The newest value the lag chart plots (its data-latest-value); null while it plots none. */
async function plottedLatestLag(chart: Locator): Promise<number | null> {
  const value = await chart.getAttribute("data-latest-value");
  return value ? Number(value) : null;
}

async function standby1Port(): Promise<number> {
  const { cluster } = await sandboxInfo();
  const standby = cluster.standbys.find((candidate) => candidate.name === "standby1");
  if (!standby) throw new Error("the sandbox has no standby1");
  return standby.port;
}

test.describe("live replication monitoring", () => {
  // Whatever happens in a test, standby1 must not stay paused for the next one.
  test.afterEach(async () => {
    await onServer(await standby1Port(), "select pg_wal_replay_resume()");
    const { cluster } = await sandboxInfo();
    await onServer(cluster.primary.port, `drop table if exists ${WAL_SCRATCH_TABLE}`);
  });

  test("a viewer sees the lag chart and the topology of the demo cluster", async ({ page }) => {
    await signIn(page, "viewer");
    const demo = readSandboxJson().clusters[0]!;
    await page.goto(`/clusters/${demo.id}`);
    await expect(page.getByRole("heading", { name: demo.name })).toBeVisible();

    await expect(page.locator("svg.recharts-surface").first()).toBeVisible();
    const topology = page.getByRole("group", { name: "Replication topology" });
    await expect(topology.getByLabel("Standby standby1 in the topology")).toBeVisible();
    await expect(topology.getByLabel("Standby standby2 in the topology")).toContainText(
      "cascading standby of standby1",
    );
    for (const name of ["standby1", "standby2"]) {
      const card = page.getByRole("region", { name: `Standby ${name}`, exact: true });
      await expect(card.getByText("streaming", { exact: true })).toBeVisible();
    }
  });

  test("pausing replay on standby1 shows as paused, and resuming as streaming, without a reload", async ({
    page,
  }) => {
    const port = await standby1Port();
    await signIn(page, "viewer");
    const demo = readSandboxJson().clusters[0]!;
    await page.goto(`/clusters/${demo.id}`);
    const card = page.getByRole("region", { name: "Standby standby1", exact: true });
    await expect(card.getByText("streaming", { exact: true })).toBeVisible();

    // A reload would reset this marker; a live update keeps it.
    await page.evaluate(() => {
      (window as unknown as { walden_e2e_marker?: boolean }).walden_e2e_marker = true;
    });

    await onServer(port, "select pg_wal_replay_pause()");
    await expect(card.getByText("paused", { exact: true })).toBeVisible({ timeout: LIVE_TIMEOUT });
    await expect(card.getByText("streaming", { exact: true })).toHaveCount(0);

    await onServer(port, "select pg_wal_replay_resume()");
    await expect(card.getByText("streaming", { exact: true })).toBeVisible({ timeout: LIVE_TIMEOUT });
    await expect(card.getByText("paused", { exact: true })).toHaveCount(0);

    const marker = await page.evaluate(
      () => (window as unknown as { walden_e2e_marker?: boolean }).walden_e2e_marker,
    );
    expect(marker).toBe(true);
  });

  test("the lag chart and its API rise while standby1's replay is paused and fall after it resumes", async ({
    page,
    request,
  }) => {
    // Deadlines, not sleeps: the sampler reads every second and the chart refetches every 2 s,
    // but a busy machine may take longer, and a fast one must not pass on a stale value.
    test.setTimeout(180_000);
    const settle = { timeout: 45_000, intervals: [500, 1_000] };
    const port = await standby1Port();
    const { cluster } = await sandboxInfo();
    const demo = readSandboxJson().clusters[0]!;
    await signIn(page, "viewer");
    await page.goto(`/clusters/${demo.id}`);
    await page.locator("#lag-standby").selectOption("standby1");
    const chart = page.locator("[data-lag-chart='bytes']");
    await expect(chart.locator("svg.recharts-surface")).toBeVisible();

    await expect.poll(() => apiLatestLag(request, demo.id), settle).not.toBeNull();
    await expect.poll(() => plottedLatestLag(chart), settle).not.toBeNull();
    const before = Math.max((await apiLatestLag(request, demo.id))!, (await plottedLatestLag(chart))!);

    await onServer(port, "select pg_wal_replay_pause()");
    await expect.poll(() => onServer(port, "select pg_is_wal_replay_paused()"), settle).toBe(true);

    // Each batch of WAL the primary writes stays unreplayed: both readings climb past it, twice.
    let floor = before;
    for (const batch of [1, 2]) {
      await writeWalBatch(cluster.primary.port);
      const target = floor + WAL_BATCH_RISE_BYTES;
      await expect
        .poll(() => apiLatestLag(request, demo.id), { ...settle, message: `API lag after batch ${batch}` })
        .toBeGreaterThanOrEqual(target);
      await expect
        .poll(() => plottedLatestLag(chart), { ...settle, message: `plotted lag after batch ${batch}` })
        .toBeGreaterThanOrEqual(target);
      floor = target;
    }
    const peak = floor;

    await onServer(port, "select pg_wal_replay_resume()");
    // Replay catches up: the lag drops back to the workload's trickle, far under the peak.
    await expect
      .poll(() => apiLatestLag(request, demo.id), { ...settle, message: "API lag after resume" })
      .toBeLessThan(peak / 10);
    await expect
      .poll(() => plottedLatestLag(chart), { ...settle, message: "plotted lag after resume" })
      .toBeLessThan(peak / 10);
  });
});
