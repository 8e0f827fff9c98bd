import { runBackup } from "@/lib/backup/run";
import { db } from "@/lib/db";
import { enqueue } from "@/lib/queue/boss";
import { captureRelationMap } from "@/lib/restore/events/relation-map";
import { defineHandler } from "@/lib/worker/handler";

// backup.run — one at a time per worker: pg_basebackup and pg_dump are I/O-bound, and several
// workers share the queue.
export const backupRun = defineHandler({
  queue: "backup.run",
  work: { batchSize: 1 },
  async handle({ backupId }, { boss, workerId, log }) {
    log(`backup.run ${backupId}`);
    await runBackup(backupId, workerId);
    // A new backup changes the restorable window; with a second repository it also needs its copy.
    const done = await db().backup.findUniqueOrThrow({
      where: { id: backupId },
      include: {
        cluster: {
          select: { secondaryRepositoryPath: true, offsiteRepository: { select: { clusterId: true } } },
        },
      },
    });
    await enqueue(boss, "archive.scan", { clusterId: done.clusterId });
    // Table names by relfilenode as of this backup, so the event finder can name a table dropped later.
    if (done.status === "succeeded" && done.kind === "physical") {
      await captureRelationMap(done.clusterId, { backupId }).catch((error) =>
        log(`relation map after backup ${backupId} failed: ${(error as Error).message}`),
      );
    }
    if (done.status === "succeeded" && done.cluster.secondaryRepositoryPath) {
      await enqueue(boss, "backup.copy", { backupId });
    }
    if (done.status === "succeeded" && done.cluster.offsiteRepository) {
      await enqueue(boss, "offsite.copy", { backupId });
    }
  },
});
