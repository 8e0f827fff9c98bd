import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { db } from "@/lib/db";
import { nextBuildIsStale } from "@/lib/demo/build";
import { runToCompletion, startChild, stopChild } from "@/lib/tools/services";
import { LOCK_NAMESPACE, SamplerFleet } from "@/lib/worker/sampler";
import { refreshRestoreWindow } from "@/lib/wal/refresh-window";
import { prepareApiFleet, type ApiFleet } from "./api";
import { createBenchToken, type Bench } from "./setup";
import { fmt, now, sleep } from "./support";

// The load part: the built web app as users run it (`npm start`: lib/web/server.ts in front of
// Next) on loopback, under a fixed request rate for a bounded time, on the main GET endpoints with
// 100 clusters registered while a sampler writes; then the same rate on /api/v1/health alone, the
// baseline. autocannon keeps the rate (it never sends faster; a slow server gets fewer requests,
// counted as done < expected). Its tables are in print-load.ts.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string) => path.join(repoRoot, "node_modules", ".bin", name);
const DAY_MS = 86_400_000;

/** The part of autocannon's API used here (the package ships no types; @types/autocannon is not installed). */
interface Autocannon {
  (options: {
    url: string;
    connections: number;
    overallRate: number;
    duration: number;
    timeout: number;
    headers: Record<string, string>;
    requests: { method: "GET"; path: string }[];
  }): PromiseLike<{ errors: number }> & {
    on(
      event: "response",
      listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void,
    ): void;
  };
}
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

export interface LoadSettings {
  port: number;
  clusters: number;
  rate: number;
  connections: number;
  durationSeconds: number;
  baselineSeconds: number;
  mainWarmupSeconds: number;
}

export interface LoadRun {
  seconds: number;
  rate: number;
  expected: number;
  /** Response times of every answered request, ms. */
  latencies: number[];
  /** The same, per request path (read from autocannon's client; "?" if its internals change). */
  byPath: Map<string, number[]>;
  /** Bytes received per request path (headers and body), summed. */
  bytesByPath: Map<string, number>;
  non2xx: number;
  /** Socket errors and timeouts: requests that got no answer. */
  errors: number;
  statuses: Record<string, number>;
}

export interface Endpoint {
  label: string;
  path: string;
}

export interface LoadResults {
  endpoints: Endpoint[];
  skipped: string[];
  build: string;
  clusters: number;
  main: LoadRun;
  baseline: LoadRun;
  /**
   * RSS after the warm-up rounds, after the baseline, after the main endpoints' warm-up at the
   * main rate ("before": the heap has grown to this load's working set), after the main run.
   */
  rssMiB: { start: number; afterBaseline: number; beforeMain: number; afterMain: number };
  /** The unmeasured run of the main endpoints, at the same rate, before the main run, seconds. */
  mainWarmupSeconds: number;
  /** CPU time the web app's process group spent during each run, seconds. */
  cpuSeconds: { baseline: number; main: number };
  connections: number;
}

/** The distDir a process builds into or serves from (its WALDEN_NEXT_DIST_DIR), or null if unreadable. */
function processDistDir(pid: string): string | null {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    const entry = environ.find((line) => line.startsWith("WALDEN_NEXT_DIST_DIR="));
    return entry?.slice("WALDEN_NEXT_DIST_DIR=".length) || ".next";
  } catch {
    return null;
  }
}

/**
 * A `next build` or Playwright run of this checkout writing the same distDir would change the
 * build under us: wait for it. Runs with another WALDEN_NEXT_DIST_DIR (other helpers' e2e) are
 * left alone.
 */
async function waitForOtherBuilds(progress: (line: string) => void): Promise<void> {
  const distDir = process.env.WALDEN_NEXT_DIST_DIR || ".next";
  const running = () =>
    readdirSync("/proc").some((pid) => {
      if (!/^\d+$/.test(pid)) return false;
      let commandLine: string;
      try {
        commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      } catch {
        return false;
      }
      if (!/next build|playwright test/.test(commandLine)) return false;
      // A process we cannot read may share our distDir: count it.
      return (processDistDir(pid) ?? distDir) === distDir;
    });
  const start = now();
  if (running())
    progress(`another \`next build\` or Playwright run uses ${distDir}: waiting for it (up to 10 minutes)`);
  while (running()) {
    if (now() - start > 600_000)
      throw new Error("a `next build` or Playwright run has not finished in 10 minutes");
    await sleep(5_000);
  }
}

async function ensureBuilt(progress: (line: string) => void): Promise<string> {
  await waitForOtherBuilds(progress);
  if (!nextBuildIsStale(repoRoot)) return "reused the existing build";
  progress("building the web app (next build; the sources are newer than .next)");
  const start = now();
  await runToCompletion(bin("next"), ["build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" });
  return `built in this run (next build, ${fmt((now() - start) / 1000, 0)} s)`;
}

/** Linux's USER_HZ: the unit of utime and stime in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

/** VmRSS (MiB) and CPU time so far (user + system, seconds) of every process in the web app's group. */
function groupUsage(groupId: number): { rssMiB: number; cpuSeconds: number } {
  let kib = 0;
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // After the name (field 2, which may hold spaces): field 3 is the state, 5 the process
      // group, 14 and 15 utime and stime.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== groupId) continue;
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${entry}/status`, "utf8"));
      kib += Number(rss?.[1] ?? 0);
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return { rssMiB: kib / 1024, cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND };
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/api/v1/health`);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`the web app did not answer /api/v1/health within ${timeoutMs / 1000} s (last: ${last})`);
}

/**
 * The copies are "sampled by other workers": their sampler locks are held here (so the bench's
 * fleet samples the bench cluster only: 100 copies would be 300 connections to servers allowing
 * 100), and every second their snapshots are refreshed and two samples each written, the catalog
 * writes 99 more sampled clusters cause.
 */
export async function emulateOtherWorkers(clusterIds: string[]): Promise<() => Promise<void>> {
  const client = new pg.Client({
    connectionString: process.env.DATABASE_URL,
    application_name: "walden-bench",
  });
  client.on("error", () => {});
  await client.connect();
  await client.query("select pg_advisory_lock($1, hashtext(id)) from unnest($2::text[]) id", [
    LOCK_NAMESPACE,
    clusterIds,
  ]);
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const start = now();
      await client.query(
        `with touched as (
           update cluster_snapshots set sampled_at = now(), snapshot = jsonb_set(snapshot, '{sampledAt}',
             to_jsonb(to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
           where cluster_id = any($1::uuid[]) returning cluster_id)
         insert into replication_samples (cluster_id, standby, at, state, write_bytes, flush_bytes, replay_bytes, replay_seconds)
         select cluster_id, s, now(), 'streaming', 0, 0, 0, 0 from touched, unnest(array['standby1', 'standby2']) s`,
        [clusterIds],
      );
      await sleep(Math.max(0, 1000 - (now() - start)));
    }
  })();
  return async () => {
    stopped = true;
    await loop.catch(() => {});
    await client.end().catch(() => {});
  };
}

async function fire(
  url: string,
  token: string,
  paths: string[],
  settings: LoadSettings,
  seconds: number,
): Promise<LoadRun> {
  const latencies: number[] = [];
  const byPath = new Map<string, number[]>();
  const bytesByPath = new Map<string, number>();
  const statuses: Record<string, number> = {};
  const instance = autocannon({
    url,
    connections: settings.connections,
    overallRate: settings.rate,
    duration: seconds,
    timeout: 10,
    headers: { authorization: `Bearer ${token}` },
    requests: paths.map((requestPath) => ({ method: "GET", path: requestPath })),
  });
  instance.on("response", (client, statusCode, bytes, responseTime) => {
    latencies.push(responseTime);
    // With one request in flight per connection, the client's current request is the one answered.
    const current = (client as { requestIterator?: { currentRequest?: { path?: string } } }).requestIterator;
    const requestPath = current?.currentRequest?.path ?? "?";
    if (!byPath.has(requestPath)) byPath.set(requestPath, []);
    byPath.get(requestPath)!.push(responseTime);
    bytesByPath.set(requestPath, (bytesByPath.get(requestPath) ?? 0) + bytes);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  return {
    seconds,
    rate: settings.rate,
    expected: settings.rate * seconds,
    latencies,
    byPath,
    bytesByPath,
    non2xx:
      latencies.length -
      Object.entries(statuses).reduce((n, [code, count]) => n + (code.startsWith("2") ? count : 0), 0),
    // autocannon counts a timeout as an error too.
    errors: result.errors,
    statuses,
  };
}

/** The mixed GET set: the main endpoints a console and scripts poll, and any left out (why). */
export async function loadEndpoints(
  bench: Bench,
  fleet: ApiFleet,
): Promise<{ endpoints: Endpoint[]; skipped: string[] }> {
  // The restore window is computed by the worker (pg_waldump); served only if it could be.
  await refreshRestoreWindow(bench.clusterId).catch(() => {});
  const windowRow = await db().restoreWindowSnapshot.findUnique({ where: { clusterId: bench.clusterId } });
  const to = new Date();
  const lag = (days: number) =>
    `/api/v1/clusters/${fleet.historyClusterId}/lag?${new URLSearchParams({
      standby: "standby1",
      from: new Date(to.getTime() - days * DAY_MS).toISOString(),
      to: to.toISOString(),
    })}`;
  const month = to.toISOString().slice(0, 7);
  const endpoints: Endpoint[] = [
    { label: "GET /clusters (overview)", path: "/api/v1/clusters" },
    { label: "GET /clusters/:id/replication", path: `/api/v1/clusters/${bench.clusterId}/replication` },
    { label: "GET /clusters/:id/lag, 1 hour (raw)", path: lag(1 / 24) },
    { label: "GET /clusters/:id/lag, 30 days (1h)", path: lag(30) },
    { label: "GET /backups (all clusters)", path: "/api/v1/backups" },
    { label: "GET /backups?clusterId", path: `/api/v1/backups?clusterId=${fleet.plainClusterId}` },
    { label: "GET /alerts", path: "/api/v1/alerts" },
    {
      label: "GET /reports/monthly?clusterId (json)",
      path: `/api/v1/reports/monthly?month=${month}&clusterId=${fleet.plainClusterId}`,
    },
  ];
  const skipped: string[] = [];
  if (windowRow && !windowRow.error)
    endpoints.push({
      label: "GET /clusters/:id/restore-window",
      path: `/api/v1/clusters/${bench.clusterId}/restore-window`,
    });
  else
    skipped.push(
      `GET /clusters/:id/restore-window (no stored window: ${windowRow?.error ?? "not computed"})`,
    );
  return { endpoints, skipped };
}

export async function measureLoad(
  bench: Bench,
  settings: LoadSettings,
  progress: (line: string) => void,
  cleanups: (() => Promise<unknown>)[],
): Promise<LoadResults> {
  const url = `http://127.0.0.1:${settings.port}`;
  const taken = await fetch(`${url}/api/v1/health`).then(
    () => true,
    () => false,
  );
  if (taken) throw new Error(`${url} already answers: port ${settings.port} is taken by another program`);
  const build = await ensureBuilt(progress);

  const fleet = await prepareApiFleet(bench, settings.clusters, progress);
  cleanups.push(fleet.remove);
  const stopEmulation = await emulateOtherWorkers(fleet.clusterIds);
  cleanups.push(stopEmulation);
  const sampler = new SamplerFleet(bench.databaseUrl, "walden-bench-load", () => {});
  sampler.start();
  cleanups.push(() => sampler.stop());
  const viewer = await createBenchToken("viewer");
  cleanups.push(viewer.remove);

  const { endpoints, skipped } = await loadEndpoints(bench, fleet);

  progress(`starting the web app (npm start's server) on ${url} (${build})`);
  const web = startChild(
    "web",
    process.execPath,
    // WALDEN_BENCH_WEB_NODE_ARGS: node options for the web app alone, e.g. "--cpu-prof
    // --cpu-prof-dir=/tmp/prof" to profile it under this load (NODE_OPTIONS refuses --cpu-prof).
    [
      ...(process.env.WALDEN_BENCH_WEB_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      "--import",
      "tsx",
      path.join(repoRoot, "lib/web/server.ts"),
    ],
    {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(settings.port),
      WALDEN_LISTEN_HOST: "127.0.0.1",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  );
  cleanups.push(() => stopChild(web));
  await waitForHealth(url, 60_000);
  // First requests load each route's code: not part of the steady state.
  for (let round = 0; round < 3; round++) {
    for (const endpoint of [...endpoints.map((e) => e.path), "/api/v1/health"]) {
      const response = await fetch(`${url}${endpoint}`, {
        headers: { authorization: `Bearer ${viewer.token}` },
      });
      if (round === 0 && !response.ok)
        throw new Error(`GET ${endpoint}: ${response.status} ${(await response.text()).slice(0, 300)}`);
      await response.arrayBuffer().catch(() => {});
    }
  }
  const start = groupUsage(web.pid!);

  progress(`baseline: GET /api/v1/health at ${settings.rate} requests/s for ${settings.baselineSeconds} s`);
  const baseline = await fire(url, viewer.token, ["/api/v1/health"], settings, settings.baselineSeconds);
  const afterBaseline = groupUsage(web.pid!);
  progress(
    `warm-up (not measured): the main endpoints at ${settings.rate} requests/s for ${settings.mainWarmupSeconds} s`,
  );
  const paths = endpoints.map((endpoint) => endpoint.path);
  await fire(url, viewer.token, paths, settings, settings.mainWarmupSeconds);
  const beforeMain = groupUsage(web.pid!);
  progress(
    `main endpoints (${endpoints.length}, round-robin) at ${settings.rate} requests/s for ${settings.durationSeconds} s`,
  );
  const main = await fire(url, viewer.token, paths, settings, settings.durationSeconds);
  const afterMain = groupUsage(web.pid!);

  await stopChild(web);
  await sampler.stop();
  await stopEmulation();
  progress(`removed ${await fleet.remove()} clusters`);
  await viewer.remove();
  return {
    endpoints,
    skipped,
    build,
    clusters: settings.clusters + 1,
    main,
    baseline,
    rssMiB: {
      start: start.rssMiB,
      afterBaseline: afterBaseline.rssMiB,
      beforeMain: beforeMain.rssMiB,
      afterMain: afterMain.rssMiB,
    },
    mainWarmupSeconds: settings.mainWarmupSeconds,
    cpuSeconds: {
      baseline: afterBaseline.cpuSeconds - start.cpuSeconds,
      main: afterMain.cpuSeconds - beforeMain.cpuSeconds,
    },
    connections: settings.connections,
  };
}
