import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type APIRequestContext } from "@playwright/test";
import pg from "pg";
import { signIn } from "./helpers";
import { readSandboxJson, sandboxInfo } from "./sandbox";

// The alert journey of issue 6: an admin wires a webhook and a 5 MB lag rule; pausing replay on
// standby1 and writing ~10 MB on the primary makes it fire (on the page and at the webhook),
// resuming makes it resolve. The worker evaluates every 5 s and the page polls every 5 s.
const ALERT_TIMEOUT = 30_000;
const FILL_TABLE = "e2e_alert_fill";

interface Received {
  path: string;
  body: { text?: unknown; event?: unknown; alert?: { subject?: unknown } | null };
}

/** A webhook receiver on 127.0.0.1 with a port of the system's choosing; it keeps every JSON body. */
async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      try {
        received.push({
          path: request.url ?? "",
          body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Received["body"],
        });
        response.writeHead(200, { "content-type": "text/plain" }).end("ok");
      } catch {
        response.writeHead(400).end("not json");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/walden`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs SQL on a sandbox server as the primary's superuser (standbys share its roles). */
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

async function ports() {
  const { cluster } = await sandboxInfo();
  const standby = cluster.standbys.find((candidate) => candidate.name === "standby1");
  if (!standby) throw new Error("the sandbox has no standby1");
  return { primary: cluster.primary.port, standby1: standby.port };
}

function adminHeaders() {
  return { authorization: `Bearer ${readSandboxJson().tokens.admin}` };
}

/** Removes what the test created through the API, so later specs see the demo as it was. */
async function cleanUp(request: APIRequestContext, channelName: string) {
  const headers = adminHeaders();
  const channels = (await (await request.get("/api/v1/notification-channels", { headers })).json()) as {
    id: string;
    name: string;
  }[];
  const channel = channels.find((candidate) => candidate.name === channelName);
  if (!channel) return;
  const rules = (await (await request.get("/api/v1/alert-rules", { headers })).json()) as {
    id: string;
    channelIds: string[];
  }[];
  for (const rule of rules.filter((candidate) => candidate.channelIds.includes(channel.id))) {
    await request.delete(`/api/v1/alert-rules/${rule.id}`, { headers });
  }
  await request.delete(`/api/v1/notification-channels/${channel.id}`, { headers });
}

test.describe("alerts", () => {
  test("an admin's webhook gets a test, then the lag alert firing and resolving", async ({
    page,
    request,
  }) => {
    test.setTimeout(180_000);
    const receiver = await startReceiver();
    const channelName = `e2e receiver ${Date.now()}`;
    const { primary, standby1 } = await ports();
    const demo = readSandboxJson().clusters[0]!;

    try {
      await signIn(page, "admin");
      await page.goto("/alerts");
      await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();

      // A webhook channel pointing at the receiver, and a test notification through it.
      const channels = page.getByRole("region", { name: "Notification channels" });
      await channels.getByRole("button", { name: "New webhook" }).click();
      const channelForm = channels.getByRole("form", { name: "New webhook channel" });
      await channelForm.getByLabel("Name").fill(channelName);
      await channelForm.getByLabel("Webhook URL").fill(receiver.url);
      await channelForm.getByRole("button", { name: "Create channel" }).click();
      const channel = channels.getByRole("listitem", { name: `Channel ${channelName}` });
      await expect(channel).toContainText("127.0.0.1");
      await expect(channel).not.toContainText(receiver.url);

      await channel.getByRole("button", { name: "Send test notification" }).click();
      await expect(channel.getByText("Test notification delivered")).toBeVisible();
      await expect(channel.getByText("HTTP 200")).toBeVisible();
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.path).toBe("/hooks/walden");
      expect(typeof receiver.received[0]!.body.text).toBe("string");
      expect(receiver.received[0]!.body.text).toContain(channelName);

      await channel.getByRole("button", { name: "Deliveries" }).click();
      const deliveries = channel.getByRole("table", { name: "Recent deliveries" });
      await expect(deliveries.getByRole("row").nth(1)).toContainText("test");
      await expect(deliveries.getByRole("row").nth(1)).toContainText("delivered");

      // A replication_lag_bytes rule for the demo cluster: 5 MiB, at once, notifying the receiver.
      const rules = page.getByRole("region", { name: "Alert rules" });
      await rules.getByRole("button", { name: "New rule" }).click();
      const ruleForm = rules.getByRole("form", { name: "New alert rule" });
      await ruleForm.getByLabel("Cluster").selectOption({ label: demo.name });
      await ruleForm.getByLabel("Kind").selectOption("replication_lag_bytes");
      await ruleForm.getByLabel("Severity").selectOption("critical");
      await ruleForm.getByLabel("Threshold (MiB)").fill("5");
      await ruleForm.getByLabel("For (seconds)").fill("0");
      await ruleForm.getByLabel(channelName).check();
      await ruleForm.getByRole("button", { name: "Create rule" }).click();
      await expect(ruleForm).toHaveCount(0);
      const ruleRow = rules
        .getByRole("row", { name: `Replication lag (bytes) rule for ${demo.name}` })
        .filter({ hasText: channelName });
      await expect(ruleRow).toHaveCount(1);
      await expect(ruleRow).toContainText("critical");
      await expect(ruleRow).toContainText("5");

      // Replay stops on standby1 while ~10 MB of WAL arrives: the replay lag passes 5 MiB.
      await onServer(standby1, "select pg_wal_replay_pause()");
      await onServer(
        primary,
        `create table if not exists ${FILL_TABLE} (filler text);
         insert into ${FILL_TABLE} select md5(i::text) || repeat(md5((i * 7)::text), 30)
           from generate_series(1, 10000) as i`,
      );

      await page.goto("/");
      const firing = page
        .getByRole("region", { name: "Firing alerts" })
        .getByRole("listitem", { name: "Replication lag (bytes) alert" })
        .filter({ hasText: "standby1" })
        .filter({ hasText: "critical" });
      await expect(firing).toHaveCount(1, { timeout: ALERT_TIMEOUT });
      await expect(firing).toContainText("behind in replay");

      await expect
        .poll(
          () =>
            receiver.received.filter(
              ({ body }) =>
                body.event === "firing" &&
                typeof body.text === "string" &&
                body.text.includes("FIRING") &&
                body.text.includes("standby1"),
            ).length,
          { timeout: ALERT_TIMEOUT },
        )
        .toBe(1);

      // The cluster's page lists it too (filtered to that cluster).
      await page.goto(`/clusters/${demo.id}/alerts`);
      await expect(
        page
          .getByRole("region", { name: "Firing alerts" })
          .getByRole("listitem", { name: "Replication lag (bytes) alert" })
          .filter({ hasText: "standby1" })
          .filter({ hasText: "critical" }),
      ).toHaveCount(1);

      await page.goto("/alerts");
      const history = page.getByRole("region", { name: "Alert history" });
      const row = history.getByRole("row", { name: "Replication lag (bytes) standby1" }).filter({
        hasText: "critical",
      });
      await expect(row).toHaveCount(1);
      await expect(row).toContainText("firing");
      // Acknowledging marks it (someone is on it) without stopping the resolved notification.
      await row.getByRole("button", { name: "Acknowledge" }).click();
      await expect(row.getByText("acknowledged", { exact: true })).toBeVisible();
      await expect(row.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
      await expect(row.getByRole("button", { name: "Silence" })).toBeVisible();

      // Replay resumes: standby1 catches up, the alert resolves and the receiver hears so.
      await onServer(standby1, "select pg_wal_replay_resume()");
      await expect(row).toHaveCount(0, { timeout: ALERT_TIMEOUT });
      await expect
        .poll(
          () =>
            receiver.received.filter(
              ({ body }) =>
                body.event === "resolved" &&
                typeof body.text === "string" &&
                body.text.includes("RESOLVED") &&
                body.text.includes("standby1"),
            ).length,
          { timeout: ALERT_TIMEOUT },
        )
        .toBe(1);

      await history.getByRole("button", { name: "Resolved", exact: true }).click();
      const resolved = history
        .getByRole("row", { name: "Replication lag (bytes) standby1" })
        .filter({ hasText: "critical" })
        .first();
      await expect(resolved).toContainText("resolved");
      await expect(resolved.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);

      await page.goto("/");
      await expect(
        page
          .getByRole("region", { name: "Firing alerts" })
          .getByRole("listitem", { name: "Replication lag (bytes) alert" })
          .filter({ hasText: "standby1" }),
      ).toHaveCount(0);
    } finally {
      await onServer(standby1, "select pg_wal_replay_resume()").catch(() => {});
      await onServer(primary, `drop table if exists ${FILL_TABLE}`).catch(() => {});
      await cleanUp(request, channelName).catch(() => {});
      await receiver.close();
    }
  });

  test("a viewer sees the alerts but no editors and no buttons", async ({ page }) => {
    await signIn(page, "viewer");
    await page.goto("/alerts");
    await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();
    const history = page.getByRole("region", { name: "Alert history" });
    await expect(history).toBeVisible();
    await history.getByRole("button", { name: "All", exact: true }).click();
    await expect(history.getByText("Loading alerts…")).toHaveCount(0);

    await expect(page.getByRole("region", { name: "Alert rules" })).toHaveCount(0);
    await expect(page.getByRole("region", { name: "Notification channels" })).toHaveCount(0);
    for (const name of ["Acknowledge", "Silence", "New rule", "New webhook", "Send test notification"]) {
      await expect(page.getByRole("button", { name })).toHaveCount(0);
    }
    await expect(page.getByRole("link", { name: "Alerts", exact: true })).toBeVisible();
  });
});
