import type pg from "pg";
import { db } from "@/lib/db";
import type { Bench } from "./setup";
import { connect, now, sleep } from "./support";

// Measurement 2: what one replication sample costs the monitored primary, from
// pg_stat_statements (execution + planning time of every statement tagged /* walden */),
// next to a one-`select 1`-per-second client over the same window.

const BASELINE_TAG = "/* walden-bench-baseline */";

export interface StatementCost {
  query: string;
  calls: number;
  /** Execution + planning. */
  totalMs: number;
  planMs: number;
}

export interface ServerTime {
  windowMs: number;
  /** Sampler ticks of the cluster inside the window (raw samples of standby1, one per tick). */
  ticks: number;
  walden: { calls: number; totalMs: number; planMs: number };
  baseline: { calls: number; totalMs: number; planMs: number };
  top: StatementCost[];
}

/**
 * The reader sends unnamed statements, so each one is planned on every tick: planning is part
 * of what a sample costs. pg_stat_statements only counts it with track_planning on (a superuser
 * setting, reloaded without a restart); it is switched back off afterwards.
 */
async function setTrackPlanning(admin: pg.Client, on: boolean): Promise<void> {
  await admin.query(
    on
      ? "alter system set pg_stat_statements.track_planning = on"
      : "alter system reset pg_stat_statements.track_planning",
  );
  await admin.query("select pg_reload_conf()");
  // The postmaster relays SIGHUP to the backends asynchronously; give them a moment.
  await sleep(300);
}

/** One `select 1` per second, on the second, until `untilMs` (a performance.now() value). */
async function runBaseline(client: pg.Client, startMs: number, untilMs: number): Promise<void> {
  for (let second = 0; startMs + second * 1000 < untilMs; second++) {
    await sleep(Math.max(0, startMs + second * 1000 - now()));
    await client.query(`${BASELINE_TAG} select 1`);
  }
}

async function readStatements(admin: pg.Client): Promise<StatementCost[]> {
  const { rows } = await admin.query<{ query: string; calls: string; total_ms: number; plan_ms: number }>(
    `select query, calls, (total_exec_time + total_plan_time)::float8 as total_ms, total_plan_time::float8 as plan_ms
       from pg_stat_statements
      where query like '/* walden */%' or query like $1
      order by total_ms desc`,
    [`${BASELINE_TAG}%`],
  );
  return rows.map((row) => ({
    query: row.query,
    calls: Number(row.calls),
    totalMs: row.total_ms,
    planMs: row.plan_ms,
  }));
}

export async function measureServerTime(bench: Bench, windowMs: number): Promise<ServerTime> {
  const admin = await connect(bench.node(bench.primaryPort), "walden-bench-admin");
  const baselineClient = await connect(bench.node(bench.primaryPort), "walden-bench-baseline");
  try {
    await setTrackPlanning(admin, true);
    try {
      await admin.query("select pg_stat_statements_reset()");
      const startedAt = new Date();
      const start = now();
      await runBaseline(baselineClient, start, start + windowMs);
      await sleep(Math.max(0, start + windowMs - now()));
      const endedAt = new Date();
      const statements = await readStatements(admin);
      const ticks = await db().replicationSample.count({
        where: { clusterId: bench.clusterId, standby: "standby1", at: { gte: startedAt, lt: endedAt } },
      });
      const sum = (list: StatementCost[]) => ({
        calls: list.reduce((total, statement) => total + statement.calls, 0),
        totalMs: list.reduce((total, statement) => total + statement.totalMs, 0),
        planMs: list.reduce((total, statement) => total + statement.planMs, 0),
      });
      const walden = statements.filter((statement) => statement.query.startsWith("/* walden */"));
      return {
        windowMs: endedAt.getTime() - startedAt.getTime(),
        ticks,
        walden: sum(walden),
        baseline: sum(statements.filter((statement) => statement.query.startsWith(BASELINE_TAG))),
        top: walden.slice(0, 5),
      };
    } finally {
      await setTrackPlanning(admin, false);
    }
  } finally {
    await Promise.all([admin.end(), baselineClient.end()].map((ending) => ending.catch(() => {})));
  }
}
