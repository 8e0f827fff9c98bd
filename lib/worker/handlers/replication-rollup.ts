import { rollUpReplication } from "@/lib/replication/rollup";
import { defineHandler } from "@/lib/worker/handler";

// replication.rollup — raw lag samples into minute and hour buckets, every minute
export const replicationRollup = defineHandler({
  queue: "replication.rollup",
  schedule: "* * * * *",
  async handle() {
    await rollUpReplication();
  },
});
