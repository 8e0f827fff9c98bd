import { startDueVerifications } from "@/lib/schedules/verify";
import { defineHandler } from "@/lib/worker/handler";

// backup.reverify — every 15 minutes: the clusters whose verification schedule fired get their
// backups not verified in the last week verified again (lib/schedules/verify.ts). A backup nobody
// checked is a hope, not a backup.
export const backupReverify = defineHandler({
  queue: "backup.reverify",
  schedule: "*/15 * * * *",
  async handle(_payload, { boss, log }) {
    await startDueVerifications(boss, new Date(), log);
  },
});
