import pg from "pg";
import { GET as getLag } from "@/app/api/v1/clusters/[id]/lag/route";
import { GET as getClusters } from "@/app/api/v1/clusters/route";
import { GET as getMonthlyReport } from "@/app/api/v1/reports/monthly/route";
import { db } from "@/lib/db";
import { SamplerFleet } from "@/lib/worker/sampler";
import { call } from "@/test/api-client";
import {
  CLUSTER_PREFIX,
  createBenchToken,
  deleteBenchClusters,
  registerSandboxCluster,
  standbyOf,
  waitForSnapshot,
  type Bench,
} from "./setup";
import { fmt, now } from "./support";

// The API part: what 100 registered clusters cost the main read endpoints, each figure next to
// the same endpoint measured in the same run with 1 cluster (or a 1-day window, or one cluster's
// report). The route handlers are called in-process (as the pg tests do, test/api-client.ts):
// real NextRequests through withRoute, auth by a bearer token, the bench catalog; no HTTP.
// Its tables are in print-api.ts.

export const API_PREFIX = `${CLUSTER_PREFIX}api-`;
const DAY_MS = 86_400_000;
/** What a dashboard asks for at most; the issue's limit for a 30-day series. */
export const MAX_SERIES_POINTS = 1000;

export interface ApiFleet {
  /** The registered copies (the bench's own cluster not included). */
  clusterIds: string[];
  historyClusterId: string;
  /** A copy without lag history: the one-cluster report's scope. */
  plainClusterId: string;
  remove: () => Promise<number>;
}

/**
 * Waits until the bench cluster has a snapshot with both standbys streaming (a fleet of its own
 * for a moment, stopped before any copy is registered: 100 copies of a 3-node cluster would be
 * 300 connections to servers that allow 100).
 */
export async function sampleBenchCluster(bench: Bench, log: (line: string) => void): Promise<void> {
  const fleet = new SamplerFleet(bench.databaseUrl, "walden-bench-api", log);
  fleet.start();
  try {
    await waitForSnapshot(
      bench.clusterId,
      "both standbys streaming",
      (view) => ["standby1", "standby2"].every((name) => standbyOf(view, name)?.state === "streaming"),
      { timeoutMs: 30_000 },
    );
  } finally {
    await fleet.stop();
  }
}

/**
 * Registers `count` copies of the sandbox cluster and gives them what a month of Walden leaves
 * in the catalog, written in bulk with SQL: the bench cluster's latest snapshot, a physical and
 * a logical backup a day (one in 15 failed) for 40 days, hour rollups of both standbys for 31
 * days; the first copy also gets 48 h of raw samples (1 s) and 30 days of minute rollups.
 * A part that ran before may have kept its fleet (keepApiFleet): then that one is returned.
 */
/** The fleet a part kept for the next one (api → load), so it is registered and seeded once. */
let kept: ApiFleet | null = null;

export async function prepareApiFleet(
  bench: Bench,
  count: number,
  progress: (line: string) => void,
): Promise<ApiFleet> {
  if (kept?.clusterIds.length === count) {
    progress(`reusing the ${count} clusters registered and seeded by the api part`);
    return kept;
  }
  // The copies get the bench cluster's snapshot: sample it before any copy exists.
  await sampleBenchCluster(bench, () => {});
  const started = now();
  const remove = () => {
    kept = null;
    return deleteBenchClusters(API_PREFIX);
  };
  await remove();
  const clusterIds: string[] = [];
  try {
    for (let index = 1; index <= count; index++) {
      clusterIds.push(await registerSandboxCluster(bench, `${API_PREFIX}${String(index).padStart(3, "0")}`));
    }
    const registeredMs = now() - started;
    const seeded = await seedCatalog(bench.clusterId, clusterIds);
    progress(
      `registered ${count} clusters in ${fmt(registeredMs / 1000, 1)} s and wrote ` +
        `${seeded.rows.toLocaleString("en-US")} catalog rows for them in ${fmt((now() - started - registeredMs) / 1000, 1)} s ` +
        `(${seeded.steps.join(", ")})`,
    );
  } catch (error) {
    await remove();
    throw error;
  }
  return { clusterIds, historyClusterId: clusterIds[0]!, plainClusterId: clusterIds.at(-1)!, remove };
}

/** Keeps the fleet registered after this part, for the next (load) to reuse; it removes it. */
export function keepApiFleet(fleet: ApiFleet): void {
  kept = fleet;
}

/** Lag of a standby at time `t` (seconds since the epoch): a daily wave with noise, 0.4–5 MiB. */
const LAG_BYTES = (t: string) => `(2097152 * (1.2 + sin(${t} / 13751.0)) * (0.8 + 0.4 * random()))`;
/** Replay seconds at ~4 MiB/s of replay. */
const LAG_SECONDS = (bytes: string) => `(${bytes} / 4194304.0)`;

async function seedCatalog(
  sourceClusterId: string,
  clusterIds: string[],
): Promise<{ rows: number; steps: string[] }> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const steps: string[] = [];
  const run = async (text: string, values: unknown[]) => {
    const start = now();
    const count = (await client.query(text, values)).rowCount ?? 0;
    // "insert into backups (…" → "backups 5,148 in 1.2 s"
    const table = /^\s*(?:insert into|update) (\w+)/.exec(text)?.[1] ?? "?";
    const resolution = /'(1m|1h)'/.exec(text)?.[1];
    steps.push(
      `${table}${resolution ? ` ${resolution}` : ""} ${count.toLocaleString("en-US")} in ${fmt((now() - start) / 1000, 1)} s`,
    );
    return count;
  };
  try {
    let rows = 0;
    // Existing for the whole of this month and the last, as a real fleet would.
    rows += await run(
      "update clusters set created_at = now() - interval '70 days' where id = any($1::uuid[])",
      [clusterIds],
    );
    rows += await run(
      `insert into cluster_snapshots (cluster_id, sampled_at, owner_id, snapshot)
       select c, s.sampled_at, 'walden-bench-api', s.snapshot
       from unnest($1::uuid[]) c, cluster_snapshots s where s.cluster_id = $2::uuid`,
      [clusterIds, sourceClusterId],
    );
    rows += await run(
      `insert into backups (cluster_id, kind, status, options, requested_by, path, started_at, finished_at,
         size_bytes, database, timeline, checksum, verified, verified_at, error, created_at)
       select c, k.kind::"BackupKind",
         (case when d % 15 = 7 then 'failed' else 'succeeded' end)::"BackupStatus",
         '{"compression":"lz4"}'::jsonb, 'schedule', case when d % 15 = 7 then null else '/bench/' || c || '/' || d || k.kind end,
         day + k.at, day + k.at + interval '9 minutes',
         case when d % 15 = 7 then null else k.size + d * 1048576 end,
         k.database, 1, case when d % 15 = 7 then null else md5(c::text || d || k.kind) end,
         d % 15 <> 7 and d % 7 = 0, case when d % 15 <> 7 and d % 7 = 0 then day + k.at + interval '1 hour' end,
         case when d % 15 = 7 then 'pg_basebackup: error: connection to server lost' end,
         day + k.at
       from unnest($1::uuid[]) c,
         generate_series(0, 39) d,
         lateral (select date_trunc('day', now()) - d * interval '1 day' as day) days,
         (values ('physical', interval '1 hour', 1100000000::bigint, null),
                 ('logical', interval '2 hours', 210000000::bigint, 'app')) k(kind, at, size, database)
       where day + k.at < now()`,
      [clusterIds],
    );
    rows += await run(
      `insert into replication_rollups (cluster_id, standby, resolution, bucket, samples, replay_bytes_min,
         replay_bytes_avg, replay_bytes_max, replay_seconds_min, replay_seconds_avg, replay_seconds_max)
       select c, s, '1h', b, 3600, (l * 0.2)::bigint, l, (l * 3)::bigint,
         ${LAG_SECONDS("l")} * 0.2, ${LAG_SECONDS("l")}, ${LAG_SECONDS("l")} * 3
       from unnest($1::uuid[]) c, unnest(array['standby1', 'standby2']) s,
         generate_series(date_trunc('hour', now()) - interval '31 days', date_trunc('hour', now()) - interval '1 hour',
           interval '1 hour') b,
         lateral (select ${LAG_BYTES("extract(epoch from b)")} as l) lag`,
      [clusterIds],
    );
    // The history cluster: what 30 days of sampling leave (the raw samples are kept 48 h).
    rows += await run(
      `insert into replication_rollups (cluster_id, standby, resolution, bucket, samples, replay_bytes_min,
         replay_bytes_avg, replay_bytes_max, replay_seconds_min, replay_seconds_avg, replay_seconds_max)
       select $1::uuid, s, '1m', b, 60, (l * 0.5)::bigint, l, (l * 1.8)::bigint,
         ${LAG_SECONDS("l")} * 0.5, ${LAG_SECONDS("l")}, ${LAG_SECONDS("l")} * 1.8
       from unnest(array['standby1', 'standby2']) s,
         generate_series(date_trunc('minute', now()) - interval '30 days', date_trunc('minute', now()) - interval '1 minute',
           interval '1 minute') b,
         lateral (select ${LAG_BYTES("extract(epoch from b)")} as l) lag`,
      [clusterIds[0]],
    );
    rows += await run(
      `insert into replication_samples (cluster_id, standby, at, state, primary_lsn, replay_lsn, write_bytes,
         flush_bytes, replay_bytes, replay_seconds)
       select $1::uuid, s, t, 'streaming', p, p - l::bigint, (l * 0.1)::bigint, (l * 0.2)::bigint, l::bigint,
         ${LAG_SECONDS("l")}
       from unnest(array['standby1', 'standby2']) s,
         generate_series(now() - interval '48 hours', now() - interval '1 second', interval '1 second') t,
         lateral (select ${LAG_BYTES("extract(epoch from t)")} as l,
           (extract(epoch from t) - extract(epoch from now() - interval '48 hours'))::bigint * 65536 + 16777216 as p) x`,
      [clusterIds[0]],
    );
    await client.query(
      "analyze clusters, nodes, cluster_snapshots, backups, replication_rollups, replication_samples",
    );
    return { rows, steps };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------------

export interface ApiSettings {
  clusters: number;
  /** Sequential requests per figure (after a few unmeasured ones). */
  overviewRequests: number;
  lagRequests: number;
  reportRequests: number;
}

export interface ApiResults {
  overview: { oneMs: number[]; manyMs: number[]; clustersOne: number; clustersMany: number; listed: number };
  lag: {
    dayMs: number[];
    monthMs: number[];
    dayPoints: number;
    monthPoints: number;
    daySource: string;
    monthSource: string;
    monthPointsAsked: number;
  };
  report: {
    fleetMs: number[];
    oneMs: number[];
    historyMs: number[];
    fleetClusters: number;
    month: string;
  };
}

type Handler = Parameters<typeof call>[0];

async function timed(handler: Handler, url: string, token: string, params?: Record<string, string>) {
  const start = now();
  const response = await call(handler, "GET", url, { token, params });
  const ms = now() - start;
  if (response.status !== 200)
    throw new Error(`GET ${url}: ${response.status} ${response.text.slice(0, 300)}`);
  return { ms, json: response.json as unknown };
}

/**
 * `n` timed calls of each request, alternated (a, b, a, b…) after `warmup` unmeasured rounds;
 * returns the times of each and the last answer of each.
 */
async function alternate(
  n: number,
  warmup: number,
  requests: (() => Promise<{ ms: number; json: unknown }>)[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the shape is checked by the callers
): Promise<{ times: number[][]; last: any[] }> {
  const times: number[][] = requests.map(() => []);
  const last: unknown[] = [];
  for (let round = 0; round < warmup + n; round++) {
    for (const [index, request] of requests.entries()) {
      const { ms, json } = await request();
      if (round >= warmup) times[index]!.push(ms);
      last[index] = json;
    }
  }
  return { times, last };
}

export async function measureApi(
  bench: Bench,
  settings: ApiSettings,
  progress: (line: string) => void,
  cleanups: (() => Promise<unknown>)[],
  opts: { keepFleet: boolean },
): Promise<ApiResults> {
  const viewer = await createBenchToken("viewer");
  cleanups.push(viewer.remove);
  const { token } = viewer;
  const overview = () => timed(getClusters, "/api/v1/clusters", token);

  progress("sampling the bench cluster for its snapshot");
  await sampleBenchCluster(bench, () => {});
  const clustersOne = await db().cluster.count();
  progress(`overview with ${clustersOne} registered cluster: ${settings.overviewRequests} requests`);
  const one = await alternate(settings.overviewRequests, 10, [overview]);

  const fleet = await prepareApiFleet(bench, settings.clusters, progress);
  cleanups.push(fleet.remove);
  const clustersMany = await db().cluster.count();
  progress(`overview with ${clustersMany} registered clusters: ${settings.overviewRequests} requests`);
  const many = await alternate(settings.overviewRequests, 10, [overview]);

  // The lag chart's ranges as the UI asks for them (a window ending now), at the issue's 1000 points.
  const lagUrl = (days: number) => {
    const to = new Date();
    const from = new Date(to.getTime() - days * DAY_MS);
    const query = new URLSearchParams({
      standby: "standby1",
      from: from.toISOString(),
      to: to.toISOString(),
      points: String(MAX_SERIES_POINTS),
    });
    return `/api/v1/clusters/${fleet.historyClusterId}/lag?${query}`;
  };
  const lag = (days: number) => () => timed(getLag, lagUrl(days), token, { id: fleet.historyClusterId });
  progress(`lag series, 30 days vs 1 day, alternated: ${settings.lagRequests} requests each`);
  const lags = await alternate(settings.lagRequests, 5, [lag(30), lag(1)]);
  const [month, day] = lags.last;

  const reportMonth = new Date().toISOString().slice(0, 7);
  const report = (clusterId?: string) => () =>
    timed(
      getMonthlyReport,
      `/api/v1/reports/monthly?${new URLSearchParams({ month: reportMonth, ...(clusterId ? { clusterId } : {}) })}`,
      token,
    );
  progress(
    `monthly report ${reportMonth} (the current month: computed on every request), all ${clustersMany} clusters ` +
      `vs one, alternated: ${settings.reportRequests} requests each`,
  );
  await alternate(2, 0, [report(fleet.plainClusterId)]);
  const reports = await alternate(settings.reportRequests, 0, [report(), report(fleet.plainClusterId)]);
  const history = await alternate(2, 0, [report(fleet.historyClusterId)]);

  if (opts.keepFleet) keepApiFleet(fleet);
  else progress(`removed ${await fleet.remove()} clusters`);
  await viewer.remove();
  return {
    overview: {
      oneMs: one.times[0]!,
      manyMs: many.times[0]!,
      clustersOne,
      clustersMany,
      listed: many.last[0].length,
    },
    lag: {
      dayMs: lags.times[1]!,
      monthMs: lags.times[0]!,
      dayPoints: day.points.length,
      monthPoints: month.points.length,
      daySource: day.source,
      monthSource: month.source,
      monthPointsAsked: MAX_SERIES_POINTS,
    },
    report: {
      fleetMs: reports.times[0]!,
      oneMs: reports.times[1]!,
      historyMs: history.times[0]!,
      fleetClusters: reports.last[0].clusters.length,
      month: reportMonth,
    },
  };
}
