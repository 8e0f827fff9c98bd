import fs from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { currentPrimaryOf } from "@/lib/clusters/current-primary";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { nodeConnection } from "@/lib/clusters/test-connection";
import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import type { Restore } from "@/lib/generated/prisma/client";
import {
  WORK_LOCK_TIMEOUT_MS,
  withNodeClient,
  withWorkClient,
  type NodeConnection,
} from "@/lib/pg/connection";
import { logicalRestoreRequestSchema, tableRestoreRequestSchema } from "@/lib/schemas/restore";
import { pgRestoreArgs } from "@/lib/tools/argv";
import { toolPath } from "@/lib/tools/binaries";
import { withNodeAccess, type NodeAccess } from "@/lib/tools/node-access";
import { runTool } from "@/lib/tools/run";
import { openBackupFolder } from "@/lib/backup/at-rest-open";
import { instanceClient, instancePaths, superuserName, type InstanceInfo } from "./instance";
import type { RestoreContext } from "./context";
import { countTables } from "./verify-instance";

// restore.run for kinds "logical" (pg_restore of a logical backup into a new database, or over
// an existing one when its name was typed to confirm) and "table" (one table copied from a
// restored instance or a logically restored database into the live database under a new name).

export const LOGICAL_STEPS = ["prepare", "create database", "pg_restore", "verify"] as const;
export const TABLE_STEPS = ["prepare", "copy", "verify"] as const;

/** Where a restore writes or reads: the cluster's primary, or a restored instance (its socket). */
interface Endpoint {
  connection: NodeConnection;
  /** A restored instance is reached through its private socket as its superuser, no password. */
  viaSocket: boolean;
  label: string;
}

async function clusterEndpoint(clusterId: string, database?: string): Promise<Endpoint> {
  const cluster = await getClusterRowOrThrow(clusterId);
  const primary = await currentPrimaryOf(cluster);
  if (!primary) throw new Error(`cluster ${cluster.name} has no primary registered`);
  const connection = nodeConnection(primary);
  return {
    connection: { ...connection, database: database ?? connection.database },
    viaSocket: false,
    label: `${cluster.name} primary ${primary.host}:${primary.port}`,
  };
}

async function instanceEndpoint(restoreId: string, database?: string): Promise<Endpoint> {
  const restore = await db().restore.findUnique({ where: { id: restoreId } });
  const info = restore?.instance as InstanceInfo | null;
  if (
    !restore ||
    restore.kind !== "pitr" ||
    restore.status !== "succeeded" ||
    restore.instanceState !== "running" ||
    !info
  )
    throw new Error(`restore ${restoreId} has no running restored instance`);
  const superuser = await superuserName(info, info.user);
  return {
    connection: {
      host: info.socketDir,
      port: info.port,
      user: superuser,
      database: database ?? info.database,
    },
    viaSocket: true,
    label: `restored instance ${info.name} (127.0.0.1:${info.port})`,
  };
}

/**
 * A session on an endpoint. On a live cluster it is a work session (no statement_timeout: copies
 * and CREATE DATABASE are long) with a lock_timeout, so it never queues behind the application's
 * locks; "monitor" is the short monitoring session, for the watchdog's probe. A restored
 * instance is Walden's own: no limits.
 */
async function withEndpointClient<T>(
  endpoint: Endpoint,
  work: (client: pg.Client) => Promise<T>,
  session: "work" | "monitor" = "work",
): Promise<T> {
  if (!endpoint.viaSocket)
    return session === "monitor"
      ? withNodeClient(endpoint.connection, work)
      : withWorkClient(endpoint.connection, { lockTimeoutMs: WORK_LOCK_TIMEOUT_MS }, work);
  const info = { socketDir: endpoint.connection.host, port: endpoint.connection.port };
  const client = await instanceClient(info, endpoint.connection.database, endpoint.connection.user);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function databaseExists(endpoint: Endpoint, name: string): Promise<boolean> {
  return withEndpointClient(endpoint, async (client) => {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    return (rowCount ?? 0) > 0;
  });
}

/**
 * The watchdog's view of pg_restore's work on the server: a session of the database that is
 * working (active, not waiting for a lock) is progress, and so is the database growing. A server
 * that does not answer gives null: no progress.
 */
async function restoreActivity(target: Endpoint): Promise<string> {
  return withEndpointClient(
    target,
    async (client) => {
      const { rows } = await client.query<{ working: boolean; size: string }>(
        `/* walden */ select exists (select 1 from pg_stat_activity
             where datname = current_database() and pid <> pg_backend_pid() and state = 'active'
               and wait_event_type is distinct from 'Lock') as working,
           pg_database_size(current_database())::text as size`,
      );
      return rows[0]!.working ? `working ${Date.now()}` : `size ${rows[0]!.size}`;
    },
    "monitor",
  );
}

export async function runLogicalRestore(ctx: RestoreContext, restore: Restore): Promise<void> {
  const request = logicalRestoreRequestSchema.parse(restore.request);
  ctx.steps.begin("prepare");
  const backup = await db().backup.findUnique({
    where: { id: request.backupId },
    include: { cluster: { select: { localEncryptionIdentityEncrypted: true } } },
  });
  if (!backup || backup.kind !== "logical" || backup.status !== "succeeded" || !backup.path)
    throw new Error(`backup ${request.backupId} is not a succeeded logical backup`);
  // Encrypted at rest: decrypted with the key Walden holds into the restore's own folder first.
  const staging = path.join(instancePaths(restore.id).root, "decrypted-backup");
  const backupDir = await openBackupFolder(
    { ...backup, path: backup.path },
    backup.cluster,
    undefined,
    staging,
    (line) => ctx.steps.log(line),
  );
  try {
    await restoreFromFolder(ctx, request, backup.id, backupDir);
  } finally {
    if (backupDir === staging) await fs.rm(path.dirname(staging), { recursive: true, force: true });
  }
}

async function restoreFromFolder(
  ctx: RestoreContext,
  request: ReturnType<typeof logicalRestoreRequestSchema.parse>,
  backupId: string,
  backupDir: string,
): Promise<void> {
  const backup = { id: backupId, path: backupDir };
  const dump = (await fs.readdir(backup.path)).find((file) => file === "dump" || file === "dump.pgdump");
  if (!dump) throw new Error(`the backup folder ${backup.path} has no dump`);
  const admin = request.intoRestoreId
    ? await instanceEndpoint(request.intoRestoreId)
    : await clusterEndpoint(request.clusterId);
  const target: Endpoint = { ...admin, connection: { ...admin.connection, database: request.database } };
  ctx.steps.log(`into database ${request.database} on ${admin.label}`);
  await ctx.persist({
    backupId: backup.id,
    instance: toJson({
      host: admin.viaSocket ? "127.0.0.1" : admin.connection.host,
      port: admin.connection.port,
      database: request.database,
    }),
  });
  ctx.steps.end();

  ctx.steps.begin("create database");
  const exists = await databaseExists(admin, request.database);
  if (request.clean) {
    if (!exists)
      throw new Error(
        `database ${request.database} does not exist; restore into a new database without "clean"`,
      );
    ctx.steps.log(
      `restoring over the existing database ${request.database} (--clean --if-exists), as confirmed`,
    );
    ctx.steps.end("skipped");
  } else {
    if (exists)
      throw new Error(
        `database ${request.database} already exists: choose a new name, or restore over it with clean and its name typed to confirm`,
      );
    // From template0, as pg_dump's documentation asks: objects a DBA added to template1 would
    // collide with the dump's. No locale or strategy options, so it works on every major 13+.
    await withEndpointClient(admin, (client) =>
      client.query(`create database ${client.escapeIdentifier(request.database)} template template0`),
    );
    ctx.steps.log(`created database ${request.database}`);
    ctx.steps.end();
  }

  ctx.steps.begin("pg_restore");
  await ctx.checkCancelled();
  const args = pgRestoreArgs({
    connection: target.connection,
    database: request.database,
    dumpPath: path.join(backup.path, dump),
    jobs: request.jobs,
    tables: request.tables,
    schemas: request.schemas,
    clean: request.clean,
    noOwner: request.noOwner,
  });
  ctx.steps.log(`$ pg_restore ${args.join(" ")}`);
  const { connection } = target;
  // A restored copy is reached over its private socket (trust): no password, no TLS.
  const withAccess = <T>(work: (access: NodeAccess) => Promise<T>) =>
    target.viaSocket ? work({}) : withNodeAccess(connection, work);
  const result = await withAccess((access) =>
    runTool({
      program: toolPath("pg_restore"),
      args,
      ...access,
      onStderrLine: (line) => ctx.steps.log(line),
      waitingFor: `pg_restore's sessions on ${target.label} (${request.database})`,
      // An index build or a big COPY on the server shows no progress in pg_restore itself.
      progressProbe: () => restoreActivity(target),
    }),
  );
  if (result.code !== 0)
    throw new Error(
      `pg_restore failed (exit ${result.code ?? result.signal}): ${result.stderrTail.slice(-3).join(" | ")}`,
    );
  ctx.steps.end();

  ctx.steps.begin("verify");
  const counted = await withEndpointClient(target, countTables);
  ctx.steps.log(
    `${counted.tables.length} tables, ${counted.tables.reduce((n, t) => n + (t.rows ?? 0), 0)} rows`,
  );
  await ctx.persist({
    verification: toJson({
      databases: [{ name: request.database, sizeBytes: 0, ...counted }],
      inRecovery: false,
      check: null,
    }),
  });
  ctx.steps.end();
}

interface ColumnDef {
  name: string;
  type: string;
  notNull: boolean;
}

async function sourceEndpoint(sourceRestoreId: string, database?: string): Promise<Endpoint> {
  const source = await db().restore.findUnique({ where: { id: sourceRestoreId } });
  if (!source) throw new Error(`restore ${sourceRestoreId} does not exist`);
  if (source.kind === "pitr") return instanceEndpoint(source.id, database);
  if (source.kind === "logical" && source.status === "succeeded") {
    const request = logicalRestoreRequestSchema.parse(source.request);
    return request.intoRestoreId
      ? instanceEndpoint(request.intoRestoreId, database ?? request.database)
      : clusterEndpoint(request.clusterId, database ?? request.database);
  }
  throw new Error(
    `restore ${sourceRestoreId} is a ${source.kind} restore (${source.status}); copy from a succeeded pitr or logical restore`,
  );
}

export async function runTableRestore(ctx: RestoreContext, restore: Restore): Promise<void> {
  const request = tableRestoreRequestSchema.parse(restore.request);
  const [schema, table] = request.table.split(".") as [string, string];
  const newName = request.newName!;
  ctx.steps.begin("prepare");
  const source = await sourceEndpoint(request.sourceRestoreId, request.sourceDatabase);
  const target = await clusterEndpoint(request.clusterId, request.database);
  ctx.steps.log(
    `copy ${request.table} from ${source.label} (${source.connection.database}) to ${schema}.${newName} on ${target.label} (${target.connection.database})`,
  );
  const columns = await withEndpointClient(source, async (client) => {
    const { rows } = await client.query<ColumnDef>(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as "notNull"
         from pg_attribute a where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped order by a.attnum`,
      [`${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`],
    );
    return rows;
  });
  if (columns.length === 0)
    throw new Error(`${request.table} does not exist in ${source.label} (${source.connection.database})`);
  ctx.steps.end();

  ctx.steps.begin("copy");
  await ctx.checkCancelled();
  const copied = await withEndpointClient(source, (sourceClient) =>
    withEndpointClient(target, async (targetClient) => {
      const qualifiedNew = `${targetClient.escapeIdentifier(schema)}.${targetClient.escapeIdentifier(newName)}`;
      await targetClient.query("begin");
      try {
        const { rows } = await targetClient.query<{ exists: boolean }>(
          "select to_regclass($1) is not null as exists",
          [qualifiedNew],
        );
        if (rows[0]!.exists)
          throw new Error(
            `${schema}.${newName} already exists on the live database: Walden never overwrites a table`,
          );
        const definition = columns
          .map((c) => `${targetClient.escapeIdentifier(c.name)} ${c.type}${c.notNull ? " not null" : ""}`)
          .join(", ");
        await targetClient.query(`create table ${qualifiedNew} (${definition})`);
        const list = columns.map((c) => sourceClient.escapeIdentifier(c.name)).join(", ");
        const qualifiedSource = `${sourceClient.escapeIdentifier(schema)}.${sourceClient.escapeIdentifier(table)}`;
        await sourceClient.query("begin read only");
        await pipeline(
          sourceClient.query(copyTo(`copy (select ${list} from ${qualifiedSource}) to stdout`)),
          targetClient.query(copyFrom(`copy ${qualifiedNew} (${list}) from stdin`)),
        );
        await sourceClient.query("rollback");
        const counted = await targetClient.query<{ n: string }>(
          `select count(*)::text as n from ${qualifiedNew}`,
        );
        await targetClient.query("commit");
        return Number(counted.rows[0]!.n);
      } catch (error) {
        await targetClient.query("rollback").catch(() => {});
        throw error;
      }
    }),
  );
  ctx.steps.log(`copied ${copied} rows into ${schema}.${newName}`);
  ctx.steps.end();

  ctx.steps.begin("verify");
  const sourceRows = await withEndpointClient(source, async (client) => {
    const { rows } = await client.query<{ n: string }>(
      `select count(*)::text as n from ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`,
    );
    return Number(rows[0]!.n);
  });
  if (sourceRows !== copied) throw new Error(`the source has ${sourceRows} rows but ${copied} were copied`);
  ctx.steps.log(`row counts match: ${copied}`);
  await ctx.persist({
    instance: toJson({
      host: target.connection.host,
      port: target.connection.port,
      database: target.connection.database,
    }),
    verification: toJson({ table: `${schema}.${newName}`, rows: copied, sourceRows }),
  });
  ctx.steps.end();
}
