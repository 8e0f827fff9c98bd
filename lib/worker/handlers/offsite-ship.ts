import { shipWalOffsite } from "@/lib/wal/offsite-ship";
import { defineHandler } from "@/lib/worker/handler";

// offsite.ship — archived WAL not yet offsite goes up, after each archive scan
export const offsiteShip = defineHandler({
  queue: "offsite.ship",
  work: { batchSize: 1 },
  async handle({ clusterId }, { log }) {
    const shipped = await shipWalOffsite(clusterId, { log });
    if (shipped.segments.length || shipped.histories.length)
      log(
        `offsite.ship ${clusterId}: ${shipped.segments.length} segment(s), ${shipped.histories.length} history file(s)`,
      );
  },
});
