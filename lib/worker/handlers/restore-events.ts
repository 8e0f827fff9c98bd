import { findTableEvents } from "@/lib/restore/events/find-events";
import { tableEventsQuerySchema } from "@/lib/schemas/restore";
import { defineHandler } from "@/lib/worker/handler";

// restore.events — the event finder's question: transactions that dropped, truncated or emptied a table
export const restoreEvents = defineHandler({
  queue: "restore.events",
  work: { pollingIntervalSeconds: 0.5 },
  handle: async ({ clusterId, query }) => findTableEvents(clusterId, tableEventsQuerySchema.parse(query)),
});
