import { copyBackup } from "@/lib/backup/copy";
import { defineHandler } from "@/lib/worker/handler";

// backup.copy — the 3-2-1 copy into the cluster's second repository
export const backupCopy = defineHandler({
  queue: "backup.copy",
  work: { batchSize: 1 },
  async handle({ backupId }, { workerId, log }) {
    const result = await copyBackup(backupId, workerId);
    log(
      `backup.copy ${backupId}: ${result.ok ? "copied and checked" : result.alreadyRunning ? "another worker is copying it" : "FAILED"}`,
    );
  },
});
