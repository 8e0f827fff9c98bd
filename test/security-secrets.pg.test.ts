import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as metricsRoute from "@/app/metrics/route";
import * as oidcSettingsRoute from "@/app/api/v1/auth/oidc/settings/route";
import * as channelTestRoute from "@/app/api/v1/notification-channels/[id]/test/route";
import * as channelsRoute from "@/app/api/v1/notification-channels/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import * as offsiteRoute from "@/app/api/v1/clusters/[id]/repositories/offsite/route";
import * as repositoriesRoute from "@/app/api/v1/clusters/[id]/repositories/route";
import * as backupsRoute from "@/app/api/v1/backups/route";
import * as restoresRoute from "@/app/api/v1/restores/route";
import * as tokensRoute from "@/app/api/v1/tokens/route";
import * as usersRoute from "@/app/api/v1/users/route";
import { runBackup } from "@/lib/backup/run";
import { sha256Hex } from "@/lib/crypto";
import { db } from "@/lib/db";
import { ensureQueues } from "@/lib/queue/boss";
import { jobSender } from "@/lib/queue/sender";
import { SamplerFleet } from "@/lib/worker/sampler";
import { getReplicationSnapshot } from "@/lib/replication/queries";
import { refreshRestoreWindow } from "@/lib/wal/refresh-window";
import { parsePayload } from "@/lib/queue/queues";
import { findTableEvents } from "@/lib/restore/events/find-events";
import { tableEventsQuerySchema } from "@/lib/schemas/restore";
import { call, makeUser, type TestUser } from "@/test/api-client";
import { withSandboxPrimary } from "@/test/sandbox-cluster";

// Issue 7's sweep, second part: no secret in any API response, log line or child argv.
// A cluster is registered through the API with a role and password of its own and an offsite
// repository with a secret access key, a webhook channel with a token in its URL, an API token
// and a user; then every GET handler under
// app/api/v1 (found on disk, with real ids) is read as admin, and a physical and a logical
// backup run while every process's argv is sampled.

const run = Date.now().toString(36);
const sandbox = inject("sandbox");
const apiRoot = path.resolve("app/api/v1");
const standby = sandbox.cluster.standbys[0]!;
const role = `walden_sec_${run}`;
const nodePassword = `NodePw-${run}-q7Zx!k`;
const hookSecret = `HookTok-${run}-9fJw`;
const userPassword = `UserPw-${run}-horse-battery`;
const oidcClientSecret = `OidcSecret-${run}-m4Qp`;
const offsiteSecret = `OffsiteSecret-${run}-Vb8r`;
// A closed port: the test delivery fails at once, and its error is one more place to look.
const hookUrl = `http://127.0.0.1:9/services/T0/B0/${hookSecret}`;

let admin: TestUser;
let clusterId: string;
let channelId: string;
let restoreId: string;
const backupIds: Record<"physical" | "logical", string> = { physical: "", logical: "" };
/** What must never be shown, by name (the name is what a failure reports). */
const secrets: Record<string, string> = {};

async function post(handler: Parameters<typeof call>[0], url: string, body: unknown) {
  const response = await call(handler, "POST", url, { token: admin.token, body });
  expect(response.status, `${url}: ${response.text}`).toBeLessThan(300);
  return response.json;
}

beforeAll(async () => {
  admin = await makeUser("admin", "secrets-admin");
  await withSandboxPrimary(async (client) => {
    await client.query(`create role ${role} login superuser replication password '${nodePassword}'`);
  });
  const cluster = await post(clustersRoute.POST, "/api/v1/clusters", {
    name: `secrets-${run}`,
    primary: {
      host: "127.0.0.1",
      port: sandbox.cluster.primary.port,
      user: role,
      password: nodePassword,
      database: "app",
    },
    standbys: [
      {
        name: standby.name,
        host: "127.0.0.1",
        port: standby.port,
        user: role,
        password: nodePassword,
        database: "app",
      },
    ],
    archive: { mode: "archive_command", path: sandbox.cluster.archiveDir },
  });
  clusterId = cluster.id;
  channelId = (
    await post(channelsRoute.POST, "/api/v1/notification-channels", {
      kind: "webhook",
      name: `secrets-${run}`,
      url: hookUrl,
    })
  ).id;
  const token = await post(tokensRoute.POST, "/api/v1/tokens", { name: `secrets-${run}`, role: "viewer" });
  const user = await post(usersRoute.POST, "/api/v1/users", {
    email: `secrets-${run}@test.local`,
    role: "viewer",
    password: userPassword,
  });

  // Single sign-on's client secret, read back by GET /api/v1/auth/oidc/settings (off: nobody signs in with it).
  const oidc = await call(oidcSettingsRoute.PUT, "PUT", "/api/v1/auth/oidc/settings", {
    token: admin.token,
    body: {
      enabled: false,
      providerName: "Acme ID",
      issuerUrl: "https://id.example.com",
      clientId: "walden",
      clientSecret: oidcClientSecret,
      roleClaim: "groups",
      roleMappings: [],
      localAccountsEnabled: true,
    },
  });
  expect(oidc.status, oidc.text).toBe(200);

  // The offsite repository's secret access key, behind GET …/repositories, the restore window
  // (its offsite lag), the audit log of setting it and /metrics. Set before any backup, so no
  // copy is queued: the storage is never contacted.
  const offsite = await call(offsiteRoute.PUT, "PUT", `/api/v1/clusters/${clusterId}/repositories/offsite`, {
    token: admin.token,
    params: { id: clusterId },
    body: {
      kind: "s3",
      endpoint: "https://s3.eu-west-1.amazonaws.com",
      region: "eu-west-1",
      bucket: `secrets-${run}`,
      accessKeyId: `AKIASECRETS${run.toUpperCase()}`,
      secretAccessKey: offsiteSecret,
    },
  });
  expect(offsite.status, offsite.text).toBe(200);

  const node = await db().node.findFirstOrThrow({ where: { clusterId } });
  const channel = await db().notificationChannel.findUniqueOrThrow({ where: { id: channelId } });
  const userRow = await db().user.findUniqueOrThrow({ where: { id: user.id } });
  Object.assign(secrets, {
    "node password": nodePassword,
    "encrypted node password": node.passwordEncrypted!,
    "webhook token": hookSecret,
    "encrypted webhook URL": channel.secretEncrypted,
    "API token": token.token,
    "API token hash": sha256Hex(token.token),
    "caller's API token": admin.token,
    "caller's session cookie": admin.cookie,
    "user password": userPassword,
    "user password hash": userRow.passwordHash,
    "OIDC client secret": oidcClientSecret,
    "offsite secret access key": offsiteSecret,
    "encrypted offsite secret access key": (
      await db().offsiteRepository.findUniqueOrThrow({ where: { clusterId } })
    ).secretAccessKeyEncrypted,
    "encrypted OIDC client secret": (await db().oidcSettings.findUniqueOrThrow({ where: { id: 1 } }))
      .clientSecretEncrypted,
    "sandbox primary password": sandbox.cluster.primary.password,
    "catalog password": sandbox.catalog.password,
    WALDEN_SECRET: process.env.WALDEN_SECRET!,
  });
});

afterAll(async () => {
  await db().oidcSettings.deleteMany({});
  await db().cluster.deleteMany({ where: { name: `secrets-${run}` } });
  await db().notificationChannel.deleteMany({ where: { name: `secrets-${run}` } });
  await withSandboxPrimary((client) => client.query(`drop role if exists ${role}`));
});

interface Seen {
  argv: Set<string>;
  /** The PostgreSQL programs seen, with their environment. */
  tools: Map<string, { argv: string; env: string }>;
}

/** Every /proc/<pid>/cmdline now, and the environment of the PostgreSQL programs among them. */
function sampleProcesses(seen: Seen) {
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      seen.argv.add(argv);
      if (/pg_basebackup|pg_dump/.test(argv) && !seen.tools.has(pid + argv))
        seen.tools.set(pid + argv, {
          argv,
          env: fs.readFileSync(`/proc/${pid}/environ`, "utf8").replace(/\0/g, "\n"),
        });
    } catch {
      // The process ended between the listing and the read.
    }
  }
}

/** Runs `work` with console and stdout/stderr captured and every process sampled every 2 ms. */
async function watched(work: () => Promise<void>) {
  const output: string[] = [];
  const seen: Seen = { argv: new Set(), tools: new Map() };
  const originals = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    debug: console.debug,
    stdout: process.stdout.write.bind(process.stdout),
    stderr: process.stderr.write.bind(process.stderr),
  };
  for (const level of ["log", "info", "warn", "error", "debug"] as const)
    console[level] = (...args: unknown[]) => output.push(args.map(String).join(" "));
  process.stdout.write = ((chunk: string | Uint8Array) => output.push(String(chunk)) > 0) as never;
  process.stderr.write = ((chunk: string | Uint8Array) => output.push(String(chunk)) > 0) as never;
  const sampler = setInterval(() => sampleProcesses(seen), 2);
  try {
    await work();
  } finally {
    clearInterval(sampler);
    Object.assign(console, {
      log: originals.log,
      info: originals.info,
      warn: originals.warn,
      error: originals.error,
      debug: originals.debug,
    });
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
  }
  // Other programs (other tests' backups) may run meanwhile: only ours, named by our role, count.
  const tools = [...seen.tools.values()].filter((tool) => tool.argv.includes(role));
  return { output: output.join("\n"), argv: [...seen.argv], tools };
}

function leaksIn(where: string, text: string): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => text.includes(value))
    .map(([what]) => `${what} in ${where}`);
}

describe("logs and child processes", () => {
  it("never puts the password in argv, the programs' environment or any log line while backups run", async () => {
    const seen = await watched(async () => {
      for (const kind of ["physical", "logical"] as const) {
        const requested = await call(backupsRoute.POST, "POST", "/api/v1/backups", {
          token: admin.token,
          body: { clusterId, kind, ...(kind === "logical" ? { database: "app" } : {}) },
        });
        expect(requested.status).toBe(202);
        backupIds[kind] = requested.json.id;
        await runBackup(requested.json.id, "secrets-test");
      }
    });
    const backups = await db().backup.findMany({ where: { id: { in: Object.values(backupIds) } } });
    expect(backups.map((backup) => [backup.kind, backup.status, backup.error]).sort()).toEqual([
      ["logical", "succeeded", null],
      ["physical", "succeeded", null],
    ]);
    // The sampler did see both programs run, with the role's name but the password in a passfile
    // that is gone once they end.
    expect(seen.tools.some((tool) => tool.argv.includes("pg_basebackup"))).toBe(true);
    expect(seen.tools.some((tool) => /pg_dump /.test(tool.argv))).toBe(true);
    const passfiles = seen.tools.map((tool) => /^PGPASSFILE=(.*)$/m.exec(tool.env)?.[1]);
    expect(
      passfiles.every((file) => file && !fs.existsSync(file)),
      passfiles.join(" "),
    ).toBe(true);
    // The backups' own logs name the programs they ran.
    const logs = backups.map((backup) => `${backup.log ?? ""}\n${backup.error ?? ""}`).join("\n");
    expect(logs).toMatch(/pg_basebackup/);
    expect(logs).toMatch(/pg_dump/);

    expect([
      ...seen.argv.flatMap((argv) => leaksIn(`argv ${argv.slice(0, 60)}`, argv)),
      ...seen.tools.flatMap((tool) => leaksIn(`the environment of ${tool.argv.slice(0, 60)}`, tool.env)),
      ...leaksIn("console output", seen.output),
      ...leaksIn("backup logs", logs),
    ]).toEqual([]);
  });
});

describe("API responses", () => {
  type Handler = Parameters<typeof call>[0];

  /** "/api/v1/…" → GET handler, for every route.ts on disk that has one. */
  async function discoverGetHandlers(): Promise<Map<string, Handler>> {
    const found = new Map<string, Handler>();
    const files = (fs.readdirSync(apiRoot, { recursive: true }) as string[]).filter(
      (file) => path.basename(file) === "route.ts",
    );
    for (const file of files) {
      const routeModule = (await import(path.join(apiRoot, file))) as Record<string, unknown>;
      if (typeof routeModule.GET === "function")
        found.set(`/api/v1/${path.dirname(file)}`, routeModule.GET as Handler);
    }
    return found;
  }

  /** The query strings a route is read with ("" = none); routes not listed are read once, bare. */
  function queries(): Record<string, string[]> {
    const now = new Date();
    const hourAgo = new Date(now.getTime() - 3600_000);
    const month = now.toISOString().slice(0, 7);
    return {
      "/api/v1/backups/[id]/runbook": ["", "?format=text"],
      "/api/v1/clusters/[id]/table-events": [
        `?table=public.orders&from=${encodeURIComponent(hourAgo.toISOString())}&to=${encodeURIComponent(now.toISOString())}`,
      ],
      "/api/v1/reports/monthly": [
        `?month=${month}`,
        `?month=${month}&format=csv`,
        `?month=${month}&clusterId=${clusterId}`,
      ],
      "/api/v1/audit": ["?limit=1000"],
      "/api/v1/alert-rules": ["", `?clusterId=${clusterId}`],
      "/api/v1/backups": ["", `?clusterId=${clusterId}`],
      "/api/v1/clusters/[id]/lag": [`?standby=${standby.name}`],
    };
  }

  /** Real ids for each dynamic segment; a route with a segment not known here fails the test. */
  function paramsFor(route: string): Record<string, string>[] {
    const idsOf: Record<string, string[]> = {
      "/api/v1/backups/": [backupIds.physical, backupIds.logical],
      "/api/v1/clusters/": [clusterId],
      "/api/v1/notification-channels/": [channelId],
      "/api/v1/restores/": [restoreId],
    };
    if (!route.includes("[")) return [{}];
    // A runbook is written for physical backups only.
    if (route === "/api/v1/backups/[id]/runbook") return [{ id: backupIds.physical }];
    const prefix = Object.keys(idsOf).find((candidate) => route.startsWith(candidate));
    const ids = prefix ? idsOf[prefix]! : [];
    expect(ids.length, `no ids known for ${route}`).toBeGreaterThan(0);
    return ids.map((id): Record<string, string> =>
      route.includes("[kind]") ? { id, kind: "physical" } : { id },
    );
  }

  it("shows no secret, in clear or encrypted, in any GET under app/api/v1 or /metrics", async () => {
    // Things the GETs will show: a delivery that failed, a queued restore, the audit trail of it all.
    const delivery = await call(
      channelTestRoute.POST,
      "POST",
      `/api/v1/notification-channels/${channelId}/test`,
      {
        token: admin.token,
        params: { id: channelId },
      },
    );
    expect(delivery.status).toBe(200);
    expect(delivery.json.status).not.toBe("delivered");
    if (!backupIds.logical) throw new Error("the backup test must run first");
    const restore = await post(restoresRoute.POST, "/api/v1/restores", {
      clusterId,
      kind: "logical",
      backupId: backupIds.logical,
      database: `secrets_${run}`,
    });
    restoreId = restore.id;

    // What the worker would have done by now: a replication sample and a scan of the archive.
    await refreshRestoreWindow(clusterId);
    const fleet = new SamplerFleet(inject("databaseUrl"), `secrets-${run}`, () => {});
    fleet.start();
    try {
      const deadline = Date.now() + 15_000;
      while (!(await getReplicationSnapshot(clusterId)) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await fleet.stop();
    }

    // The table-event search is answered by the worker; here the worker's own function answers it.
    const boss = await jobSender();
    await ensureQueues(boss);
    const eventsWorker = await boss.work("restore.events", { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      const { clusterId: id, query } = parsePayload("restore.events", job!.data);
      return findTableEvents(id, tableEventsQuerySchema.parse(query));
    });

    const leaks: string[] = [];
    const statuses: string[] = [];
    try {
      const handlers = await discoverGetHandlers();
      // The catch-all answers every unknown path with the same 404 and shows no data.
      expect(handlers.delete("/api/v1/[...path]")).toBe(true);
      // Single sign-on's browser steps answer every caller with a redirect and no body (their
      // cookies and Location are checked in app/api/v1/auth/oidc/oidc.pg.test.ts).
      expect(handlers.delete("/api/v1/auth/oidc/start")).toBe(true);
      expect(handlers.delete("/api/v1/auth/oidc/callback")).toBe(true);
      expect(handlers.size).toBeGreaterThanOrEqual(25);
      handlers.set("/metrics", metricsRoute.GET as Handler);
      const allQueries = queries();
      for (const [route, handler] of handlers) {
        for (const params of paramsFor(route)) {
          const base = route.replace(/\[(\w+)\]/g, (_, name: string) => params[name]!);
          for (const query of allQueries[route] ?? [""]) {
            const url = `${base}${query}`;
            const response = await call(handler, "GET", url, { token: admin.token, params });
            statuses.push(
              `${response.status} ${url}${response.status === 200 ? "" : ` ${response.text.slice(0, 300)}`}`,
            );
            leaks.push(...leaksIn(url, response.text));
          }
        }
      }
    } finally {
      await boss.offWork(eventsWorker);
    }
    // Every read answered with its data, so the search covered real payloads.
    const failed = statuses.filter((line) => !line.startsWith("200 "));
    expect(failed).toEqual([]);
    expect(statuses.length).toBeGreaterThanOrEqual(30);
    expect(leaks).toEqual([]);
  });

  it("still shows what may be shown: the channel's host, the token's prefix, the user's email, the offsite bucket", async () => {
    const channels = await call(channelsRoute.GET, "GET", "/api/v1/notification-channels", {
      token: admin.token,
    });
    expect(channels.text).toContain("127.0.0.1:9");
    const tokens = await call(tokensRoute.GET, "GET", "/api/v1/tokens", { token: admin.token });
    expect(tokens.text).toContain(`secrets-${run}`);
    const users = await call(usersRoute.GET, "GET", "/api/v1/users", { token: admin.token });
    expect(users.text).toContain(`secrets-${run}@test.local`);
    const repositories = await call(
      repositoriesRoute.GET,
      "GET",
      `/api/v1/clusters/${clusterId}/repositories`,
      { token: admin.token, params: { id: clusterId } },
    );
    expect(repositories.json.offsite).toMatchObject({ bucket: `secrets-${run}`, secretSet: true });
  });
});
