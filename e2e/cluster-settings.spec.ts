import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { signIn } from "./helpers";
import { readSandboxJson, sandboxInfo } from "./sandbox";

// The cluster page in tabs with their own URLs, and its Settings tab: an admin edits what was
// registered (the nodes, the sampling interval, the targets) and sees it stored through the
// API; a viewer reads the same settings without a way to change them.

const PHONE = { width: 390, height: 844 };

const tabs = [
  { name: "Replication", segment: "" },
  { name: "Backups", segment: "/backups" },
  { name: "Restores & drills", segment: "/restores" },
  { name: "Alerts", segment: "/alerts" },
  { name: "Settings", segment: "/settings" },
] as const;

/** Something only that tab shows: its page loaded, not just the header. */
function tabContent(page: Page, segment: (typeof tabs)[number]["segment"]) {
  switch (segment) {
    case "":
      return page.getByRole("group", { name: "Replication topology" });
    case "/backups":
      return page.getByRole("region", { name: "Backups", exact: true });
    case "/restores":
      return page.getByRole("region", { name: "Restore drills" });
    case "/alerts":
      return page.getByRole("region", { name: "Alert history" });
    case "/settings":
      return page.getByRole("region", { name: "Nodes", exact: true });
  }
}

const tabBar = (page: Page) => page.getByRole("navigation", { name: "Cluster sections" });

async function expectCurrentTab(page: Page, name: string) {
  await expect(tabBar(page).getByRole("link", { name, exact: true })).toHaveAttribute("aria-current", "page");
  await expect(tabBar(page).locator("[aria-current='page']")).toHaveCount(1);
}

function adminApi(request: APIRequestContext) {
  const headers = { authorization: `Bearer ${readSandboxJson().tokens.admin}` };
  return {
    get: (url: string) => request.get(url, { headers }),
    post: (url: string, data: unknown) => request.post(url, { headers, data }),
    delete: (url: string) => request.delete(url, { headers }),
  };
}

interface NodeJson {
  name: string;
  host: string;
  port: number;
  sslmode: string;
  hasPassword: boolean;
}
interface ClusterJson {
  id: string;
  name: string;
  sampleIntervalSeconds: number;
  rpoTargetSeconds: number;
  primary: NodeJson;
  standbys: NodeJson[];
}

test("each tab has its own URL that loads directly, and back and forward move between tabs", async ({
  page,
}) => {
  const demo = readSandboxJson().clusters[0]!;
  await signIn(page, "viewer");
  const base = `/clusters/${demo.id}`;

  for (const tab of tabs) {
    await test.step(`${base}${tab.segment}`, async () => {
      const response = await page.goto(`${base}${tab.segment}`);
      expect(response?.status()).toBe(200);
      await expect(page.getByRole("heading", { level: 1, name: demo.name })).toBeVisible();
      await expectCurrentTab(page, tab.name);
      await expect(tabContent(page, tab.segment)).toBeVisible();
    });
  }

  // /replication is the first tab's other name: an HTTP redirect, not a page that moves later.
  const hop = await page.request.get(`${base}/replication`, { maxRedirects: 0 });
  expect(hop.status()).toBe(307);
  expect(hop.headers()["location"]).toBe(base);
  await page.goto(`${base}/replication`);
  await expect(page).toHaveURL(new RegExp(`${base}$`));
  await expectCurrentTab(page, "Replication");

  // Clicking through the tabs, then back and forward through the history.
  await tabBar(page).getByRole("link", { name: "Backups" }).click();
  await expect(page).toHaveURL(new RegExp(`${base}/backups$`));
  await expect(tabContent(page, "/backups")).toBeVisible();
  // The keyboard reaches the tabs: focus one and press Enter.
  await tabBar(page).getByRole("link", { name: "Settings" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`${base}/settings$`));
  await expectCurrentTab(page, "Settings");
  await expect(tabContent(page, "/settings")).toBeVisible();

  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`${base}/backups$`));
  await expectCurrentTab(page, "Backups");
  await expect(tabContent(page, "/backups")).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`${base}$`));
  await expectCurrentTab(page, "Replication");
  await page.goForward();
  await expect(page).toHaveURL(new RegExp(`${base}/backups$`));
  await expectCurrentTab(page, "Backups");
  await page.reload();
  await expectCurrentTab(page, "Backups");
  await expect(tabContent(page, "/backups")).toBeVisible();
});

test("on a phone the tab bar scrolls sideways inside itself, never the page", async ({ page }) => {
  const demo = readSandboxJson().clusters[0]!;
  await signIn(page, "viewer");
  await page.setViewportSize(PHONE);
  await page.goto(`/clusters/${demo.id}/settings`);
  const current = tabBar(page).getByRole("link", { name: "Settings" });
  await expect(current).toHaveAttribute("aria-current", "page");
  // The current tab is scrolled into the bar's view.
  await expect(current).toBeInViewport({ ratio: 0.9 });
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(widths.page).toBeLessThanOrEqual(widths.viewport);
  for (const tab of tabs)
    await expect(tabBar(page).getByRole("link", { name: tab.name, exact: true })).toHaveCount(1);
});

test("an admin edits a standby, the sampling interval and the RPO target in the UI, and the API stores them", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const sandbox = await sandboxInfo();
  const primary = sandbox.cluster.primary;
  const standby = sandbox.cluster.standbys[0]!;
  const admin = adminApi(request);
  const name = `e2e-settings-${Date.now().toString(36)}`;
  const created = await admin.post("/api/v1/clusters", {
    name,
    primary: {
      host: primary.host,
      port: primary.port,
      user: primary.user,
      password: primary.password,
      database: primary.database,
    },
    standbys: [
      {
        name: "replica",
        host: standby.host,
        port: standby.port,
        user: primary.user,
        password: primary.password,
        database: primary.database,
      },
    ],
    defaults: false,
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as ClusterJson;
  const stored = async () => (await (await admin.get(`/api/v1/clusters/${id}`)).json()) as ClusterJson;

  try {
    await signIn(page, "admin");
    await page.goto(`/clusters/${id}/settings`);

    // The nodes: the standby's sslmode changes; its stored password stays (the box is left empty).
    const nodes = page.getByRole("region", { name: "Nodes", exact: true });
    await expect(nodes.getByRole("cell", { name: "replica", exact: true })).toBeVisible();
    await nodes.getByRole("button", { name: "Edit nodes" }).click();
    const form = page.getByRole("form", { name: "Edit nodes" });
    const replica = form.getByRole("group", { name: "Standby 1" });
    await expect(replica.getByLabel("Name", { exact: true })).toHaveValue("replica");
    await expect(replica.getByLabel("Password", { exact: true })).toHaveValue("");
    await expect(replica.getByText(/^Set\. Leave empty to keep it/)).toBeVisible();
    await replica.getByLabel("TLS (sslmode)").selectOption("disable");

    // Moving the standby to another port without its password is refused in the form, nothing sent.
    await replica.getByLabel("Port", { exact: true }).fill(String(standby.port + 1));
    await form.getByRole("button", { name: "Save nodes" }).click();
    await expect(replica.getByText(/give the password again/)).toBeVisible();
    expect((await stored()).standbys[0]).toMatchObject({ port: standby.port, sslmode: "prefer" });
    await replica.getByLabel("Port", { exact: true }).fill(String(standby.port));

    const [saved] = await Promise.all([
      page.waitForResponse(
        (response) =>
          new URL(response.url()).pathname === `/api/v1/clusters/${id}` &&
          response.request().method() === "PATCH",
      ),
      form.getByRole("button", { name: "Save nodes" }).click(),
    ]);
    expect(saved.status(), await saved.text()).toBe(200);
    await expect(form).toBeHidden();
    await expect(nodes.getByRole("status")).toHaveText("Saved.");
    await expect(nodes.getByRole("row", { name: /replica/ })).toContainText("disable");
    const afterNodes = await stored();
    expect(afterNodes.standbys).toHaveLength(1);
    expect(afterNodes.standbys[0]).toMatchObject({
      name: "replica",
      sslmode: "disable",
      hasPassword: true,
      port: standby.port,
    });
    expect(afterNodes.primary.hasPassword).toBe(true);

    // General: the sampling interval and the RPO target (asked in minutes, stored in seconds).
    const general = page.getByRole("region", { name: "General" });
    await general.getByRole("button", { name: "Edit", exact: true }).click();
    const generalForm = page.getByRole("form", { name: "Edit general settings" });
    await expect(generalForm.getByLabel("Sampling interval (seconds)")).toHaveValue("1");
    await generalForm.getByLabel("Sampling interval (seconds)").fill("5");
    await generalForm.getByLabel("RPO target (minutes)").fill("90");
    await generalForm.getByRole("button", { name: "Save settings" }).click();
    await expect(generalForm).toBeHidden();
    await expect(general).toContainText("every 5 seconds");
    await expect.poll(async () => (await stored()).sampleIntervalSeconds).toBe(5);
    expect((await stored()).rpoTargetSeconds).toBe(5400);

    // A value the API refuses comes back under its field.
    await general.getByRole("button", { name: "Edit", exact: true }).click();
    await generalForm.getByLabel("Sampling interval (seconds)").fill("61");
    await generalForm.getByRole("button", { name: "Save settings" }).click();
    await expect(generalForm.getByText(/from 1 to 60 seconds/)).toBeVisible();
    await generalForm.getByRole("button", { name: "Cancel" }).click();
    expect((await stored()).sampleIntervalSeconds).toBe(5);

    // Secrets never reach the page.
    expect(await page.content()).not.toContain(primary.password);
  } finally {
    const removed = await admin.delete(`/api/v1/clusters/${id}?confirm=${name}`);
    expect(removed.status()).toBeLessThan(300);
  }
});

test("a viewer sees the settings read-only", async ({ page }) => {
  const demo = readSandboxJson().clusters[0]!;
  await signIn(page, "viewer");
  await page.goto(`/clusters/${demo.id}/settings`);
  const nodes = page.getByRole("region", { name: "Nodes", exact: true });
  await expect(nodes.getByRole("cell", { name: demo.primary.host }).first()).toBeVisible();
  for (const standby of demo.standbys)
    await expect(nodes.getByRole("cell", { name: standby.name, exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: "General" })).toContainText("RPO target");
  await expect(page.getByRole("region", { name: "WAL archive" })).toContainText(demo.archiveDir);
  await expect(page.getByRole("button", { name: /^Edit/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete registration" })).toHaveCount(0);
});
