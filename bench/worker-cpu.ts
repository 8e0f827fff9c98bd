import { db } from "@/lib/db";
import { SamplerFleet } from "@/lib/worker/sampler";
import { CLUSTER_PREFIX, deleteBenchClusters, registerSandboxCluster, type Bench } from "./setup";
import { now, pollUntil, sleep } from "./support";

// Measurement 3: what sampling costs the worker process, per node. A fresh SamplerFleet runs
// inside this process, so process.cpuUsage() over a quiet window (the bench only sleeps) is
// the sampler's own CPU: node readers, the tracker, Prisma writing the ticks to the catalog.

const EXTRA_PREFIX = `${CLUSTER_PREFIX}extra-`;

export interface FleetLoad {
  clusters: number;
  nodes: number;
  windowMs: number;
  cpuMs: number;
  /** Ticks saved (one snapshot each) and raw samples inserted (one per standby per tick). */
  ticks: number;
  samples: number;
  rssMiB: number;
  heapMiB: number;
  /** ms between consecutive ticks of the same cluster: the interval actually achieved. */
  intervals: number[];
}

export const cpuMsPerSecond = (load: FleetLoad) => load.cpuMs / (load.windowMs / 1000);
/** ms of CPU per second = % of one core × 10. */
export const percentOfCorePer100Nodes = (load: FleetLoad) => (cpuMsPerSecond(load) / 10) * (100 / load.nodes);

/**
 * Runs a fresh fleet over every registered cluster: warm up, then measure a quiet window.
 * `whileRunning`, if given, runs after the window, before the fleet stops (trials under load).
 */
export async function measureFleet(
  bench: Bench,
  opts: { warmupMs: number; windowMs: number; ownerId: string; log: (line: string) => void },
  whileRunning?: () => Promise<void>,
): Promise<FleetLoad> {
  // Counted from the catalog, not assumed: the fleet samples every registered node.
  const [clusters, nodes] = await Promise.all([db().cluster.count(), db().node.count()]);
  const fleet = new SamplerFleet(bench.databaseUrl, opts.ownerId, opts.log);
  fleet.start();
  try {
    await pollUntil(
      `the fleet to own ${clusters} clusters`,
      async () => fleet.ownedClusterIds.length === clusters,
      {
        since: now(),
        intervalMs: 100,
        timeoutMs: 20_000,
      },
    );
    // Connections opened, Prisma and the tracker warmed up: measure the steady state only.
    await sleep(opts.warmupMs);
    const startedAt = new Date();
    const start = now();
    const cpuBefore = process.cpuUsage();
    await sleep(opts.windowMs);
    const cpu = process.cpuUsage(cpuBefore);
    const windowMs = now() - start;
    const endedAt = new Date();
    const memory = process.memoryUsage();
    const inWindow = { at: { gte: startedAt, lt: endedAt } };
    const [samples, ticks] = await Promise.all([
      db().replicationSample.count({ where: inWindow }),
      db().replicationSample.findMany({
        where: { ...inWindow, standby: "standby1" },
        select: { clusterId: true, at: true },
        orderBy: [{ clusterId: "asc" }, { at: "asc" }],
      }),
    ]);
    await whileRunning?.();
    return {
      clusters,
      nodes,
      windowMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      ticks: ticks.length,
      samples,
      rssMiB: memory.rss / 2 ** 20,
      heapMiB: memory.heapUsed / 2 ** 20,
      intervals: ticks.flatMap((tick, index) => {
        const previous = ticks[index - 1];
        return previous?.clusterId === tick.clusterId ? [tick.at.getTime() - previous.at.getTime()] : [];
      }),
    };
  } finally {
    await fleet.stop();
  }
}

/** Registers `count` more copies of the sandbox cluster (3 nodes each) and returns a remover. */
export async function registerExtraClusters(bench: Bench, count: number): Promise<() => Promise<number>> {
  for (let index = 1; index <= count; index++) {
    await registerSandboxCluster(bench, `${EXTRA_PREFIX}${String(index).padStart(2, "0")}`);
  }
  return () => deleteBenchClusters(EXTRA_PREFIX);
}
