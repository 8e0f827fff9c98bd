import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "@/lib/db";
import { BOSS_SCHEMA, createBoss, ensureQueues } from "@/lib/queue/boss";
import { startDueVerifications } from "@/lib/schedules/verify";

// The per-cluster verification schedule (issue 16): when it has fired since it last ran, the
// cluster's backups not verified in the last week are queued for backup.verify, once; a cluster
// without a schedule is passed by.

let boss: PgBoss;
let withSchedule: string;
let without: string;
const backups: Record<string, string> = {};

async function backup(clusterId: string, verifiedAt: Date | null) {
  const row = await db().backup.create({
    data: {
      clusterId,
      kind: "physical",
      status: "succeeded",
      options: {},
      requestedBy: "test",
      finishedAt: new Date(),
      verifiedAt,
      verified: verifiedAt !== null,
    },
  });
  return row.id;
}

async function verifyJobs(): Promise<string[]> {
  const { rows } = (await boss
    .getDb()
    .executeSql(
      `SELECT data->>'backupId' AS id FROM ${BOSS_SCHEMA}.job WHERE name = 'backup.verify'`,
      [],
    )) as {
    rows: { id: string }[];
  };
  return rows.map((row) => row.id);
}

beforeAll(async () => {
  const run = Date.now().toString(36);
  withSchedule = (
    await db().cluster.create({ data: { name: `verify-a-${run}`, archiveMode: "archive_command" } })
  ).id;
  without = (await db().cluster.create({ data: { name: `verify-b-${run}`, archiveMode: "archive_command" } }))
    .id;
  // Saved two weeks ago: its Sunday 04:00 firing has come since.
  await db().verifySchedule.create({
    data: {
      clusterId: withSchedule,
      cron: "0 4 * * 0",
      timezone: "UTC",
      updatedAt: new Date(Date.now() - 14 * 86_400_000),
    },
  });
  backups.never = await backup(withSchedule, null);
  backups.old = await backup(withSchedule, new Date(Date.now() - 8 * 86_400_000));
  backups.fresh = await backup(withSchedule, new Date(Date.now() - 86_400_000));
  backups.other = await backup(without, null);
  boss = createBoss(inject("databaseUrl"), { schedule: false, supervise: false });
  await boss.start();
  await ensureQueues(boss);
});

afterAll(async () => {
  const ids = Object.values(backups);
  await boss
    .getDb()
    .executeSql(
      `DELETE FROM ${BOSS_SCHEMA}.job WHERE name = 'backup.verify' AND data->>'backupId' = ANY($1)`,
      [ids],
    );
  await boss.stop({ graceful: false });
  await db().cluster.deleteMany({ where: { id: { in: [withSchedule, without] } } });
});

describe("startDueVerifications", () => {
  it("queues the scheduled cluster's backups not verified this week, once per firing, and no other cluster's", async () => {
    await startDueVerifications(boss);
    const queued = await verifyJobs();
    expect(queued).toEqual(expect.arrayContaining([backups.never, backups.old]));
    expect(queued).not.toContain(backups.fresh);
    expect(queued).not.toContain(backups.other);
    const schedule = await db().verifySchedule.findUniqueOrThrow({ where: { clusterId: withSchedule } });
    expect(schedule.lastOutcome).toBe("queued 2 verifications");

    // The same firing does not queue them again.
    await startDueVerifications(boss);
    expect((await verifyJobs()).filter((id) => id === backups.never)).toHaveLength(1);
  });

  it("passes a disabled schedule by", async () => {
    await db().verifySchedule.update({
      where: { clusterId: withSchedule },
      data: { enabled: false, lastRunAt: null, updatedAt: new Date(Date.now() - 14 * 86_400_000) },
    });
    const before = (await verifyJobs()).length;
    await startDueVerifications(boss);
    expect((await verifyJobs()).length).toBe(before);
  });
});
