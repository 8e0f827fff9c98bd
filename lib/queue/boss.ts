import PgBoss from "pg-boss";
import {
  parsePayload,
  queueNames,
  queueOptions,
  type QueueName,
  type QueueOptions,
  type QueuePayload,
} from "@/lib/queue/queues";

// pg-boss keeps its tables in the catalog database, in its own schema.
export const BOSS_SCHEMA = "pgboss";

export function createBoss(databaseUrl: string, options: Partial<PgBoss.ConstructorOptions> = {}): PgBoss {
  return new PgBoss({
    connectionString: databaseUrl,
    schema: BOSS_SCHEMA,
    application_name: "walden-jobs",
    ...options,
  });
}

/**
 * pg-boss 10 needs each queue created before use. createQueue leaves an existing queue as it
 * is, so updateQueue then brings its expiry and retries to the table's (queues.ts).
 */
export async function ensureQueues(boss: PgBoss): Promise<void> {
  for (const name of queueNames) await ensureQueue(boss, name, queueOptions[name]);
}

export async function ensureQueue(boss: PgBoss, name: string, options: QueueOptions): Promise<void> {
  await boss.createQueue(name, { name, ...options });
  await boss.updateQueue(name, { name, ...options });
}

/** The one way to enqueue: the payload is validated before it is stored. */
export async function enqueue<Q extends QueueName>(
  boss: PgBoss,
  queue: Q,
  payload: QueuePayload<Q>,
): Promise<string | null> {
  // The queue's settings are sent with each job too, so they hold even for a queue an older
  // version created without them.
  return boss.send(queue, parsePayload(queue, payload), { ...queueOptions[queue] });
}
