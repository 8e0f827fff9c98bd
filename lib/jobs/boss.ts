import PgBoss from "pg-boss";
import { parsePayload, queueNames, type QueueName, type QueuePayload } from "@/lib/jobs/queues";

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

/** pg-boss 10 needs each queue created before use; createQueue is idempotent. */
export async function ensureQueues(boss: PgBoss): Promise<void> {
  for (const name of queueNames) await boss.createQueue(name);
}

/** The one way to enqueue: the payload is validated before it is stored. */
export async function enqueue<Q extends QueueName>(
  boss: PgBoss,
  queue: Q,
  payload: QueuePayload<Q>,
): Promise<string | null> {
  return boss.send(queue, parsePayload(queue, payload));
}
