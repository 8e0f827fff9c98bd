import { evaluateAndLog } from "@/lib/alerts/worker";
import { defineHandler } from "@/lib/worker/handler";

// alert.evaluate — a pass now (after a rule changes, say) instead of at the loop's next tick
export const alertEvaluate = defineHandler({
  queue: "alert.evaluate",
  handle: async (_payload, { log }) => evaluateAndLog(log),
});
