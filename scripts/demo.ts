// npm run demo — the whole of Walden on one machine: sandbox PostgreSQL (catalog, primary,
// two standbys), an S3 server for offsite copies, migrations, demo users and cluster, a gentle write load, the worker and the
// web app. Stays in the foreground; Ctrl-C stops everything it started and keeps the data.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { disconnectDb } from "@/lib/db";
import { migrateCatalog } from "@/lib/db/migrate";
import { nextBuildIsStale } from "@/lib/demo/build";
import { childEnvironment, provideSettings, startupSettings } from "@/lib/env";
import { runToCompletion, startChild, stopChild } from "@/lib/tools/services";
import { seedDemoCluster, seedDemoUsers, seedFirstBackup } from "@/lib/demo/seed";
import { DEMO_S3_BUCKET, demoS3Port, seedDemoOffsiteRepository, startDemoS3Server } from "@/lib/demo/offsite";
import { startDemoWorkload } from "@/lib/demo/workload";
import { stopAllInstances } from "@/lib/restore/instance";
import { psqlCommand } from "@/lib/tools/psql-command";
import { sandboxOptionsFromEnv, startSandbox, stopSandbox, type SandboxInfo } from "@/lib/sandbox";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const log = (line: string) => console.log(`[demo] ${line}`);
const startedAt = Date.now();
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;

/** WALDEN_SECRET from the environment, or one generated on first run and kept in WALDEN_HOME. */
function demoSecret(home: string): string {
  const { WALDEN_SECRET } = startupSettings("WALDEN_SECRET");
  if (WALDEN_SECRET) return WALDEN_SECRET;
  const file = path.join(home, "secret");
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

async function waitForHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/api/v1/health`);
      const body = (await response.json()) as { status?: string; worker?: string };
      if (body.status === "ok" && body.worker === "ok") return;
      last = JSON.stringify(body);
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Walden did not become healthy within ${timeoutMs / 1000} s (last health: ${last})`);
}

function writeSandboxJson(file: string, content: unknown): void {
  // It holds passwords and tokens: readable by this user only.
  fs.writeFileSync(file, JSON.stringify(content, null, 2) + "\n", { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

// What the demo started, undone in reverse order on Ctrl-C, SIGTERM or a failed start.
const cleanups: (() => Promise<void>)[] = [];
let stopping: Promise<never> | undefined;

/** Idempotent: a child exiting while we are already stopping must not cut the cleanup short. */
function shutdown(reason: string, code: number): Promise<never> {
  stopping ??= (async () => {
    log(`${reason}: stopping what the demo started (data is kept)`);
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((error) => console.error("[demo] while stopping:", error));
    log("stopped");
    process.exit(code);
  })();
  return stopping;
}

async function main(): Promise<void> {
  process.on("SIGINT", () => void shutdown("Ctrl-C", 0));
  process.on("SIGTERM", () => void shutdown("SIGTERM", 0));

  const sandboxOptions = { ...sandboxOptionsFromEnv(), log };
  const home = sandboxOptions.home;
  const port = Number(startupSettings("PORT").PORT || 3000);
  const url = `http://localhost:${port}`;
  fs.mkdirSync(home, { recursive: true });

  log(
    `starting the sandbox in ${home} (PostgreSQL on 127.0.0.1:${sandboxOptions.basePort}-${sandboxOptions.basePort + 3})`,
  );
  cleanups.push(() => stopSandbox(sandboxOptions));
  const sandbox: SandboxInfo = await startSandbox(sandboxOptions);
  log(`sandbox up after ${elapsed()}`);
  const s3 = await startDemoS3Server(home, demoS3Port(sandboxOptions.basePort));
  cleanups.push(() => s3.stop());
  log(`S3 server for offsite copies on ${s3.endpoint} (data in ${s3.directory})`);

  // lib/env reads these lazily, so setting them before the first catalog query is enough.
  provideSettings({ DATABASE_URL: sandbox.catalog.url, WALDEN_SECRET: demoSecret(home), WALDEN_HOME: home });
  const childEnv = childEnvironment({ NODE_ENV: "production", PORT: String(port) });

  await migrateCatalog(sandbox.catalog.url, (line) => log(line));
  const users = await seedDemoUsers(home);
  const clusterId = await seedDemoCluster(sandbox);
  await disconnectDb();

  const { primary, standbys } = sandbox.cluster;
  // Standbys share the primary's credentials: after a failover one of them takes the writes.
  const demoNodes = [
    primary,
    ...standbys.map((standby) => ({ ...primary, host: standby.host, port: standby.port })),
  ];
  const workload = startDemoWorkload(demoNodes, log);
  cleanups.push(() => workload.stop());
  // Restored instances run apart from the worker; they are stopped (kept until their TTL) with the demo.
  cleanups.push(() => stopAllInstances(log).then(() => undefined));

  if (nextBuildIsStale(root)) {
    log("building the web app (next build; once per change)");
    await runToCompletion(bin("next"), ["build"], { ...childEnv, NEXT_TELEMETRY_DISABLED: "1" });
  }

  const worker = startChild("worker", bin("tsx"), [path.join(root, "lib/worker/main.ts")], childEnv);
  // What `npm start` runs (Walden's server in front of Next), on loopback whatever the shell says.
  const web = startChild("web", process.execPath, ["--import", "tsx", path.join(root, "lib/web/server.ts")], {
    ...childEnv,
    WALDEN_LISTEN_HOST: "127.0.0.1",
    NEXT_TELEMETRY_DISABLED: "1",
  });
  cleanups.push(() => Promise.all([stopChild(worker), stopChild(web)]).then(() => undefined));
  for (const [name, child] of [
    ["worker", worker],
    ["web app", web],
  ] as const) {
    child.on("exit", (code, signal) => void shutdown(`the ${name} exited (${signal ?? code})`, 1));
  }

  await waitForHealthy(url, 120_000);
  // After the worker is up, so the copies of earlier backups it queues are taken at once.
  if (await seedDemoOffsiteRepository(clusterId, s3))
    log(`gave ${sandbox.cluster.name} its offsite repository`);
  const firstBackup = await seedFirstBackup(clusterId);
  if (firstBackup) log(`requested a first physical backup (${firstBackup}); the worker is taking it`);

  const tokens = Object.fromEntries(users.map((user) => [user.role, user.token]));
  const { primary: demoPrimary } = sandbox.cluster;
  // Ready to paste: standbys share the primary's role and password (they are its copies).
  const psqlTo = ({ host, port: serverPort }: { host: string; port: number }) =>
    psqlCommand({
      host,
      port: serverPort,
      user: demoPrimary.user,
      database: demoPrimary.database,
      password: demoPrimary.password,
    });
  const psqlLines = [
    `  psql to the primary: ${psqlTo(demoPrimary)}`,
    ...sandbox.cluster.standbys.map((standby) => `  psql to ${standby.name}: ${psqlTo(standby)}`),
  ].join("\n");
  writeSandboxJson(path.join(home, "sandbox.json"), {
    url,
    tokens: { admin: tokens.admin, operator: tokens.operator, viewer: tokens.viewer },
    users: users.map(({ email, password, role }) => ({ email, password, role })),
    s3: { endpoint: s3.endpoint, bucket: DEMO_S3_BUCKET },
    catalog: {
      host: sandbox.catalog.host,
      port: sandbox.catalog.port,
      database: sandbox.catalog.database,
      user: sandbox.catalog.user,
    },
    clusters: [
      {
        id: clusterId,
        name: sandbox.cluster.name,
        primary: {
          host: sandbox.cluster.primary.host,
          port: sandbox.cluster.primary.port,
          user: sandbox.cluster.primary.user,
          database: sandbox.cluster.primary.database,
          psql: psqlTo(demoPrimary),
        },
        standbys: sandbox.cluster.standbys.map(({ name, host, port: standbyPort }) => ({
          name,
          host,
          port: standbyPort,
          psql: psqlTo({ host, port: standbyPort }),
        })),
        archiveDir: sandbox.cluster.archiveDir,
      },
    ],
  });

  const admin = users.find((user) => user.role === "admin")!;
  console.log(`
Walden is ready after ${elapsed()}: ${url}
  sign in as ${admin.email} / ${admin.password}
${psqlLines}
  other logins, API tokens and ports: ${path.join(home, "sandbox.json")}
Press Ctrl-C to stop (the data is kept for the next run).
`);
}

main().catch((error) => {
  console.error(`[demo] failed: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown("start failed", 1);
});
