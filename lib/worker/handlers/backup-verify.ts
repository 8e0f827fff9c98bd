import { verifyBackup } from "@/lib/backup/verify";
import { defineHandler } from "@/lib/worker/handler";

// backup.verify — unpack and pg_verifybackup (physical), or pg_restore --list (logical)
export const backupVerify = defineHandler({
  queue: "backup.verify",
  work: { batchSize: 1 },
  async handle({ backupId, source, identity }, { workerId, log }) {
    const passed = await verifyBackup(backupId, workerId, { source, identity });
    log(
      `backup.verify ${backupId}: ${passed === null ? "not verified now (not a succeeded backup, or another worker verifies it)" : passed ? "verified" : "FAILED"}`,
    );
  },
});
