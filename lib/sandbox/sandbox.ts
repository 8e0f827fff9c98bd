import { existsSync } from "node:fs";
import type { PgBinaries } from "@/lib/tools/binaries";
import { createContext, dataDir, HOST, port, SERVER_NAMES, type Context, type ServerName } from "./context";
import { loadOrCreateCredentials, type Credentials } from "./credentials";
import { prepareHome, prepareSharedDirs, setAsideArchive } from "./home";
import { failover, rejoinAsStandby, writableNode, type FailoverResult } from "./failover";
import { ensureInitdbServer } from "./init";
import { withSandboxLock } from "./lock";
import { catalogSettings, primarySettings } from "./node-config";
import type { SandboxOptions } from "./options";
import { ensureRunning, serverState, stopServer, type ServerState } from "./servers";
import { ensureCatalogObjects, ensurePrimaryObjects, withSuperuser } from "./superuser-sql";
import { ensurePrimaryTls, type SandboxTls } from "./tls";
import { ensureStandby, promoteStandby, STANDBYS, waitForStreaming, type StandbyName } from "./topology";

// The local primary/standby/archive bring-up used by the demo and the tests: the entry points,
// and what a caller is told about the servers. Each step lives in the file named after it.

export interface SandboxServer {
  name: string;
  host: string;
  port: number;
  dataDir: string;
}

export interface SandboxInfo {
  home: string;
  binaries: PgBinaries;
  osUser: string;
  tls: SandboxTls;
  catalog: SandboxServer & { database: "walden"; user: "walden"; password: string; url: string };
  cluster: {
    name: "demo";
    archiveDir: string;
    primary: SandboxServer & { user: "walden"; password: string; database: "app" };
    standbys: (SandboxServer & { upstream: string; slot: string })[];
  };
}

/** Bring up (or reuse) catalog, primary and the two cascading standbys. Idempotent. */
export async function startSandbox(opts: SandboxOptions): Promise<SandboxInfo> {
  const ctx = createContext(opts);
  await prepareHome(ctx);
  return withSandboxLock(ctx, async () => {
    const credentials = await loadOrCreateCredentials(ctx);
    await prepareSharedDirs(ctx, credentials);

    await ensureInitdbServer(ctx, "catalog", catalogSettings(ctx));
    await ensureRunning(ctx, "catalog");
    await withSuperuser(ctx, "catalog", (client) => ensureCatalogObjects(client, credentials));

    const primaryCreated = await ensureInitdbServer(ctx, "primary", primarySettings(ctx));
    if (primaryCreated) await setAsideArchive(ctx);
    const tls = await ensurePrimaryTls(ctx);
    await ensureRunning(ctx, "primary");
    // After a failover (failover.ts) another node is writable: its roles and data came by
    // replication, and the topology is no longer the one built here.
    const failedOver = (await writableNode(ctx)) !== "primary";
    if (!failedOver) await withSuperuser(ctx, "primary", (client) => ensurePrimaryObjects(client, credentials));

    // A fresh upstream invalidates everything copied from its predecessor.
    let upstreamRebuilt = primaryCreated;
    for (const standby of STANDBYS) {
      upstreamRebuilt = await ensureStandby(ctx, standby, upstreamRebuilt);
    }
    if (failedOver) ctx.log(`failed over: ${await writableNode(ctx)} is the primary`);
    else for (const standby of STANDBYS) await waitForStreaming(ctx, standby.upstream, standby.name);
    return describeSandbox(ctx, credentials, tls);
  });
}

/** Fast shutdown, standbys first; data is kept for the next start. */
export async function stopSandbox(opts: SandboxOptions): Promise<void> {
  const ctx = createContext(opts);
  if (!existsSync(ctx.layout.home)) return;
  await withSandboxLock(ctx, async () => {
    for (const name of [...SERVER_NAMES].reverse()) {
      if ((await serverState(ctx, name)) === "running") await stopServer(ctx, name);
    }
  });
}

/** Stops one server (tests use it to break replication on purpose); startSandbox brings it back. */
export async function stopSandboxServer(opts: SandboxOptions, name: ServerName): Promise<void> {
  const ctx = createContext(opts);
  if ((await serverState(ctx, name)) === "running") await stopServer(ctx, name);
}

/** Promotes a standby to a primary (tests of role changes; use a throwaway sandbox). */
export async function promoteSandboxStandby(opts: SandboxOptions, name: StandbyName): Promise<void> {
  await promoteStandby(createContext(opts), name);
}

/**
 * `npm run sandbox -- failover standby1`: promotes the standby, and rejoins the node that was
 * the primary as its standby with pg_rewind (unless `rejoin` is false: tests look in between).
 */
export async function failoverSandbox(
  opts: SandboxOptions,
  target: ServerName,
  options: { rejoin?: boolean } = {},
): Promise<FailoverResult> {
  const ctx = createContext(opts);
  return withSandboxLock(ctx, () => failover(ctx, target, options));
}

/** Rewinds a stopped (or running) former primary and starts it as a standby of `upstream`. */
export async function rejoinSandboxNode(opts: SandboxOptions, name: ServerName, upstream: ServerName) {
  const ctx = createContext(opts);
  await withSandboxLock(ctx, () => rejoinAsStandby(ctx, name, upstream));
}

export async function sandboxStatus(opts: SandboxOptions): Promise<Record<string, ServerState>> {
  const ctx = createContext(opts);
  const status: Record<string, ServerState> = {};
  for (const name of SERVER_NAMES) status[name] = await serverState(ctx, name);
  return status;
}

function describeSandbox(ctx: Context, credentials: Credentials, tls: SandboxTls): SandboxInfo {
  const server = (name: ServerName): SandboxServer => ({
    name,
    host: HOST,
    port: port(ctx, name),
    dataDir: dataDir(ctx, name),
  });
  const catalog = server("catalog");
  const catalogPassword = credentials.catalogPassword;
  return {
    home: ctx.layout.home,
    binaries: ctx.binaries,
    osUser: ctx.user.name,
    tls,
    catalog: {
      ...catalog,
      database: "walden",
      user: "walden",
      password: catalogPassword,
      url: `postgresql://walden:${encodeURIComponent(catalogPassword)}@${HOST}:${catalog.port}/walden`,
    },
    cluster: {
      name: "demo",
      archiveDir: ctx.layout.archiveDir,
      primary: {
        ...server("primary"),
        user: "walden",
        password: credentials.primaryPassword,
        database: "app",
      },
      standbys: STANDBYS.map((standby) => ({
        ...server(standby.name),
        upstream: standby.upstream,
        slot: standby.slot,
      })),
    },
  };
}
