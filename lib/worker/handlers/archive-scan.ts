import { captureRelationMap } from "@/lib/restore/events/relation-map";
import { refreshRestoreWindow } from "@/lib/wal/refresh-window";
import { defineHandler } from "@/lib/worker/handler";

// archive.scan — one cluster's archive coverage and restorable window
export const archiveScan = defineHandler({
  queue: "archive.scan",
  async handle({ clusterId }, { log }) {
    await refreshRestoreWindow(clusterId);
    // Table names by relfilenode, each minute (an unchanged map is not stored), so the event
    // finder can name a table created and dropped between two backups.
    await captureRelationMap(clusterId).catch((error) =>
      log(`relation map of ${clusterId} failed: ${(error as Error).message}`),
    );
  },
});
