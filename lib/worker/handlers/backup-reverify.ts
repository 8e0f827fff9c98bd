import { db } from "@/lib/db";
import { enqueue } from "@/lib/queue/boss";
import { defineHandler } from "@/lib/worker/handler";

// backup.reverify — weekly: a backup nobody checked is a hope, not a backup.
export const backupReverify = defineHandler({
  queue: "backup.reverify",
  schedule: "0 4 * * 0",
  async handle(_payload, { boss }) {
    const due = await db().backup.findMany({
      where: {
        status: "succeeded",
        OR: [{ verifiedAt: null }, { verifiedAt: { lt: new Date(Date.now() - 7 * 86_400_000) } }],
      },
      select: { id: true },
    });
    for (const backup of due) await enqueue(boss, "backup.verify", { backupId: backup.id });
  },
});
