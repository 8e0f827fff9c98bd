import pg from "pg";
import { nodePostgresSsl, type NodeTls } from "@/lib/pg/tls";

/** Connection settings for one monitored node: fields, never a conninfo string. */
export interface NodeConnection {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  /** sslmode and CA; absent means libpq's default, prefer. */
  tls?: NodeTls;
}

// node-postgres's internals that StrictAuthClient reaches (pg 8.x client.js).
declare module "pg" {
  interface Client {
    _handleErrorEvent(error: Error): void;
  }
}

export const CLEARTEXT_REFUSED =
  'The server asked for the password in cleartext (pg_hba method "password"); Walden sends passwords only by SCRAM or md5: change that pg_hba line to scram-sha-256';

/**
 * A client that never sends a password in cleartext: node-postgres would answer the server's
 * AuthenticationCleartextPassword with the password itself, readable by anyone on the path
 * when TLS is off. Refused instead, with the pg_hba fix named.
 */
class StrictAuthClient extends pg.Client {
  _handleAuthCleartextPassword(): void {
    this.connection.stream.destroy();
    this._handleErrorEvent(new Error(CLEARTEXT_REFUSED));
  }
}

// Every session Walden opens on a monitored server is recognisable (application_name)
// and cannot run away (statement_timeout), as design.md asks.
export const MONITOR_APPLICATION_NAME = "walden";
export const MONITOR_STATEMENT_TIMEOUT_MS = 2000;

/** Where, as whom and over what: the node's fields as node-postgres names them. */
function target(node: NodeConnection): pg.ClientConfig {
  const { host, port, user, password, database } = node;
  return { host, port, user, password, database, ssl: nodePostgresSsl(host, node.tls) };
}

/**
 * Connects a client for `config`, as libpq would for sslmode prefer: TLS first, and a plain
 * connection only when the server answers that it has no TLS at all.
 */
export async function connectClient(config: pg.ClientConfig, sslMode = "prefer"): Promise<pg.Client> {
  const client = new StrictAuthClient(config);
  // A server that drops the socket later must not crash the process with an unhandled 'error'.
  client.on("error", () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    const noTls = error instanceof Error && error.message === "The server does not support SSL connections";
    if (!noTls || sslMode !== "prefer" || config.ssl === false) throw error;
    return connectClient({ ...config, ssl: false }, "disable");
  }
}

export function clientConfig(node: NodeConnection, connectTimeoutMs = 5000): pg.ClientConfig {
  return {
    ...target(node),
    application_name: MONITOR_APPLICATION_NAME,
    statement_timeout: MONITOR_STATEMENT_TIMEOUT_MS,
    connectionTimeoutMillis: connectTimeoutMs,
  };
}

// Work sessions (a table copied back, CREATE DATABASE for a logical restore, counting what a
// restore brought back) are long by nature: the 2 s monitoring limit would cut them short. They
// have no statement_timeout (the worker's watchdog and the restore's cancel cover a stuck one),
// a lock_timeout when they take a lock on a live database, so they never queue up behind (and
// in front of) the application's own locks, and keepalives for hours-long copies.
export const WORK_APPLICATION_NAME = "walden-restore";
/** How long a work session waits for a lock on a live database before it gives up with an error. */
export const WORK_LOCK_TIMEOUT_MS = 10_000;

export interface WorkSessionOptions {
  /** application_name: still Walden's, named after the work ("walden-restore"). */
  applicationName?: string;
  /** Set when the session takes locks on a live database; none (0) on a restored copy. */
  lockTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/**
 * The startup options of a work session or tool: sent in the startup packet, so they override a
 * role's or database's own settings (ALTER ROLE … SET statement_timeout), on every major 13+.
 */
export function workSessionOptions(lockTimeoutMs = 0): string {
  return `-c statement_timeout=0 -c idle_in_transaction_session_timeout=0 -c lock_timeout=${lockTimeoutMs}`;
}

export function workClientConfig(node: NodeConnection, options: WorkSessionOptions = {}): pg.ClientConfig {
  return {
    ...target(node),
    application_name: options.applicationName ?? WORK_APPLICATION_NAME,
    // node-postgres does not send a 0 statement_timeout at all, so it goes in the startup options.
    options: workSessionOptions(options.lockTimeoutMs),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    // Keepalives for an hours-long copy through firewalls that drop quiet connections.
    keepAlive: true,
  };
}

async function withClient<T>(
  config: pg.ClientConfig,
  sslMode: string | undefined,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = await connectClient(config, sslMode);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Opens one short-lived monitoring connection (2 s statement_timeout), runs `work`, and always closes it. */
export function withNodeClient<T>(node: NodeConnection, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(clientConfig(node), node.tls?.mode, work);
}

/** Opens one work session (no statement_timeout; see workClientConfig), runs `work`, and always closes it. */
export function withWorkClient<T>(
  node: NodeConnection,
  options: WorkSessionOptions,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  return withClient(workClientConfig(node, options), node.tls?.mode, work);
}
