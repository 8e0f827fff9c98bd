import { z } from "zod";
import { currentPrimaryOf } from "@/lib/clusters/current-primary";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { nodeConnection } from "@/lib/clusters/test-connection";
import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import { withNodeClient, type NodeConnection } from "@/lib/pg/connection";

// WAL names files (database OID / relfilenode), never tables. To find "orders" in WAL after it
// was dropped, Walden must have written down which files "orders" had while it existed: a
// relation map of every database of the cluster, taken at each backup and whenever events are
// looked up. A map equal to the newest stored one is not stored again.

/** Maps kept per cluster; older ones are deleted. */
export const MAX_RELATION_MAPS = 200;
/** Databases read per map (each is one connection). */
const MAX_DATABASES = 200;
const CATALOG_STATEMENT_TIMEOUT = "30s";

export const relationMapEntrySchema = z.object({
  database: z.string(),
  dbOid: z.number().int().nonnegative(),
  /** Null for a partitioned table (it has no file of its own). */
  relfilenode: z.number().int().nonnegative().nullable(),
  oid: z.number().int().nonnegative(),
  schema: z.string(),
  name: z.string(),
  /** pg_class.relkind: r table, p partitioned table, m materialized view. */
  kind: z.enum(["r", "p", "m"]).optional(),
  /** For a partition: the OID of the top partitioned table. */
  rootOid: z.number().int().nonnegative().nullable().optional(),
});
export type RelationMapEntry = z.infer<typeof relationMapEntrySchema>;

export interface RelationMap {
  id: string | null;
  clusterId: string;
  capturedAt: Date;
  lsn: string | null;
  backupId: string | null;
  entries: RelationMapEntry[];
}

export interface CapturedRelationMap extends RelationMap {
  /** False when it equalled the newest stored map (that one's id is given). */
  stored: boolean;
  /** Databases that could not be read. */
  problems: string[];
}

interface DatabaseRow {
  oid: string;
  datname: string;
}

interface RelationRow {
  oid: string;
  relfilenode: string | null;
  schema: string;
  name: string;
  kind: "r" | "p" | "m";
  root: string | null;
}

// User tables, partitioned tables and materialized views (no temporary ones: their files are
// never in WAL), and pg_class itself: its deleted rows tell a dropped relation from a truncated
// one in WAL of PostgreSQL 13/14, and VACUUM FULL pg_class moves its file.
const RELATIONS_SQL = `
  select c.oid::text as oid, pg_relation_filenode(c.oid)::text as relfilenode,
         n.nspname as schema, c.relname as name, c.relkind::text as kind,
         case when c.relispartition then pg_partition_root(c.oid)::oid::text end as root
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where (c.relkind in ('r', 'p', 'm') and c.relpersistence <> 't'
          and n.nspname <> 'information_schema' and n.nspname !~ '^pg_')
      or c.oid = 'pg_catalog.pg_class'::regclass
   order by c.oid`;

async function readDatabase(connection: NodeConnection, database: DatabaseRow): Promise<RelationMapEntry[]> {
  return withNodeClient({ ...connection, database: database.datname }, async (client) => {
    await client.query(`set statement_timeout = '${CATALOG_STATEMENT_TIMEOUT}'`);
    const { rows } = await client.query<RelationRow>(RELATIONS_SQL);
    return rows.map((row) => ({
      database: database.datname,
      dbOid: Number(database.oid),
      relfilenode: row.relfilenode === null ? null : Number(row.relfilenode),
      oid: Number(row.oid),
      schema: row.schema,
      name: row.name,
      kind: row.kind,
      rootOid: row.root === null ? null : Number(row.root),
    }));
  });
}

/** Reads every database of a server: its relations and the WAL position they hold at. */
export async function readRelationMap(
  connection: NodeConnection,
): Promise<{ lsn: string | null; entries: RelationMapEntry[]; problems: string[] }> {
  const { lsn, databases } = await withNodeClient(connection, async (client) => {
    const position = await client.query<{ lsn: string | null }>(
      `select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end)::text as lsn`,
    );
    const list = await client.query<DatabaseRow>(
      `select oid::text as oid, datname from pg_database
        where datallowconn and not datistemplate order by datname`,
    );
    return { lsn: position.rows[0]?.lsn ?? null, databases: list.rows };
  });
  const problems: string[] = [];
  if (databases.length > MAX_DATABASES) {
    problems.push(`Only the first ${MAX_DATABASES} of ${databases.length} databases were mapped.`);
  }
  const entries: RelationMapEntry[] = [];
  for (const database of databases.slice(0, MAX_DATABASES)) {
    try {
      entries.push(...(await readDatabase(connection, database)));
    } catch (error) {
      problems.push(`Database ${database.datname} could not be read: ${(error as Error).message}`);
    }
  }
  entries.sort((a, b) => a.dbOid - b.dbOid || a.oid - b.oid);
  return { lsn, entries, problems };
}

/** Order-independent identity of a map's content. */
function fingerprint(entries: readonly RelationMapEntry[]): string {
  return JSON.stringify(
    [...entries]
      .sort((a, b) => a.dbOid - b.dbOid || a.oid - b.oid)
      .map((entry) => [
        entry.dbOid,
        entry.oid,
        entry.relfilenode,
        entry.database,
        entry.schema,
        entry.name,
        entry.kind ?? null,
        entry.rootOid ?? null,
      ]),
  );
}

/** Entries of a stored map; rows that do not have the expected shape are skipped. */
export function parseEntries(value: unknown): RelationMapEntry[] {
  if (!Array.isArray(value)) return [];
  const entries: RelationMapEntry[] = [];
  for (const item of value) {
    const parsed = relationMapEntrySchema.safeParse(item);
    if (parsed.success) entries.push(parsed.data);
  }
  return entries;
}

/**
 * Records which files every table of the cluster has now (connecting to its registered
 * primary with its registered credentials), unless nothing changed since the newest map. A map
 * taken for a backup is always stored. Keeps at most MAX_RELATION_MAPS maps per cluster.
 */
export async function captureRelationMap(
  clusterId: string,
  options: { backupId?: string } = {},
): Promise<CapturedRelationMap> {
  const cluster = await getClusterRowOrThrow(clusterId);
  const primary = await currentPrimaryOf(cluster);
  if (!primary) throw new Error(`cluster ${cluster.name} has no primary registered`);
  const read = await readRelationMap(nodeConnection(primary));
  const capturedAt = new Date();
  const backupId = options.backupId ?? null;
  const newest = await db().relationMap.findFirst({
    where: { clusterId },
    orderBy: { capturedAt: "desc" },
  });
  if (!backupId && newest && fingerprint(parseEntries(newest.entries)) === fingerprint(read.entries)) {
    return {
      id: newest.id,
      clusterId,
      capturedAt,
      lsn: read.lsn,
      backupId,
      entries: read.entries,
      stored: false,
      problems: read.problems,
    };
  }
  const row = await db().relationMap.create({
    data: {
      clusterId,
      capturedAt,
      lsn: read.lsn,
      backupId,
      entries: toJson(read.entries),
    },
    select: { id: true },
  });
  const old = await db().relationMap.findMany({
    where: { clusterId },
    orderBy: { capturedAt: "desc" },
    skip: MAX_RELATION_MAPS,
    select: { id: true },
  });
  if (old.length > 0) await db().relationMap.deleteMany({ where: { id: { in: old.map((map) => map.id) } } });
  return {
    id: row.id,
    clusterId,
    capturedAt,
    lsn: read.lsn,
    backupId,
    entries: read.entries,
    stored: true,
    problems: read.problems,
  };
}

/** Every stored map of a cluster, oldest first. */
export async function listRelationMaps(clusterId: string): Promise<RelationMap[]> {
  const rows = await db().relationMap.findMany({ where: { clusterId }, orderBy: { capturedAt: "asc" } });
  return rows.map((row) => ({
    id: row.id,
    clusterId: row.clusterId,
    capturedAt: row.capturedAt,
    lsn: row.lsn,
    backupId: row.backupId,
    entries: parseEntries(row.entries),
  }));
}
