import pg from "pg";

/** Connection settings for one monitored node: fields, never a conninfo string. */
export interface NodeConnection {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

// Every session Walden opens on a monitored server is recognisable (application_name)
// and cannot run away (statement_timeout), as design.md asks.
export const MONITOR_APPLICATION_NAME = "walden";
export const MONITOR_STATEMENT_TIMEOUT_MS = 2000;

export function clientConfig(node: NodeConnection, connectTimeoutMs = 5000): pg.ClientConfig {
  return {
    host: node.host,
    port: node.port,
    user: node.user,
    password: node.password,
    database: node.database,
    application_name: MONITOR_APPLICATION_NAME,
    statement_timeout: MONITOR_STATEMENT_TIMEOUT_MS,
    connectionTimeoutMillis: connectTimeoutMs,
  };
}

/** Opens one short-lived connection, runs `work`, and always closes it. */
export async function withNodeClient<T>(
  node: NodeConnection,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(clientConfig(node));
  // A server that drops the socket later must not crash the process with an unhandled 'error'.
  client.on("error", () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}
