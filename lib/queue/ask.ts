import { AppError } from "@/lib/errors";
import { jobSender } from "@/lib/queue/sender";
import { parsePayload, type QueueName, type QueuePayload } from "@/lib/queue/queues";

// Request/reply over pg-boss for the questions only the worker can answer (it reads WAL with
// pg_waldump; the web app never runs a PostgreSQL program): send a job, wait for its output.

const POLL_MS = 150;

/** The worker's answer: the handler's return value (an object), or a 503 when no worker answers. */
export async function askWorker<Q extends QueueName>(
  queue: Q,
  payload: QueuePayload<Q>,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  const boss = await jobSender();
  const id = await boss.send(queue, parsePayload(queue, payload), {
    retryLimit: 0,
    expireInSeconds: Math.ceil(timeoutMs / 1000) + 30,
  });
  if (!id) throw new AppError("internal_server_error", `could not queue ${queue}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const job = await boss.getJobById<unknown>(queue, id);
    if (job?.state === "completed") return (job.output ?? {}) as Record<string, unknown>;
    if (job?.state === "failed" || job?.state === "cancelled") {
      const output = job.output as { message?: string } | null;
      throw new AppError(
        "internal_server_error",
        `the worker could not answer: ${output?.message ?? job.state}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await boss.cancel(queue, id).catch(() => {});
  throw new AppError(
    "upstream_unavailable",
    `The worker did not answer within ${Math.round(timeoutMs / 1000)} s: is a worker running (npm run worker)?`,
  );
}
