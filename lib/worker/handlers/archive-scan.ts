import { db } from "@/lib/db";
import { enqueue } from "@/lib/queue/boss";
import { captureRelationMap } from "@/lib/restore/events/relation-map";
import { keepArchiveWatched } from "@/lib/wal/archive-watch";
import { refreshRestoreWindow } from "@/lib/wal/refresh-window";
import { sealClusterArchive } from "@/lib/wal/sealed-wal";
import { defineHandler } from "@/lib/worker/handler";

// archive.scan — one cluster's archive coverage and restorable window
export const archiveScan = defineHandler({
  queue: "archive.scan",
  async handle({ clusterId }, { boss, log }) {
    // Encrypted at rest: complete segments are sealed before the window is read (sealed-wal.ts).
    await sealClusterArchive(clusterId, log);
    // And from now until the next scan, each segment as it is archived (archive-watch.ts).
    await keepArchiveWatched(clusterId, log);
    await refreshRestoreWindow(clusterId);
    // Then the new WAL goes offsite (a job of its own: an upload must not hold the scan).
    if (await db().offsiteRepository.count({ where: { clusterId } }))
      await enqueue(boss, "offsite.ship", { clusterId });
    // Table names by relfilenode, each minute (an unchanged map is not stored), so the event
    // finder can name a table created and dropped between two backups.
    await captureRelationMap(clusterId).catch((error) =>
      log(`relation map of ${clusterId} failed: ${(error as Error).message}`),
    );
  },
});
