import { copyBackupOffsite } from "@/lib/backup/offsite-copy";
import { defineHandler } from "@/lib/worker/handler";

// offsite.copy — a succeeded backup to the cluster's offsite repository (S3-compatible)
export const offsiteCopy = defineHandler({
  queue: "offsite.copy",
  work: { batchSize: 1 },
  async handle({ backupId }, { workerId, log }) {
    const result = await copyBackupOffsite(backupId, workerId, { log });
    log(
      `offsite.copy ${backupId}: ${result.ok ? "copied and checked" : result.alreadyRunning ? "another worker is copying it" : "FAILED"}`,
    );
    // A storage away for longer than the tries: pg-boss runs the job again later (retryDelay,
    // backoff), a fresh copy row each time; a wrong secret or missing bucket is not retried.
    if (result.retryable)
      throw new Error(`offsite copy of backup ${backupId}: the storage is unreachable; retried later`);
  },
});
