import pg from "pg";
import { port, type Context, type ServerName } from "./context";
import type { Credentials } from "./credentials";

// SQL over the socket, as the postgres superuser: the roles, databases and slots each server needs.

export async function withSuperuser<T>(
  ctx: Context,
  name: ServerName,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    host: ctx.layout.runDir,
    port: port(ctx, name),
    user: "postgres",
    database: "postgres",
    ssl: false, // a PGSSLMODE in the caller's environment must not apply to the socket
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function ensureRole(
  client: pg.Client,
  role: string,
  attributes: string,
  password: string,
): Promise<void> {
  const ident = client.escapeIdentifier(role);
  const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
  if (exists.rowCount === 0) await client.query(`CREATE ROLE ${ident}`);
  await client.query(`ALTER ROLE ${ident} ${attributes} PASSWORD ${client.escapeLiteral(password)}`);
}

async function ensureDatabase(client: pg.Client, database: string, owner: string): Promise<void> {
  const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
  const [db, role] = [client.escapeIdentifier(database), client.escapeIdentifier(owner)];
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${db} OWNER ${role}`);
  else await client.query(`ALTER DATABASE ${db} OWNER TO ${role}`);
}

export async function ensureSlot(client: pg.Client, slot: string): Promise<void> {
  const exists = await client.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", [slot]);
  // Reserve WAL now, so nothing the standby will ask for is recycled before it connects.
  if (exists.rowCount === 0) {
    await client.query("SELECT pg_create_physical_replication_slot($1, true)", [slot]);
  }
}

export async function ensureCatalogObjects(client: pg.Client, credentials: Credentials): Promise<void> {
  await ensureRole(client, "walden", "LOGIN SUPERUSER", credentials.catalogPassword);
  await ensureDatabase(client, "walden", "walden");
}

export async function ensurePrimaryObjects(client: pg.Client, credentials: Credentials): Promise<void> {
  await ensureRole(client, "walden", "LOGIN SUPERUSER REPLICATION", credentials.primaryPassword);
  await ensureRole(client, "replicator", "LOGIN REPLICATION", credentials.replicatorPassword);
  await ensureDatabase(client, "app", "walden");
  await ensureSlot(client, "standby1");
}
