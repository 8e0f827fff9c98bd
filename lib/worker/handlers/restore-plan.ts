import { answerPlanRequest } from "@/lib/restore/plan-service";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";
import { defineHandler } from "@/lib/worker/handler";

// restore.plan — a question the web app waits on (only the worker reads WAL): polled often
export const restorePlan = defineHandler({
  queue: "restore.plan",
  work: { pollingIntervalSeconds: 0.5 },
  handle: async ({ request }) => answerPlanRequest(pitrRestoreRequestSchema.parse(request)),
});
