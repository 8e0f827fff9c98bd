import { db } from "@/lib/db";
import { BOSS_SCHEMA } from "@/lib/queue/boss";

// A backup or restore row is `queued` until a worker claims it. If its pg-boss job is gone
// (deleted, expired or failed before the claim, or the catalog was restored from a copy older
// than the job), nothing will ever claim it: it would look pending forever and block its
// schedule as an overlap. After a grace period such a row is failed with a message that says
// what happened. It is not re-queued: a restore or a backup hours late is a surprise, and the
// schedule's next run (or the person, told by the backup_failed alert) asks again.

/** How long a queued row may have no live job before it is taken as lost. */
export const LOST_JOB_AFTER_MS = 10 * 60_000;

const LIVE_STATES = ["created", "retry", "active"];

interface LostRow {
  id: string;
  created_at: Date;
}

async function lostRows(
  table: "backups" | "restores",
  queue: "backup.run" | "restore.run",
  key: "backupId" | "restoreId",
  before: Date,
  schema: string,
): Promise<LostRow[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`unexpected pg-boss schema name ${schema}`);
  return db().$queryRawUnsafe<LostRow[]>(
    `select t.id::text as id, t.created_at from ${table} t
      where t.status = 'queued' and t.created_at < $1
        and not exists (select 1 from ${schema}.job j
                         where j.name = $2 and j.data->>'${key}' = t.id::text and j.state::text = any($3))`,
    before,
    queue,
    LIVE_STATES,
  );
}

function lostMessage(queue: string, row: LostRow): string {
  return `its ${queue} job was lost: nothing was queued or running for it since ${row.created_at.toISOString()} (the job was deleted, expired or failed before a worker took it, or the catalog was restored); request it again`;
}

/** Fails queued backups and restores whose job no longer exists; returns their ids. */
export async function reapLostQueued(
  olderThanMs = LOST_JOB_AFTER_MS,
  schema = BOSS_SCHEMA,
): Promise<{ backups: string[]; restores: string[] }> {
  const before = new Date(Date.now() - olderThanMs);
  const backups = await lostRows("backups", "backup.run", "backupId", before, schema);
  for (const row of backups) {
    await db().backup.updateMany({
      where: { id: row.id, status: "queued" },
      data: { status: "failed", finishedAt: new Date(), error: lostMessage("backup.run", row) },
    });
  }
  const restores = await lostRows("restores", "restore.run", "restoreId", before, schema);
  for (const row of restores) {
    await db().restore.updateMany({
      where: { id: row.id, status: "queued" },
      data: { status: "failed", finishedAt: new Date(), error: lostMessage("restore.run", row) },
    });
  }
  return { backups: backups.map((row) => row.id), restores: restores.map((row) => row.id) };
}
