import { expect, test } from "@playwright/test";
import pg from "pg";
import { signIn } from "./helpers";
import { readSandboxJson, sandboxInfo } from "./sandbox";

// The sampler reads every second and the page polls every second: a change on a server must
// show within a couple of seconds, without a reload.
const LIVE_TIMEOUT = 5_000;

/** Runs one statement on a sandbox server as the primary's superuser (standbys share its roles). */
async function onServer(port: number, sql: string): Promise<void> {
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
    await client.query(sql);
  } finally {
    await client.end();
  }
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
});
