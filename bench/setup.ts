import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/roles";
import { generateApiToken } from "@/lib/auth/tokens";
import { registerCluster } from "@/lib/clusters/mutations";
import { db } from "@/lib/db";
import { migrateCatalog } from "@/lib/db/migrate";
import type { NodeConnection } from "@/lib/pg/connection";
import { getReplicationSnapshot, type ReplicationView } from "@/lib/replication/queries";
import { startSandbox, type SandboxInfo, type SandboxOptions } from "@/lib/sandbox";
import { clusterCreateSchema } from "@/lib/schemas/cluster";
import { connect, now, pollUntil } from "./support";

// The bench's own sandbox and catalog: its own WALDEN_HOME and ports, so it never touches a
// running demo (54320+) or the test sandboxes (25320+, 25420+).

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/**
 * 25520 and the next three, unless WALDEN_BENCH_PG_PORT says otherwise (another checkout's
 * sandbox may already sit there). A home remembers its port: change both together.
 */
export const BENCH_BASE_PORT = benchBasePort(process.env.WALDEN_BENCH_PG_PORT);
export const BENCH_HOME = path.resolve(process.env.WALDEN_BENCH_HOME || path.join(repoRoot, ".walden-bench"));

function benchBasePort(value: string | undefined): number {
  const parsed = z.coerce
    .number()
    .int()
    .min(1024)
    .max(65500)
    .safeParse(value || "25520");
  if (!parsed.success) throw new Error(`WALDEN_BENCH_PG_PORT=${value} is not a port between 1024 and 65500`);
  return parsed.data;
}
/** Every cluster the bench registers is named with this prefix, so leftovers of a crashed run can be found. */
export const CLUSTER_PREFIX = "bench-";

const actor: Actor = {
  kind: "session",
  userId: "00000000-0000-0000-0000-00000000be4c",
  email: "bench",
  role: "admin",
  label: "npm run bench",
};

export interface Bench {
  sandbox: SandboxInfo;
  options: SandboxOptions;
  databaseUrl: string;
  /** The demo-shaped cluster (primary, standby1, standby2 cascading from standby1). */
  clusterId: string;
  node(port: number): NodeConnection;
  primaryPort: number;
  standby1Port: number;
}

export async function startBench(log: (line: string) => void): Promise<Bench> {
  const options: SandboxOptions = { home: BENCH_HOME, basePort: BENCH_BASE_PORT, log };
  const sandbox = await startSandbox(options);
  // lib/env reads these lazily on first use: they must point at the bench catalog, whatever the
  // caller's shell says (a DATABASE_URL for the demo catalog must not be benchmarked against).
  process.env.DATABASE_URL = sandbox.catalog.url;
  process.env.WALDEN_HOME = BENCH_HOME;
  process.env.WALDEN_SECRET = randomBytes(32).toString("hex");
  await migrateCatalog(sandbox.catalog.url);
  // Registrations from a crashed run hold passwords encrypted with another run's secret.
  await deleteBenchClusters(CLUSTER_PREFIX);

  const primary = sandbox.cluster.primary;
  const node = (port: number): NodeConnection => ({
    host: primary.host,
    port,
    user: primary.user,
    password: primary.password,
    database: primary.database,
  });
  const standby1Port = sandbox.cluster.standbys.find((standby) => standby.name === "standby1")!.port;
  const bench: Bench = {
    sandbox,
    options,
    databaseUrl: sandbox.catalog.url,
    clusterId: "",
    node,
    primaryPort: primary.port,
    standby1Port,
  };
  bench.clusterId = await registerSandboxCluster(bench, `${CLUSTER_PREFIX}demo`);
  return bench;
}

/** Registers the sandbox's primary and both standbys as one cluster (as sampler.pg.test.ts does). */
export async function registerSandboxCluster(bench: Bench, name: string): Promise<string> {
  const { cluster } = bench.sandbox;
  const created = await registerCluster(
    actor,
    clusterCreateSchema.parse({
      name,
      primary: bench.node(cluster.primary.port),
      standbys: cluster.standbys.map((standby) => ({ name: standby.name, ...bench.node(standby.port) })),
      // Two clusters cannot share an archive folder: the bench's fleet clusters (only sampled) get
      // their own empty one; the demo cluster, whose backups and restores are measured, the real one.
      archive: {
        mode: "archive_command",
        path:
          name === `${CLUSTER_PREFIX}demo`
            ? cluster.archiveDir
            : path.join(path.dirname(cluster.archiveDir), name),
      },
    }),
    {},
  );
  return created.id;
}

export async function deleteBenchClusters(prefix: string): Promise<number> {
  const { count } = await db().cluster.deleteMany({ where: { name: { startsWith: prefix } } });
  return count;
}

/** pg_stat_statements is preloaded by the sandbox when installed; the extension itself is ours to create. */
export async function ensurePgStatStatements(bench: Bench): Promise<boolean> {
  const client = await connect(bench.node(bench.primaryPort), "walden-bench");
  try {
    const { rows } = await client.query<{ preload: string }>(
      "select current_setting('shared_preload_libraries') as preload",
    );
    if (!rows[0]?.preload.includes("pg_stat_statements")) return false;
    await client.query("create extension if not exists pg_stat_statements");
    return true;
  } finally {
    await client.end();
  }
}

/** Polls the stored snapshot (what GET /replication serves) until `check` holds. */
export async function waitForSnapshot(
  clusterId: string,
  description: string,
  check: (view: ReplicationView) => boolean,
  opts: { since?: number; intervalMs?: number; timeoutMs?: number } = {},
): Promise<{ elapsedMs: number; view: ReplicationView; visibleAt: number }> {
  const seen: { view: ReplicationView | null; at: number } = { view: null, at: 0 };
  const elapsedMs = await pollUntil(
    description,
    async () => {
      seen.view = await getReplicationSnapshot(clusterId);
      seen.at = Date.now();
      return seen.view !== null && check(seen.view);
    },
    { since: opts.since ?? now(), intervalMs: opts.intervalMs ?? 20, timeoutMs: opts.timeoutMs ?? 15_000 },
  );
  return { elapsedMs, view: seen.view!, visibleAt: seen.at };
}

export const standbyOf = (view: ReplicationView, name: string) =>
  view.standbys.find((standby) => standby.name === name);

/**
 * A user of the bench catalog and a bearer API token for it (as an API client would use), and a
 * remover (the user's tokens go with it). Named with the bench prefix, like the clusters.
 */
export async function createBenchToken(role: Role): Promise<{ token: string; remove: () => Promise<void> }> {
  const user = await db().user.create({
    data: {
      email: `${CLUSTER_PREFIX}${role}-${randomBytes(4).toString("hex")}@bench.local`,
      role,
      passwordHash: await hashPassword(randomBytes(24).toString("hex")),
    },
  });
  const { token, prefix, hash } = generateApiToken();
  await db().apiToken.create({
    data: { name: "npm run bench", prefix, tokenHash: hash, userId: user.id, role },
  });
  return {
    token,
    remove: async () => {
      await db().user.deleteMany({ where: { id: user.id } });
    },
  };
}
