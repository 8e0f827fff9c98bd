import { ensureQueues } from "@/lib/queue/boss";
import { parsePayload } from "@/lib/queue/queues";
import { jobSender } from "@/lib/queue/sender";
import { restorePlan } from "@/lib/worker/handlers/restore-plan";

// The worker's restore.plan handler, served in the test's own process, so the API's restore
// requests get their plan without a worker running. For *.pg.test.ts files only.

/** Serves restore.plan jobs here until stopServingPlanRequests(). */
export async function servePlanRequests(): Promise<void> {
  const boss = await jobSender();
  await ensureQueues(boss);
  await boss.work("restore.plan", { pollingIntervalSeconds: 0.5 }, async (jobs) => {
    let answer: unknown;
    const ctx = { boss, workerId: "test-worker", log: () => {}, mayReap: () => true };
    for (const job of jobs) answer = await restorePlan.handle(parsePayload("restore.plan", job.data), ctx);
    return answer;
  });
}

export async function stopServingPlanRequests(): Promise<void> {
  await (await jobSender()).offWork("restore.plan").catch(() => {});
}
