import type pg from "pg";
import type { TableCount } from "@/lib/schemas/restore";

// What a restored database holds, table by table: shared by PITR restores (every database of
// the instance) and logical restores (the database they made).

const MAX_COUNTED_TABLES = 200;
/** Tables estimated bigger than this get pg_class.reltuples, not count(*). */
const EXACT_COUNT_LIMIT = 5_000_000;

export async function countTables(client: pg.Client): Promise<{ tables: TableCount[]; truncated: boolean }> {
  // A table dropped after the target is still locked by a paused startup process (stack.md).
  await client.query("set lock_timeout = '2s'; set statement_timeout = '30s'");
  const { rows } = await client.query<{ schema: string; name: string; estimate: number }>(
    `select n.nspname as schema, c.relname as name, greatest(c.reltuples, 0)::float8 as estimate
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
        and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
      order by 1, 2 limit ${MAX_COUNTED_TABLES + 1}`,
  );
  const tables: TableCount[] = [];
  for (const row of rows.slice(0, MAX_COUNTED_TABLES)) {
    if (row.estimate > EXACT_COUNT_LIMIT) {
      tables.push({ schema: row.schema, name: row.name, rows: Math.round(row.estimate), estimated: true });
      continue;
    }
    const ident = `${client.escapeIdentifier(row.schema)}.${client.escapeIdentifier(row.name)}`;
    try {
      const counted = await client.query<{ n: string }>(`select count(*)::text as n from ${ident}`);
      tables.push({ schema: row.schema, name: row.name, rows: Number(counted.rows[0]!.n) });
    } catch (error) {
      tables.push({ schema: row.schema, name: row.name, rows: null, error: (error as Error).message });
    }
  }
  return { tables, truncated: rows.length > MAX_COUNTED_TABLES };
}
