import { z } from "zod";

// The event finder's answer (GET /api/v1/clusters/:id/table-events, computed by the worker's
// restore.events): transactions that dropped, truncated or emptied a table, each with "restore
// to just before". A schema because it crosses the queue as JSON and is parsed there (lib/queue).

export const tableEventSchema = z.object({
  xid: z.number(),
  kind: z.enum(["drop", "truncate", "delete"]),
  deletedRows: z.number().optional(),
  commitTime: z.string(),
  commitLsn: z.string(),
  relations: z.array(z.string()),
  /** Restore to just before the transaction: its xid, not inclusive. */
  restoreTarget: z.object({ type: z.literal("xid"), value: z.string(), inclusive: z.literal(false) }),
});
export type TableEvent = z.infer<typeof tableEventSchema>;

export const tableEventsResultSchema = z.object({
  clusterId: z.string(),
  /** schema.table */
  table: z.string(),
  database: z.string(),
  from: z.string(),
  to: z.string(),
  minDeletedRows: z.number(),
  events: z.array(tableEventSchema),
  scannedSegments: z.number(),
  /** The first and last segment read, or null when none was. */
  scannedWal: z.object({ from: z.string(), to: z.string() }).nullable(),
  /**
   * True when not all of the range was read: it held more than the finder reads at most (the
   * oldest were left out), or reading ran out of time (the newest were); `problems` says which.
   */
  capped: z.boolean(),
  /** Relation maps consulted, and the oldest one's time. */
  relationMaps: z.object({ count: z.number(), oldest: z.string().nullable() }),
  problems: z.array(z.string()),
});
export type TableEventsResult = z.infer<typeof tableEventsResultSchema>;
