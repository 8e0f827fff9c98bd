import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";

// Shared by the pg tests of lib/wal and the restore-window route: real commits on the sandbox
// primary, each closed into its own archived segment with pg_switch_wal().

export interface PrimaryConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface ProbeCommit {
  xid: number;
  /** The WAL position just before the commit, and the segment holding it. */
  lsnBefore: string;
  wal: string;
  /** Server clock right before the commit and right after it. */
  before: Date;
  after: Date;
}

export async function withPrimary<T>(
  connection: PrimaryConnection,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** One committed insert; returns its xid, its segment and the time around the commit. */
export async function probeCommit(client: pg.Client): Promise<ProbeCommit> {
  await client.query("create table if not exists wal_probe (id bigserial primary key, at timestamptz)");
  await client.query("begin");
  await client.query("insert into wal_probe (at) values (clock_timestamp())");
  const { rows } = await client.query<{ xid: string; lsn: string; wal: string; before: Date }>(
    `select txid_current()::text as xid, pg_current_wal_insert_lsn()::text as lsn,
            pg_walfile_name(pg_current_wal_insert_lsn()) as wal, clock_timestamp() as before`,
  );
  await client.query("commit");
  const after = (await client.query<{ now: Date }>("select clock_timestamp() as now")).rows[0]!.now;
  const row = rows[0]!;
  return { xid: Number(row.xid), lsnBefore: row.lsn, wal: row.wal, before: row.before, after };
}

/** Closes the current segment; returns its name (it is archived shortly after). */
export async function switchWal(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ wal: string }>("select pg_walfile_name(pg_switch_wal()) as wal");
  return rows[0]!.wal;
}

export async function waitForArchived(archiveDir: string, wal: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path.join(archiveDir, wal))) {
    if (Date.now() > deadline)
      throw new Error(`${wal} was not archived into ${archiveDir} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function currentPosition(
  client: pg.Client,
): Promise<{ lsn: string; wal: string; timeline: number; at: Date }> {
  const { rows } = await client.query<{ lsn: string; wal: string; timeline: number; at: Date }>(
    `select pg_current_wal_insert_lsn()::text as lsn, pg_walfile_name(pg_current_wal_insert_lsn()) as wal,
            (select timeline_id from pg_control_checkpoint()) as timeline, clock_timestamp() as at`,
  );
  return rows[0]!;
}
