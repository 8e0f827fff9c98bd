import path from "node:path";
import type pg from "pg";
import { toolPath, type PgProgram } from "@/lib/tools/binaries";
import { withPassfile } from "@/lib/tools/passfile";
import { runTool } from "@/lib/tools/run";
import type { Bench } from "./setup";
import { connect, now, pollUntil, scalar } from "./support";

// The data set the backups and pitr parts measure on: a pgbench database of at least 1 GB on the
// sandbox primary, kept between runs; and the bench's way to run a PostgreSQL program or query
// the primary.

export const BENCH_DATABASE = "bench";
const GB = 1e9;

export interface DataSet {
  database: string;
  scale: number;
  sizeBytes: number;
  /** ms pgbench -i took in this run, or null when the database from an earlier run was reused. */
  initMs: number | null;
}

const passfileEntry = (bench: Bench) => {
  const node = bench.node(bench.primaryPort);
  return { host: node.host, port: node.port, user: node.user, password: node.password ?? "" };
};

/** pg_basebackup, pg_dump… or pgbench, by absolute path, with the bench's passfile; throws on failure. */
export async function runProgram(
  bench: Bench,
  program: PgProgram | "pgbench",
  args: string[],
  onStderrLine?: (line: string) => void,
): Promise<void> {
  const executable =
    program === "pgbench" ? path.join(bench.sandbox.binaries.binDir, "pgbench") : toolPath(program);
  const result = await withPassfile([passfileEntry(bench)], (passfile) =>
    runTool({ program: executable, args, passfile, onStderrLine }),
  );
  if (result.code !== 0) {
    throw new Error(
      `${program} failed (exit ${result.code ?? result.signal}): ${result.stderrTail.slice(-5).join(" | ")}`,
    );
  }
}

/** A connection to `database` on the sandbox primary, for the length of `work`. */
export async function withPrimary<T>(
  bench: Bench,
  database: string,
  work: (client: pg.Client) => Promise<T>,
) {
  const client = await connect({ ...bench.node(bench.primaryPort), database }, "walden-bench");
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** What is in the bench database now: pgbench's scale if its last step (the primary keys) ran. */
async function inspect(bench: Bench): Promise<{ scale: number | null; sizeBytes: number }> {
  return withPrimary(bench, BENCH_DATABASE, async (client) => {
    const complete = await scalar<boolean>(
      client,
      "select to_regclass('pgbench_branches') is not null and to_regclass('pgbench_accounts_pkey') is not null as value",
    );
    const scale = complete
      ? Number(await scalar<string>(client, "select count(*) as value from pgbench_branches"))
      : null;
    const sizeBytes = Number(
      await scalar<string>(client, "select pg_database_size(current_database()) as value"),
    );
    return { scale, sizeBytes };
  });
}

/**
 * A pgbench database of `scale` and at least 1 GB on the sandbox primary. The bench home is kept
 * between runs, so a database that already has the right scale and size is reused as it is.
 */
export async function ensurePgbenchData(
  bench: Bench,
  scale: number,
  log: (line: string) => void,
): Promise<DataSet> {
  await withPrimary(bench, bench.sandbox.cluster.primary.database, async (client) => {
    const exists = await scalar<boolean>(
      client,
      "select exists (select from pg_database where datname = $1) as value",
      [BENCH_DATABASE],
    );
    if (!exists) await client.query(`create database ${BENCH_DATABASE}`);
  });
  const before = await inspect(bench);
  if (before.scale === scale && before.sizeBytes >= GB) {
    log(
      `reusing database ${BENCH_DATABASE} from an earlier run (pgbench scale ${scale}, ` +
        `${(before.sizeBytes / GB).toFixed(2)} GB): not re-initialised`,
    );
    return { database: BENCH_DATABASE, scale, sizeBytes: before.sizeBytes, initMs: null };
  }
  log(
    `pgbench -i -s ${scale} into database ${BENCH_DATABASE} (found scale ${before.scale ?? "none"}, ` +
      `${(before.sizeBytes / GB).toFixed(2)} GB); the WAL it writes is replayed by both standbys and archived`,
  );
  const node = bench.node(bench.primaryPort);
  const start = now();
  await runProgram(
    bench,
    "pgbench",
    [
      "--initialize",
      `--scale=${scale}`,
      "--quiet",
      `--host=${node.host}`,
      `--port=${node.port}`,
      `--username=${node.user}`,
      BENCH_DATABASE,
    ],
    (line) => {
      if (!line.startsWith("NOTICE:")) log(`pgbench: ${line}`);
    },
  );
  const initMs = now() - start;
  const after = await inspect(bench);
  if (after.scale !== scale || after.sizeBytes < GB) {
    throw new Error(
      `pgbench -i -s ${scale} left scale ${after.scale} and ${after.sizeBytes} bytes; at least 1 GB is required`,
    );
  }
  return { database: BENCH_DATABASE, scale, sizeBytes: after.sizeBytes, initMs };
}

/**
 * After a load (or a restart) the standbys may still be replaying and the archiver copying: both
 * would compete with the backups for the two cores. Checkpoint, then wait until both standbys
 * have replayed everything and no segment is waiting to be archived.
 */
export async function settle(bench: Bench, log: (line: string) => void): Promise<void> {
  const target = await withPrimary(bench, bench.sandbox.cluster.primary.database, async (client) => {
    await client.query("checkpoint");
    return scalar<string>(client, "select pg_current_wal_lsn()::text as value");
  });
  const start = now();
  for (const standby of bench.sandbox.cluster.standbys) {
    const client = await connect(bench.node(standby.port), "walden-bench");
    try {
      await pollUntil(
        `${standby.name} to replay up to ${target}`,
        async () =>
          scalar<boolean>(client, "select pg_last_wal_replay_lsn() >= $1::pg_lsn as value", [target]),
        { since: start, intervalMs: 250, timeoutMs: 300_000 },
      );
    } finally {
      await client.end();
    }
  }
  await withPrimary(bench, bench.sandbox.cluster.primary.database, (client) =>
    pollUntil(
      "the archiver to catch up",
      async () =>
        (await scalar<string>(
          client,
          "select count(*) as value from pg_ls_archive_statusdir() where name like '%.ready'",
        )) === "0",
      { since: start, intervalMs: 250, timeoutMs: 300_000 },
    ),
  );
  log(`standbys replayed and WAL archived (${((now() - start) / 1000).toFixed(1)} s)`);
}
