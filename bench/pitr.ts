import fs from "node:fs/promises";
import { runBackup } from "@/lib/backup/run";
import { db } from "@/lib/db";
import { instancePaths, removeInstance, restoresRoot } from "@/lib/restore/instance";
import { planPitrRestore } from "@/lib/restore/plan-service";
import type { RestorePlan } from "@/lib/restore/planner";
import { physicalBackupRequestSchema } from "@/lib/schemas/backup";
import { pitrRestoreRequestSchema, type RestoreTarget } from "@/lib/schemas/restore";
import { runTool } from "@/lib/tools/run";
import { switchWal, waitForArchived } from "@/lib/wal/wal-fixtures";
import { BENCH_DATABASE, settle, withPrimary, type DataSet } from "./pgbench-data";
import {
  manualRestore,
  removeManualLeftovers,
  waldenRestore,
  type ManualInput,
  type PitrRun,
  type StepTimes,
} from "./pitr-runs";
import type { Bench } from "./setup";
import { median, now, scalar, sleep } from "./support";

// Measurement 6: Walden's point-in-time restore against the manual procedure, on the same base
// backup and the same WAL archive. Walden's run is runRestore() on a catalogued, planned restore
// row (what the worker does for restore.run): plan, prepare, extract, configure, start, replay,
// verify, ready. The manual run is what a person does by hand, with the same settings Walden
// writes (lib/restore/recovery-config.ts): mkdir, tar -x base and pg_wal, append the recovery
// settings, pg_hba.conf, recovery.signal, chown, pg_ctl start -W, then poll pg_is_in_recovery()
// over the socket until it is false. Walden and manual runs alternate; each run is in pitr-runs.ts.

/** The bench's Walden restores take their ports here (the product's default is 27000-27099). */
export const BENCH_RESTORE_PORTS = "27500-27599";
const WORKER_ID = "walden-bench";

export interface PitrPlan {
  /** Rows of pgbench_accounts updated after the backup: the WAL both runs replay. */
  updateRows: number;
  /** Walden/manual pairs, alternated, with target latest and action promote. */
  pairs: number;
  /** Pairs with a time target just before the last archived commit (0: none). */
  timePairs: number;
}

export interface PitrResults {
  data: DataSet;
  backup: { compression: string; sizeBytes: number; ms: number; label: string };
  wal: { updateRows: number; bytes: number; updateMs: number; fromWal: string; toWal: string };
  latest: PitrRun[];
  time: PitrRun[];
  timeTarget: string | null;
  /** The archive's newest segment before the first and after the last run (unchanged = same WAL for all). */
  archiveEnd: { before: string | null; after: string | null };
}

// ---------------------------------------------------------------------------------------------
// Preparation: one backup, WAL after it, a time target
// ---------------------------------------------------------------------------------------------

async function takeBackup(bench: Bench): Promise<{ id: string; ms: number }> {
  const options = physicalBackupRequestSchema.parse({ clusterId: bench.clusterId, kind: "physical" });
  const row = await db().backup.create({
    data: { clusterId: bench.clusterId, kind: "physical", options, requestedBy: "bench" },
  });
  const start = now();
  await runBackup(row.id, WORKER_ID);
  const ms = now() - start;
  const done = await db().backup.findUniqueOrThrow({ where: { id: row.id } });
  if (done.status !== "succeeded" || !done.path)
    throw new Error(`the bench's physical backup ended ${done.status}: ${done.error ?? "no error recorded"}`);
  return { id: row.id, ms };
}

/** Writes dirty pages out, so that no run pays for the previous run's writes. */
async function flush(): Promise<void> {
  const result = await runTool({ program: "sync", args: [], timeoutMs: 300_000 });
  if (result.code !== 0) throw new Error(`sync failed: ${result.stderrTail.join(" | ")}`);
}

async function newestArchived(archiveDir: string): Promise<string | null> {
  const names = (await fs.readdir(archiveDir)).filter((name) => /^[0-9A-F]{24}$/.test(name)).sort();
  return names.at(-1) ?? null;
}

/**
 * WAL after the backup: one UPDATE of `rows` pgbench accounts (pages first touched after the
 * backup's checkpoint, so full-page images too), then VACUUM ANALYZE of the database so that
 * autovacuum does not add WAL to the archive while the restores run (every run must replay the
 * same WAL), a checkpoint and the standbys caught up, then the time target, one more small
 * commit after it, pg_switch_wal and its segment archived.
 */
async function writeWalAfterBackup(
  bench: Bench,
  rows: number,
  log: (line: string) => void,
): Promise<{ bytes: number; updateMs: number; fromWal: string; toWal: string; timeTarget: string }> {
  const { fromLsn, fromWal, updateMs } = await withPrimary(bench, BENCH_DATABASE, async (client) => {
    const position = await client.query<{ lsn: string; wal: string }>(
      "select pg_current_wal_lsn()::text as lsn, pg_walfile_name(pg_current_wal_lsn()) as wal",
    );
    const start = now();
    await client.query("update pgbench_accounts set abalance = abalance + 1 where aid <= $1", [rows]);
    const updateMs = now() - start;
    await client.query("vacuum analyze");
    return { fromLsn: position.rows[0]!.lsn, fromWal: position.rows[0]!.wal, updateMs };
  });
  await settle(bench, log);
  return withPrimary(bench, BENCH_DATABASE, async (client) => {
    const bytes = Number(
      await scalar<string>(
        client,
        "select pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::bigint::text as value",
        [fromLsn],
      ),
    );
    // The time target: after every commit above, before the last one below.
    await sleep(1_100);
    const timeTarget = (await scalar<Date>(client, "select clock_timestamp() as value")).toISOString();
    await sleep(1_100);
    await client.query("update pgbench_branches set bbalance = bbalance + 1 where bid = 1");
    const toWal = await switchWal(client);
    await waitForArchived(bench.sandbox.cluster.archiveDir, toWal, 120_000);
    return { bytes, updateMs, fromWal, toWal, timeTarget };
  });
}

// ---------------------------------------------------------------------------------------------
// Cleanup and the measurement
// ---------------------------------------------------------------------------------------------

/** Every restored instance of the bench (Walden's and manual): stopped and removed. */
export async function removePitrLeftovers(): Promise<void> {
  const ids = await fs.readdir(restoresRoot()).catch(() => [] as string[]);
  for (const id of ids.filter((name) => /^[0-9a-f-]{36}$/.test(name)))
    await removeInstance(instancePaths(id));
  await removeManualLeftovers();
}

export const medianMs = (runs: PitrRun[], who: PitrRun["who"], field: "ms" | "replayDoneMs") =>
  median(runs.filter((run) => run.who === who).map((run) => run[field]));

/** The median duration of each step over the runs of one side, in the order of the first run. */
export function medianSteps(runs: PitrRun[], who: PitrRun["who"]): StepTimes {
  const mine = runs.filter((run) => run.who === who);
  return (mine[0]?.steps ?? []).map(({ name }) => ({
    name,
    ms: median(mine.map((run) => run.steps.find((s) => s.name === name)?.ms ?? NaN)),
  }));
}

export async function measurePitr(
  bench: Bench,
  data: DataSet,
  plan: PitrPlan,
  log: (line: string) => void,
  beforeRuns: () => Promise<void>,
): Promise<PitrResults> {
  process.env.WALDEN_RESTORE_PORTS = BENCH_RESTORE_PORTS;
  const archiveDir = bench.sandbox.cluster.archiveDir;

  log("one physical backup with Walden's runBackup (default options: tar, lz4, WAL streamed)");
  const backup = await takeBackup(bench);
  const backupRow = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
  log(
    `backup ${backupRow.label ?? backup.id}: ${(Number(backupRow.sizeBytes) / 2 ** 20).toFixed(0)} MiB in ${(backup.ms / 1000).toFixed(1)} s`,
  );

  log(`WAL after the backup: update pgbench_accounts … where aid <= ${plan.updateRows}, then vacuum analyze`);
  const wal = await writeWalAfterBackup(bench, plan.updateRows, log);
  log(
    `${(wal.bytes / 2 ** 20).toFixed(0)} MiB of WAL (the update took ${(wal.updateMs / 1000).toFixed(1)} s); archived up to ${wal.toWal}; time target ${wal.timeTarget}`,
  );

  const targets = {
    latest: { type: "latest" } as RestoreTarget,
    time: { type: "time", value: wal.timeTarget, inclusive: true } as RestoreTarget,
  };
  // The manual runs use the same backup and the timeline Walden's planner chooses.
  const manualInput = async (target: RestoreTarget): Promise<ManualInput> => {
    const planned = await planPitrRestore(
      pitrRestoreRequestSchema.parse({
        clusterId: bench.clusterId,
        kind: "pitr",
        target,
        action: "promote",
        backupId: backup.id,
      }),
    );
    if (!planned.ok) throw new Error(`Walden refused to plan the restore: ${planned.message}`);
    const restorePlan: RestorePlan = planned.plan;
    return {
      backupDir: backupRow.path!,
      archiveDir,
      target,
      timeline: restorePlan.timeline,
      user: bench.sandbox.cluster.primary.user,
    };
  };

  await beforeRuns();
  const archiveBefore = await newestArchived(archiveDir);
  // Walden first in odd pairs, the manual procedure first in even ones (the second run of a pair
  // may meet the first one's dirty pages or a warmer cache); `sync` before every run, untimed.
  const runPairs = async (type: "latest" | "time", pairs: number): Promise<PitrRun[]> => {
    const runs: PitrRun[] = [];
    const input = await manualInput(targets[type]);
    for (let pair = 1; pair <= pairs; pair++) {
      const pairLog = (line: string) => log(`${pair}/${pairs} ${line}`);
      const walden = async () => {
        await flush();
        return waldenRestore(bench, backup.id, targets[type], pairLog);
      };
      const manual = async () => {
        await flush();
        return manualRestore(input, `${type}-${pair}`, pairLog);
      };
      if (pair % 2 === 1) {
        const first = await walden();
        runs.push({ ...first, ranFirst: true }, await manual());
      } else {
        const first = await manual();
        runs.push(await walden(), { ...first, ranFirst: true });
      }
    }
    return runs;
  };
  const latest = await runPairs("latest", plan.pairs);
  const time = plan.timePairs > 0 ? await runPairs("time", plan.timePairs) : [];
  const archiveAfter = await newestArchived(archiveDir);

  return {
    data,
    backup: {
      compression: physicalBackupRequestSchema.parse({ clusterId: bench.clusterId, kind: "physical" })
        .compression,
      sizeBytes: Number(backupRow.sizeBytes),
      ms: backup.ms,
      label: backupRow.label ?? backup.id,
    },
    wal: {
      updateRows: plan.updateRows,
      bytes: wal.bytes,
      updateMs: wal.updateMs,
      fromWal: wal.fromWal,
      toWal: wal.toWal,
    },
    latest,
    time,
    timeTarget: plan.timePairs > 0 ? wal.timeTarget : null,
    archiveEnd: { before: archiveBefore, after: archiveAfter },
  };
}
