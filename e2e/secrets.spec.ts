import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { loginFor } from "./helpers";
import { e2eHome, readSandboxJson } from "./sandbox";

// No secret in any page payload (issue 7): as an admin, every console page is opened and every
// response the browser receives (HTML with its inline RSC payload, client-navigation RSC
// payloads, the API calls the live views make) is searched for the demo's secrets, in clear and
// in the catalog's encrypted or hashed form.

interface Credentials {
  catalogPassword: string;
  primaryPassword: string;
  replicatorPassword: string;
}

const run = Date.now().toString(36);
const channelSecret = `chan-secret-${run}-Zq7`;
const channelUrl = `https://hooks.example.com/services/${channelSecret}`;

/** Every distinctive secret of this demo, keyed by what it is (the name is what a failure shows). */
async function demoSecrets(createdToken: string): Promise<Record<string, string>> {
  const sandbox = readSandboxJson();
  const credentials = JSON.parse(
    fs.readFileSync(path.join(e2eHome, "credentials.json"), "utf8"),
  ) as Credentials;
  const secrets: Record<string, string> = {
    WALDEN_SECRET: fs.readFileSync(path.join(e2eHome, "secret"), "utf8").trim(),
    "catalog password": credentials.catalogPassword,
    "cluster node password": credentials.primaryPassword,
    "replication password": credentials.replicatorPassword,
    "webhook URL secret": channelSecret,
    "created API token": createdToken,
  };
  for (const [role, token] of Object.entries(sandbox.tokens)) secrets[`${role} API token`] = token;
  for (const user of sandbox.users) secrets[`${user.role} password`] = user.password;

  // The stored forms: encrypted passwords and channel URLs, token and password hashes.
  const client = new pg.Client({
    host: sandbox.catalog.host,
    port: sandbox.catalog.port,
    database: sandbox.catalog.database,
    user: sandbox.catalog.user,
    password: credentials.catalogPassword,
  });
  await client.connect();
  try {
    const stored = await client.query<{ what: string; value: string }>(`
      select 'encrypted node password ' || name as what, password_encrypted as value from nodes
        where password_encrypted is not null
      union all select 'encrypted channel target ' || name, secret_encrypted from notification_channels
      union all select 'token hash ' || name, token_hash from api_tokens
      union all select 'password hash ' || email, password_hash from users`);
    for (const row of stored.rows) secrets[row.what] = row.value;
  } finally {
    await client.end();
  }
  for (const [what, value] of Object.entries(secrets)) {
    // A short value would match by chance and prove nothing.
    expect(value.length, `${what} is too short to search for`).toBeGreaterThanOrEqual(12);
  }
  return secrets;
}

/** Records the body of every response the page receives until `stop` is called. */
function recordResponses(page: Page) {
  const bodies: Promise<{ url: string; body: string }>[] = [];
  page.on("response", (response) => {
    const status = response.status();
    if (status >= 300 && status < 400) return;
    bodies.push(
      response
        .text()
        .then((body) => ({ url: response.url(), body }))
        .catch(() => ({ url: response.url(), body: "" })),
    );
  });
  return () => Promise.all(bodies);
}

test("no console page, RSC payload or API response shown to an admin carries a secret", async ({
  page,
  request,
}) => {
  // About 35 s on an idle two-core machine; 18 server-rendered pages need the margin on a busy one.
  test.setTimeout(90_000);
  const sandbox = readSandboxJson();
  const headers = { authorization: `Bearer ${sandbox.tokens.admin}` };
  const demo = sandbox.clusters[0]!;

  const channel = await request.post("/api/v1/notification-channels", {
    headers,
    data: { kind: "webhook", name: `secret-hook-${run}`, url: channelUrl },
  });
  expect(channel.status()).toBe(201);
  const channelId = ((await channel.json()) as { id: string }).id;
  const token = await request.post("/api/v1/tokens", {
    headers,
    data: { name: `secret-sweep-${run}`, role: "viewer" },
  });
  expect(token.status()).toBe(201);
  const created = (await token.json()) as { id: string; token: string };

  try {
    const secrets = await demoSecrets(created.token);
    const backups = (await (
      await request.get(`/api/v1/backups?clusterId=${demo.id}`, { headers })
    ).json()) as {
      id: string;
      kind: string;
    }[];
    const restores = (await (await request.get("/api/v1/restores", { headers })).json()) as { id: string }[];
    const physical = backups.find((backup) => backup.kind === "physical");
    const month = new Date().toISOString().slice(0, 7);
    const pages = [
      "/",
      "/clusters",
      "/clusters/new",
      `/clusters/${demo.id}`,
      `/clusters/${demo.id}/settings`,
      "/backups",
      ...(backups[0] ? [`/backups/${backups[0].id}`] : []),
      ...(physical ? [`/backups/${physical.id}/runbook`] : []),
      "/restores",
      "/restores/new",
      "/restores/logical",
      ...(restores[0] ? [`/restores/${restores[0].id}`] : []),
      "/alerts",
      "/reports",
      `/reports/${month}`,
      "/settings",
      "/settings/tokens",
      "/settings/users",
      "/settings/audit",
    ];
    // The demo takes a first base backup: the backup and runbook pages must be among those read.
    expect(physical, "the demo has a physical backup").toBeTruthy();

    // Signed in through the API (the login form has its own spec): the cookie lands in the browser.
    const login = await page.request.post("/api/v1/auth/login", {
      data: { email: loginFor("admin").email, password: loginFor("admin").password },
    });
    expect(login.status()).toBe(200);
    const stop = recordResponses(page);
    for (const url of pages) {
      const response = await page.goto(url);
      expect(response?.status(), url).toBe(200);
      expect(new URL(page.url()).pathname, "still signed in").toBe(url);
      // Let the live views make their first API calls.
      await page.waitForTimeout(300);
    }
    // What a client-side navigation fetches: the RSC payload of each page.
    const rsc = await Promise.all(
      pages.map(async (url) => {
        const response = await page.request.get(url, { headers: { RSC: "1" } });
        expect(response.status(), `RSC ${url}`).toBe(200);
        return { url: `RSC ${url}`, body: await response.text() };
      }),
    );
    const received = [...(await stop()), ...rsc];

    // The recording is real: the channel page and the tokens page did show what they may.
    const everything = received.map((entry) => entry.body).join("\n");
    expect(everything).toContain(`secret-hook-${run}`);
    expect(everything).toContain("hooks.example.com");
    expect(everything).toContain(`secret-sweep-${run}`);
    expect(received.filter((entry) => entry.url.includes("/api/v1/")).length).toBeGreaterThan(0);

    const leaks = received.flatMap(({ url, body }) =>
      Object.entries(secrets)
        .filter(([, value]) => body.includes(value))
        .map(([what]) => `${what} in ${url}`),
    );
    expect(leaks).toEqual([]);

    // And the demo's PostgreSQL servers logged none of it either (connections, errors, statements).
    const logDir = path.join(e2eHome, "logs");
    const serverLogs = fs.readdirSync(logDir).filter((file) => file.endsWith(".log"));
    expect(serverLogs.length).toBeGreaterThanOrEqual(4);
    const logLeaks = serverLogs.flatMap((file) => {
      const text = fs.readFileSync(path.join(logDir, file), "utf8");
      return Object.entries(secrets)
        .filter(([, value]) => text.includes(value))
        .map(([what]) => `${what} in ${file}`);
    });
    expect(logLeaks).toEqual([]);
  } finally {
    await request.delete(`/api/v1/notification-channels/${channelId}`, { headers });
    await request.delete(`/api/v1/tokens/${created.id}`, { headers });
  }
});
