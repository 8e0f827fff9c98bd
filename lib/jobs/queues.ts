import { z } from "zod";

// Every queue the worker knows, with the schema of its payload. Payloads carry ids only;
// the handler reads the rest from the catalog (style.md "One path per concern").
const id = z.uuid();

export const queues = {
  "backup.run": z.strictObject({ backupId: id }),
  "backup.verify": z.strictObject({ backupId: id }),
  /** Queues backup.verify for every backup not verified in the last week; scheduled weekly. */
  "backup.reverify": z.strictObject({}),
  /** Copies a succeeded backup to the cluster's second repository (3-2-1). */
  "backup.copy": z.strictObject({ backupId: id }),
  "restore.run": z.strictObject({ restoreId: id }),
  /** Asked by the web app and answered by the worker (it reads WAL): a plan or why not. */
  "restore.plan": z.strictObject({ request: z.looseObject({}) }),
  /** Asked by the web app: transactions that dropped, truncated or emptied a table. */
  "restore.events": z.strictObject({ clusterId: id, query: z.looseObject({}) }),
  /** Tears down expired restored instances, fails restores whose worker stopped, starts due drills; every minute. */
  "restore.sweep": z.strictObject({}),
  "retention.apply": z.strictObject({ clusterId: id }),
  /** Fans out retention.apply to every cluster; scheduled daily. */
  "retention.sweep": z.strictObject({}),
  "archive.scan": z.strictObject({ clusterId: id }),
  /** Fans out archive.scan to every cluster; scheduled every minute. */
  "archive.sweep": z.strictObject({}),
  /** Stores the finished month's reports as evidence; without a month, the previous one (scheduled monthly). */
  "report.snapshot": z.strictObject({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional() }),
  /** Asked by the web app: the monthly report page printed to PDF by headless Chromium. */
  "report.pdf": z.strictObject({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), clusterId: id.optional() }),
  "alert.evaluate": z.strictObject({}),
  /** Rolls raw lag samples up into minute and hour buckets and prunes old history; every minute. */
  "replication.rollup": z.strictObject({}),
  /** Deletes expired browser sessions; scheduled hourly by the worker. */
  "catalog.prune": z.strictObject({}),
} as const;

export type QueueName = keyof typeof queues;
export type QueuePayload<Q extends QueueName> = z.infer<(typeof queues)[Q]>;

export const queueNames = Object.keys(queues) as QueueName[];

/** Validates a payload against its queue's schema; a bad payload never reaches the queue or a handler. */
export function parsePayload<Q extends QueueName>(queue: Q, data: unknown): QueuePayload<Q> {
  return queues[queue].parse(data) as QueuePayload<Q>;
}
