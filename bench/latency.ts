import type pg from "pg";
import { standbyOf, waitForSnapshot, type Bench } from "./setup";
import { connect, now, pollUntil, scalar, sleep } from "./support";

// Measurement 1: how long after a change on a monitored server the stored snapshot (what
// GET /api/v1/clusters/:id/replication serves) shows it — and, in the same trials, how long a
// plain query on the server itself takes to see it: the floor any monitor must pay.

const MiB = 1024 * 1024;
const POLL_MS = 20;
const LAG_THRESHOLD_BYTES = 5 * MiB;

export interface PauseTrials {
  /** ms from issuing pg_wal_replay_pause() to the snapshot saying "paused". */
  walden: number[];
  /** ms from the same instant to `select pg_is_wal_replay_paused()` answering true. */
  direct: number[];
  /** ms from the start of the tick that saw it (snapshot.sampledAt) to the poller reading it. */
  tickToVisible: number[];
  /** ms from pg_wal_replay_resume() to the snapshot saying "streaming" again. */
  resume: number[];
}

export interface LagTrials {
  /** ms from the start of the write to the snapshot's replay lag exceeding 5 MiB. */
  walden: number[];
  /** ms from the same instant to pg_stat_replication on the primary showing it. */
  direct: number[];
  /** ms from the start of the write to the start of the tick that first showed the lag. */
  tickStart: number[];
  /** How long the INSERT itself took, and how much WAL it wrote. */
  writeMs: number[];
  walBytes: number[];
}

/**
 * A random wait within one sampling interval before each change: the previous trial ended
 * right after a sample (we waited for "streaming"), so without it every trial would start at
 * the same phase of the sampler's tick and the spread would describe that phase only.
 */
const randomPhase = (intervalMs: number) => sleep(Math.random() * intervalMs);

async function withClients<T>(
  bench: Bench,
  ports: { port: number; name: string }[],
  work: (clients: pg.Client[]) => Promise<T>,
): Promise<T> {
  const clients = await Promise.all(ports.map(({ port, name }) => connect(bench.node(port), name)));
  try {
    return await work(clients);
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => {})));
  }
}

async function resumeAndWaitStreaming(bench: Bench, control: pg.Client): Promise<number> {
  const since = now();
  await control.query("select pg_wal_replay_resume()");
  const { elapsedMs } = await waitForSnapshot(
    bench.clusterId,
    "standby1 streaming again after resume",
    (view) => {
      const standby = standbyOf(view, "standby1");
      return standby?.state === "streaming" && (standby.lagBytes.replay ?? Infinity) < MiB;
    },
    { since, timeoutMs: 30_000 },
  );
  return elapsedMs;
}

export async function measurePauseLatency(
  bench: Bench,
  trials: number,
  intervalMs: number,
  progress: (line: string) => void,
): Promise<PauseTrials> {
  const result: PauseTrials = { walden: [], direct: [], tickToVisible: [], resume: [] };
  const standby1 = bench.standby1Port;
  await withClients(
    bench,
    [
      { port: standby1, name: "walden-bench-control" },
      { port: standby1, name: "walden-bench-direct" },
    ],
    async ([control, direct]) => {
      try {
        for (let trial = 1; trial <= trials; trial++) {
          await randomPhase(intervalMs);
          const since = now();
          await control!.query("select pg_wal_replay_pause()");
          // Both observers start from the same instant and poll at the same rate.
          const [walden, floor] = await Promise.all([
            waitForSnapshot(
              bench.clusterId,
              "standby1 paused",
              (view) => standbyOf(view, "standby1")?.state === "paused",
              { since, intervalMs: POLL_MS },
            ),
            pollUntil(
              "pg_is_wal_replay_paused()",
              () => scalar<boolean>(direct!, "select pg_is_wal_replay_paused() as value"),
              {
                since,
                intervalMs: POLL_MS,
                timeoutMs: 15_000,
              },
            ),
          ]);
          result.walden.push(walden.elapsedMs);
          result.direct.push(floor);
          result.tickToVisible.push(walden.visibleAt - Date.parse(walden.view.sampledAt));
          result.resume.push(await resumeAndWaitStreaming(bench, control!));
          progress(
            `  pause trial ${String(trial).padStart(2)}: walden ${walden.elapsedMs.toFixed(0)} ms, direct ${floor.toFixed(0)} ms`,
          );
        }
      } finally {
        // Never leave the standby paused, whatever happened.
        await control!.query("select pg_wal_replay_resume()").catch(() => {});
      }
    },
  );
  return result;
}

export async function measureLagLatency(
  bench: Bench,
  trials: number,
  rows: number,
  intervalMs: number,
  progress: (line: string) => void,
): Promise<LagTrials> {
  const result: LagTrials = { walden: [], direct: [], tickStart: [], writeMs: [], walBytes: [] };
  await withClients(
    bench,
    [
      { port: bench.standby1Port, name: "walden-bench-control" },
      { port: bench.primaryPort, name: "walden-bench-writer" },
      { port: bench.primaryPort, name: "walden-bench-direct" },
    ],
    async ([control, writer, direct]) => {
      await writer!.query("create table if not exists bench_bulk (x text)");
      await writer!.query("truncate bench_bulk");
      try {
        for (let trial = 1; trial <= trials; trial++) {
          await control!.query("select pg_wal_replay_pause()");
          // Measure the lag alone: wait until the pause itself is on screen first.
          await waitForSnapshot(
            bench.clusterId,
            "standby1 paused",
            (view) => standbyOf(view, "standby1")?.state === "paused",
          );
          await randomPhase(intervalMs);
          const lsnBefore = await scalar<string>(writer!, "select pg_current_wal_lsn()::text as value");
          const since = now();
          const sinceWall = Date.now();
          // ~256-byte rows, under the TOAST threshold, so the WAL is roughly the data written.
          const write = writer!
            .query("insert into bench_bulk select repeat(md5(i::text), 8) from generate_series(1, $1) i", [
              rows,
            ])
            .then(() => now() - since);
          const [walden, floor, writeMs] = await Promise.all([
            waitForSnapshot(
              bench.clusterId,
              "standby1 replay lag > 5 MiB",
              (view) => (standbyOf(view, "standby1")?.lagBytes.replay ?? 0) > LAG_THRESHOLD_BYTES,
              { since, intervalMs: POLL_MS },
            ),
            pollUntil(
              "pg_stat_replication replay lag > 5 MiB",
              () =>
                scalar<boolean>(
                  direct!,
                  `select coalesce((select pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) from pg_stat_replication
                     where application_name = 'standby1'), 0) > $1 as value`,
                  [LAG_THRESHOLD_BYTES],
                ),
              { since, intervalMs: POLL_MS, timeoutMs: 15_000 },
            ),
            write,
          ]);
          const walBytes = await scalar<number>(
            writer!,
            "select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::float8 as value",
            [lsnBefore],
          );
          result.walden.push(walden.elapsedMs);
          result.direct.push(floor);
          result.tickStart.push(Date.parse(walden.view.sampledAt) - sinceWall);
          result.writeMs.push(writeMs);
          result.walBytes.push(walBytes);
          await resumeAndWaitStreaming(bench, control!);
          // Truncated after the resume, so the standby replays it without stopping anywhere.
          await writer!.query("truncate bench_bulk");
          progress(
            `  lag trial ${trial}: walden ${walden.elapsedMs.toFixed(0)} ms (its tick began at ` +
              `${result.tickStart.at(-1)} ms), direct ${floor.toFixed(0)} ms ` +
              `(write of ${(walBytes / MiB).toFixed(1)} MiB WAL took ${writeMs.toFixed(0)} ms)`,
          );
        }
      } finally {
        await control!.query("select pg_wal_replay_resume()").catch(() => {});
        await writer!.query("drop table if exists bench_bulk").catch(() => {});
      }
    },
  );
  return result;
}
