import { runRestore } from "@/lib/restore/run";
import { defineHandler } from "@/lib/worker/handler";

// restore.run — one at a time per worker: extraction and replay are I/O-bound.
export const restoreRun = defineHandler({
  queue: "restore.run",
  work: { batchSize: 1, pollingIntervalSeconds: 1 },
  async handle({ restoreId }, { workerId, log }) {
    log(`restore.run ${restoreId}`);
    await runRestore(restoreId, workerId);
  },
});
