import { db } from "@/lib/db";
import { enqueue } from "@/lib/queue/boss";
import { defineHandler } from "@/lib/worker/handler";

// retention.sweep — daily for every registered cluster; a deleted (retired) cluster's files stay
// until an admin removes them, so it gets no retention.
export const retentionSweep = defineHandler({
  queue: "retention.sweep",
  schedule: "30 3 * * *",
  async handle(_payload, { boss }) {
    for (const cluster of await db().cluster.findMany({ where: { retiredAt: null }, select: { id: true } }))
      await enqueue(boss, "retention.apply", { clusterId: cluster.id });
  },
});
