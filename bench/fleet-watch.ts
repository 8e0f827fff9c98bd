import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { LOCK_NAMESPACE } from "@/lib/worker/sampler";
import type { SamplerChildReport } from "../test/run-sampler-child";

// The fleet part's instruments: sampler worker processes it can stop or kill, and what the
// catalog, pg_locks and /proc show of them while they run.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CHILD_SCRIPT = path.join(repoRoot, "test/run-sampler-child.ts");

// ---------------------------------------------------------------------------------------------
// Worker processes
// ---------------------------------------------------------------------------------------------

export interface WorkerProcess {
  ownerId: string;
  pid: number;
  latest(): SamplerChildReport | null;
  /** SIGTERM: the fleet stops and releases its locks. */
  stop(): Promise<void>;
  /** SIGKILL: nothing runs after it; the kernel closes the process's sockets. */
  kill(): Promise<void>;
}

/**
 * Starts a sampler worker process. `checkout` runs another checkout's sampler instead (an older
 * commit, with its own node_modules and generated Prisma client) against the same catalog, so the
 * bench can measure both side by side without carrying old code.
 */
export function spawnWorker(ownerId: string, checkout = repoRoot): WorkerProcess {
  // node --import tsx (not the tsx CLI): the pid is the worker itself, so SIGKILL reaches it.
  // WALDEN_BENCH_WORKER_PROFILE=<dir>: each worker writes a V8 CPU profile there when it stops.
  const profileDir = process.env.WALDEN_BENCH_WORKER_PROFILE;
  const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const script = path.join(checkout, path.relative(repoRoot, CHILD_SCRIPT));
  const child = spawn(process.execPath, [...profile, "--import", "tsx", script, ownerId], {
    cwd: checkout,
    env: process.env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let latest: SamplerChildReport | null = null;
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line.startsWith("{")) latest = JSON.parse(line) as SamplerChildReport;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    ownerId,
    pid: child.pid!,
    latest: () => latest,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
}

// ---------------------------------------------------------------------------------------------
// Watching the catalog
// ---------------------------------------------------------------------------------------------

export interface Seen {
  sampledAt: number;
  ownerId: string;
}

/**
 * Polls cluster_snapshots every `pollMs`. A tick is due one interval after the previous tick's
 * sampledAt (the sampler's own cadence); its **sample delay** is the moment the next snapshot is
 * first seen in the catalog minus that due time: how late the data the API serves is. It
 * includes a late timer, the reads, the catalog write and up to one poll period.
 */
export class SnapshotWatch {
  readonly seen = new Map<string, Seen>();
  readonly delays: number[] = [];
  /** New snapshots seen since start(): the ticks the workers completed. */
  ticks = 0;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: pg.Client,
    private readonly intervalMs: number,
  ) {}

  async start(pollMs: number): Promise<void> {
    await this.poll(false);
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll(true));
    }, pollMs);
  }

  /** Stops, and counts each cluster still waiting for an overdue tick at its delay so far. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    const end = Date.now();
    for (const { sampledAt } of this.seen.values()) {
      const overdue = end - (sampledAt + this.intervalMs);
      if (overdue > 0) this.delays.push(overdue);
    }
  }

  private async poll(record: boolean): Promise<void> {
    const { rows } = await this.client.query<{ id: string; sampled_at: Date; owner_id: string }>(
      "select cluster_id::text as id, sampled_at, owner_id from cluster_snapshots",
    );
    const at = Date.now();
    for (const row of rows) {
      const previous = this.seen.get(row.id);
      const sampledAt = row.sampled_at.getTime();
      if (previous?.sampledAt === sampledAt) continue;
      if (record && previous) {
        this.delays.push(at - (previous.sampledAt + this.intervalMs));
        this.ticks++;
      }
      this.seen.set(row.id, { sampledAt, ownerId: row.owner_id });
    }
  }
}

export interface StoredSamples {
  samples: number;
  /** Consecutive samples of one standby closer than half an interval: one tick sampled twice. */
  doubled: number;
  gapP50: number;
  gapP99: number;
}

/** The raw samples stored in a window, per standby: how regular, and whether any tick was doubled. */
export async function storedSamples(
  client: pg.Client,
  from: Date,
  to: Date,
  intervalMs: number,
): Promise<StoredSamples> {
  const { rows } = await client.query<{ samples: string; doubled: string; p50: number; p99: number }>(
    `select count(*) as samples,
            count(*) filter (where gap < $3 / 2.0) as doubled,
            percentile_cont(0.5) within group (order by gap) as p50,
            percentile_cont(0.99) within group (order by gap) as p99
       from (select extract(epoch from at - lag(at) over (partition by cluster_id, standby order by at)) * 1000 as gap
               from replication_samples where at >= $1 and at < $2) gaps`,
    [from, to, intervalMs],
  );
  const row = rows[0]!;
  return { samples: Number(row.samples), doubled: Number(row.doubled), gapP50: row.p50, gapP99: row.p99 };
}

/** Sampler lock sessions and the clusters each holds, straight from pg_locks. */
export async function lockHolders(client: pg.Client): Promise<Map<string, number>> {
  const { rows } = await client.query<{ name: string; locks: string }>(
    `select a.application_name as name, count(*) as locks
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.classid = $1 and l.granted
      group by a.application_name`,
    [LOCK_NAMESPACE],
  );
  return new Map(rows.map((row) => [row.name, Number(row.locks)]));
}

/** Linux's clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on every usual kernel). */
const CLOCK_TICKS = 100;

/** CPU milliseconds a process has used so far, in user mode and in the kernel (its own /proc stat). */
export async function processCpuMs(pid: number): Promise<{ user: number; system: number }> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    user: (Number(fields[11]) / CLOCK_TICKS) * 1000,
    system: (Number(fields[12]) / CLOCK_TICKS) * 1000,
  };
}

/**
 * CPU milliseconds used so far by the PostgreSQL servers of these data directories: each
 * postmaster and its children (backends, walsenders, …), from /proc. The monitored servers share
 * the machine with the worker, so where the CPU goes tells which one limits the fleet.
 */
export async function serversCpuMs(dataDirs: string[]): Promise<number> {
  const postmasters = new Set<number>();
  for (const dir of dataDirs) {
    const pidFile = await fs.readFile(path.join(dir, "postmaster.pid"), "utf8").catch(() => "");
    const pid = Number(pidFile.split("\n")[0]);
    if (pid > 0) postmasters.add(pid);
  }
  let ticks = 0;
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // Fields after the command name (which may hold spaces), from field 3 (state) on.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [pid, ppid] = [Number(entry), Number(fields[1])];
    if (postmasters.has(pid) || postmasters.has(ppid)) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks / CLOCK_TICKS) * 1000;
}
