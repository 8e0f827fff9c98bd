import type PgBoss from "pg-boss";
import type { AskQueue, QueueAnswer, QueueName, QueuePayload } from "@/lib/queue/queues";

// One queue handler of the worker: the queue it serves, how it is polled, its cron schedule
// if it has one, and what it does with one job's payload (validated before it gets here).
// lib/worker/handlers/index.ts lists them all; main.ts registers the list.

export interface WorkerContext {
  boss: PgBoss;
  workerId: string;
  log: (line: string) => void;
  /** False right after a catalog outage: heartbeats it swallowed are not deaths. */
  mayReap: () => boolean;
}

export interface QueueHandler<Q extends QueueName = QueueName> {
  queue: Q;
  /** pg-boss polling: batch size 1 for long I/O-bound work, a short interval for questions the web app waits on. */
  work?: PgBoss.WorkOptions;
  /** A cron expression in UTC: pg-boss starts the job on that schedule, on one worker. */
  schedule?: string;
  /**
   * Handles one job; a question's answer is the returned value (the job's output), of the shape
   * its queue's answer schema names (lib/queue/queues.ts `answers`). A method, so the list in
   * handlers/index.ts can hold handlers of different queues.
   */
  handle(
    payload: QueuePayload<Q>,
    ctx: WorkerContext,
  ): Promise<Q extends AskQueue ? QueueAnswer<Q> : unknown>;
}

/** Keeps each handler's payload type tied to its queue. */
export function defineHandler<Q extends QueueName>(handler: QueueHandler<Q>): QueueHandler<Q> {
  return handler;
}
