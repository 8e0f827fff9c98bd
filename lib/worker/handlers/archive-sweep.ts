import { db } from "@/lib/db";
import { enqueue } from "@/lib/queue/boss";
import { defineHandler } from "@/lib/worker/handler";

// archive.sweep — every minute, rescan every registered cluster's archive (cheap: a directory
// listing, and pg_waldump only on new edge segments).
export const archiveSweep = defineHandler({
  queue: "archive.sweep",
  schedule: "* * * * *",
  async handle(_payload, { boss }) {
    for (const cluster of await db().cluster.findMany({ where: { retiredAt: null }, select: { id: true } }))
      await enqueue(boss, "archive.scan", { clusterId: cluster.id });
  },
});
