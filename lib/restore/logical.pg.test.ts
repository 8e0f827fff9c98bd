import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBackup } from "@/lib/backup/run";
import { db } from "@/lib/db";
import { runRestore } from "@/lib/restore/run";
import { logicalBackupRequestSchema } from "@/lib/schemas/backup";
import { logicalRestoreRequestSchema, tableRestoreRequestSchema } from "@/lib/schemas/restore";
import { registerSandboxCluster, sandboxPrimary, withSandboxPrimary } from "@/test/sandbox-cluster";
import { restoredTableName } from "./names";

// pg_restore of a real logical backup into a new database, and one table copied from it into
// the live database under a new name, compared row by row (md5 of the ordered rows).

const run = Date.now().toString(36);
const table = `lr_orders_${run}`;
const newDatabase = `restored_${run}`;
let clusterId: string;
let backupId: string;
let originalMd5: string;

const md5Of = (name: string) =>
  `select md5(coalesce(string_agg(t::text, ',' order by id), '')) as md5 from public.${name} t`;

async function md5In(database: string, name: string): Promise<string> {
  const client = new pg.Client({ ...sandboxPrimary(), database });
  await client.connect();
  try {
    return (await client.query<{ md5: string }>(md5Of(name))).rows[0]!.md5;
  } finally {
    await client.end();
  }
}

async function runAs(kind: "logical" | "table", request: Record<string, unknown>) {
  const parsed =
    kind === "logical"
      ? logicalRestoreRequestSchema.parse({ clusterId, kind, ...request })
      : tableRestoreRequestSchema.parse({ clusterId, kind, ...request });
  const row = await db().restore.create({
    data: { clusterId, kind, request: parsed as never, requestedBy: "test" },
  });
  expect(await runRestore(row.id, "test-worker")).toBe(true);
  return db().restore.findUniqueOrThrow({ where: { id: row.id } });
}

beforeAll(async () => {
  clusterId = await registerSandboxCluster(`logical-${run}`);
  await withSandboxPrimary(async (client) => {
    await client.query(
      `create table ${table} (id int primary key, amount numeric(10,2) not null, note text, tags text[])`,
    );
    await client.query(
      `insert into ${table} select g, g * 1.5, case when g % 7 = 0 then null else 'n' || g end, array['a', g::text] from generate_series(1, 500) g`,
    );
    originalMd5 = (await client.query<{ md5: string }>(md5Of(table))).rows[0]!.md5;
  });
  const options = logicalBackupRequestSchema.parse({
    clusterId,
    kind: "logical",
    database: "app",
    tables: [table],
  });
  const backup = await db().backup.create({
    data: { clusterId, kind: "logical", options, requestedBy: "test" },
  });
  await runBackup(backup.id, "test-worker");
  const done = await db().backup.findUniqueOrThrow({ where: { id: backup.id } });
  if (done.status !== "succeeded") throw new Error(`logical backup failed: ${done.error}`);
  backupId = backup.id;
}, 180_000);

afterAll(async () => {
  await withSandboxPrimary(async (client) => {
    await client.query(`drop database if exists ${newDatabase} with (force)`);
    const { rows } = await client.query<{ name: string }>(
      "select tablename as name from pg_tables where schemaname = 'public' and tablename like $1",
      [`${table}%`],
    );
    for (const { name } of rows) await client.query(`drop table ${client.escapeIdentifier(name)}`);
  });
  await db().cluster.delete({ where: { id: clusterId } });
});

describe("logical restore", () => {
  let logicalRestoreId: string;

  it("restores a logical backup into a new database with the same rows", async () => {
    const restore = await runAs("logical", { backupId, database: newDatabase, jobs: 2 });
    expect(restore.error).toBeNull();
    expect(restore.status).toBe("succeeded");
    expect(await md5In(newDatabase, table)).toBe(originalMd5);
    const verification = restore.verification as {
      databases: { tables: { name: string; rows: number }[] }[];
    };
    expect(verification.databases[0]!.tables.find((t) => t.name === table)!.rows).toBe(500);
    logicalRestoreId = restore.id;
  });

  it("never restores into an existing database unless asked to clean it with its name typed", async () => {
    const again = await runAs("logical", { backupId, database: newDatabase });
    expect(again.status).toBe("failed");
    expect(again.error).toMatch(/already exists/);
    expect(() =>
      logicalRestoreRequestSchema.parse({
        clusterId,
        kind: "logical",
        backupId,
        database: newDatabase,
        clean: true,
      }),
    ).toThrow(/type its name to confirm/);
    const cleaned = await runAs("logical", {
      backupId,
      database: newDatabase,
      clean: true,
      confirm: newDatabase,
    });
    expect(cleaned.status).toBe("succeeded");
    expect(await md5In(newDatabase, table)).toBe(originalMd5);
  });

  it("copies one table back beside the damaged one, under a new name, never over an existing table", async () => {
    await withSandboxPrimary((client) => client.query(`delete from ${table} where id % 3 = 0`));
    const newName = restoredTableName(table, new Date());
    const copied = await runAs("table", {
      sourceRestoreId: logicalRestoreId,
      table: `public.${table}`,
      database: "app",
      newName,
      confirm: newName,
    });
    expect(copied.error).toBeNull();
    expect(copied.status).toBe("succeeded");
    expect(await md5In("app", newName)).toBe(originalMd5);
    expect(await md5In("app", table)).not.toBe(originalMd5); // the damaged table is left alone

    const twice = await runAs("table", {
      sourceRestoreId: logicalRestoreId,
      table: `public.${table}`,
      database: "app",
      newName,
      confirm: newName,
    });
    expect(twice.status).toBe("failed");
    expect(twice.error).toMatch(/already exists on the live database/);
    expect(await md5In("app", newName)).toBe(originalMd5);
  });
});
