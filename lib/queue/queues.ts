import { z } from "zod";
import { locales } from "@/lib/i18n/locales";
import { renderedReportPdfSchema } from "@/lib/schemas/report";
import { restoreSourceSchema } from "@/lib/schemas/restore";
import { planAnswerSchema } from "@/lib/schemas/restore-plan";
import { tableEventsResultSchema } from "@/lib/schemas/table-events";

// Every queue the worker knows, with the schema of its payload. Payloads carry ids only;
// the handler reads the rest from the catalog (style.md "One path per concern").
const id = z.uuid();

export const queues = {
  "backup.run": z.strictObject({ backupId: id }),
  /** `source` names the copy to check (default: local when whole, else offsite). */
  "backup.verify": z.strictObject({
    backupId: id,
    source: restoreSourceSchema.optional(),
    /** The key of a backup encrypted at rest, sealed (lib/restore/identity.ts); never plain. */
    identity: z.string().optional(),
  }),
  /** Queues backup.verify for the backups of clusters whose verification schedule fired (lib/schedules/verify.ts). */
  "backup.reverify": z.strictObject({}),
  /** Copies a succeeded backup to the cluster's second repository (3-2-1). */
  "backup.copy": z.strictObject({ backupId: id }),
  /** Copies a succeeded backup to the cluster's offsite repository (S3-compatible storage). */
  "offsite.copy": z.strictObject({ backupId: id }),
  /** Ships archived WAL not yet offsite to the cluster's offsite repository; after each archive scan. */
  "offsite.ship": z.strictObject({ clusterId: id }),
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
  "report.snapshot": z.strictObject({
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
      .optional(),
  }),
  /** Asked by the web app: the monthly report page printed to PDF by headless Chromium. */
  "report.pdf": z.strictObject({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
    clusterId: id.optional(),
    /** The language the page is printed in (the walden_locale cookie of the renderer); default en. */
    locale: z.enum(locales).optional(),
  }),
  /** Mails a month's report as PDF: one mailing by id (an admin's "send now"), or without one last month's (the 1st). */
  "report.mail": z.strictObject({ mailingId: id.optional() }),
  "alert.evaluate": z.strictObject({}),
  /** Rolls raw lag samples up into minute and hour buckets and prunes old history; every minute. */
  "replication.rollup": z.strictObject({}),
  /** Deletes expired browser sessions; scheduled hourly by the worker. */
  "catalog.prune": z.strictObject({}),
  /** The demo's failover button (admin, the sandbox's cluster only): promote a node, rewind the old primary. */
  "sandbox.failover": z.strictObject({ clusterId: id, node: z.enum(["primary", "standby1", "standby2"]) }),
} as const;

export type QueueName = keyof typeof queues;
export type QueuePayload<Q extends QueueName> = z.infer<(typeof queues)[Q]>;

/**
 * The questions: queues the web app asks and waits on (askWorker), with the schema of the
 * worker's answer. The answer is parsed where it arrives, so the asker gets a typed value and
 * an answer of another shape is an error there, not a cast.
 */
export const answers = {
  "restore.plan": planAnswerSchema,
  "restore.events": tableEventsResultSchema,
  "report.pdf": renderedReportPdfSchema,
} as const satisfies Partial<Record<QueueName, z.ZodType>>;

export type AskQueue = keyof typeof answers;
export type QueueAnswer<Q extends AskQueue> = z.output<(typeof answers)[Q]>;

/** pg-boss's expiry and retry settings for one queue (createQueue/updateQueue and send options). */
export interface QueueOptions {
  /** A job still active after this long is taken as lost: failed, and retried if retries remain. */
  expireInSeconds: number;
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
}

/** pg-boss 10 refuses an expiry of 24 hours or more (attorney.js MAX_EXPIRATION_HOURS). */
export const MAX_EXPIRE_SECONDS = 23 * 3600;

// Long work (a base backup of many GB, a verification that unpacks it, a copy, a restore)
// may run for hours: its job expires only after the longest time pg-boss allows, so a 6-hour
// backup is never handed to a second worker while it runs. Beyond that, or when a delivery
// comes twice anyway, the handler's claim in the catalog (status/worker/heartbeat) makes the
// second delivery do nothing. Retries only help a job that failed before it claimed its row.
const long = (retryLimit: number, retryDelay: number): QueueOptions => ({
  expireInSeconds: MAX_EXPIRE_SECONDS,
  retryLimit,
  retryDelay,
  retryBackoff: true,
});
// Short, periodic work: the next run (a minute or an hour later) does it anyway.
const short = (expireInSeconds: number, retryLimit = 0, retryDelay = 30): QueueOptions => ({
  expireInSeconds,
  retryLimit,
  retryDelay,
  retryBackoff: false,
});

/** Every queue's expiry and retries, in one table. */
export const queueOptions: Record<QueueName, QueueOptions> = {
  "backup.run": long(1, 60),
  "backup.verify": long(2, 300),
  "backup.reverify": short(1800, 2, 300),
  "backup.copy": long(2, 300),
  "offsite.copy": long(2, 300),
  "offsite.ship": short(3600),
  "restore.run": long(1, 60),
  "restore.plan": short(60),
  "restore.events": short(120),
  "restore.sweep": short(900),
  "retention.apply": short(7200, 1, 300),
  "retention.sweep": short(600, 1, 60),
  "archive.scan": short(1800),
  "archive.sweep": short(300),
  "report.snapshot": short(3600, 2, 600),
  "report.pdf": short(300),
  "report.mail": short(1800, 2, 600),
  "alert.evaluate": short(300),
  "replication.rollup": short(900),
  "catalog.prune": short(900, 1, 300),
  "sandbox.failover": short(300),
};

/** A backup schedule's own queue (schedule.<id>): it only decides and queues backup.run. */
export const scheduleQueueOptions: QueueOptions = short(600, 2, 60);

export const queueNames = Object.keys(queues) as QueueName[];

/** Validates a payload against its queue's schema; a bad payload never reaches the queue or a handler. */
export function parsePayload<Q extends QueueName>(queue: Q, data: unknown): QueuePayload<Q> {
  return queues[queue].parse(data) as QueuePayload<Q>;
}
