import type { PitrRestoreRequest, Verification } from "@/lib/schemas/restore";
import type { RestoreContext } from "./context";
import { instanceClient, type InstanceInfo } from "./instance";
import { countTables } from "./verify-instance";

// What a PITR copy holds once replay is done (step "verify" of pitr.ts): each database's tables
// counted, the point reached, and the form's check query run read-only by a harmless role.

const MAX_VERIFIED_DATABASES = 20;
const CHECK_ROLE = "walden_check";
const CHECK_ROWS = 50;

/** Runs the form's check query as a role that cannot read files or run programs, read-only. */
async function runCheck(
  info: InstanceInfo,
  superuser: string,
  registeredRole: string,
  database: string,
  sql: string,
  inRecovery: boolean,
): Promise<Verification["check"]> {
  let role = CHECK_ROLE;
  const admin = await instanceClient(info, database, superuser);
  try {
    if (inRecovery) {
      const { rows } = await admin.query<{ super: boolean }>(
        "select rolsuper as super from pg_roles where rolname = $1",
        [registeredRole],
      );
      if (rows[0]?.super !== false)
        return {
          skipped: `a paused instance is read-only, so no check role can be made, and ${registeredRole} is a superuser; promote to run the check`,
        };
      role = registeredRole;
    } else {
      const exists = await admin.query("select 1 from pg_roles where rolname = $1", [CHECK_ROLE]);
      if (exists.rowCount === 0)
        await admin.query(`create role ${CHECK_ROLE} login nosuperuser nocreatedb nocreaterole`);
      const version = await admin.query<{ v: number }>(
        "select current_setting('server_version_num')::int as v",
      );
      if (version.rows[0]!.v >= 140000) await admin.query(`grant pg_read_all_data to ${CHECK_ROLE}`);
    }
  } finally {
    await admin.end().catch(() => {});
  }
  const client = await instanceClient(info, database, role);
  try {
    await client.query("begin read only");
    await client.query("set local statement_timeout = '30s'");
    const inner = sql.trim().replace(/;\s*$/, "");
    const result = await client.query({
      text: `select * from (${inner}) as check_query limit ${CHECK_ROWS + 1}`,
      rowMode: "array",
    });
    await client.query("rollback");
    return {
      database,
      columns: result.fields.map((field) => field.name),
      rows: (result.rows as unknown[][]).slice(0, CHECK_ROWS),
      truncated: result.rows.length > CHECK_ROWS,
    };
  } catch (error) {
    return { error: (error as Error).message };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Counts each database's tables, reads the point reached and runs the check query. */
export async function verifyRestoredInstance(
  ctx: RestoreContext,
  info: InstanceInfo,
  superuser: string,
  registeredRole: string,
  request: PitrRestoreRequest,
): Promise<{ verification: Verification; reached: { lsn: string | null; time: string | null } }> {
  const client = await instanceClient(info, "postgres", superuser);
  let databases: { name: string; size: string }[];
  let reached: { lsn: string | null; time: string | null };
  let inRecovery: boolean;
  try {
    const list = await client.query<{ name: string; size: string }>(
      "select datname as name, pg_database_size(oid)::text as size from pg_database where datallowconn and not datistemplate order by datname",
    );
    databases = list.rows;
    const position = await client.query<{ lsn: string | null; time: Date | null; in_recovery: boolean }>(
      "select pg_last_wal_replay_lsn()::text as lsn, pg_last_xact_replay_timestamp() as time, pg_is_in_recovery() as in_recovery",
    );
    const row = position.rows[0]!;
    reached = { lsn: row.lsn, time: row.time?.toISOString() ?? null };
    inRecovery = row.in_recovery;
  } finally {
    await client.end().catch(() => {});
  }
  const verification: Verification = { databases: [], inRecovery, check: null };
  for (const database of databases.slice(0, MAX_VERIFIED_DATABASES)) {
    const dbClient = await instanceClient(info, database.name, superuser);
    try {
      const counted = await countTables(dbClient);
      verification.databases.push({ name: database.name, sizeBytes: Number(database.size), ...counted });
      ctx.steps.log(
        `${database.name}: ${counted.tables.length} tables, ${counted.tables.reduce((n, t) => n + (t.rows ?? 0), 0)} rows`,
      );
    } finally {
      await dbClient.end().catch(() => {});
    }
  }
  if (request.checkSql) {
    verification.check = await runCheck(
      info,
      superuser,
      registeredRole,
      info.database,
      request.checkSql,
      inRecovery,
    );
    ctx.steps.log(
      verification.check && "columns" in verification.check
        ? `check query: ${verification.check.rows.length} rows`
        : `check query: ${JSON.stringify(verification.check)}`,
    );
  }
  return { verification, reached };
}
