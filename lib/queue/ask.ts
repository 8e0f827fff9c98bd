import { z } from "zod";
import { AppError, appError } from "@/lib/errors";
import { jobSender } from "@/lib/queue/sender";
import {
  answers,
  parsePayload,
  type AskQueue,
  type QueueAnswer,
  type QueuePayload,
} from "@/lib/queue/queues";
import { issuesText } from "@/lib/schemas/issues";

// Request/reply over pg-boss for the questions only the worker can answer (it reads WAL with
// pg_waldump; the web app never runs a PostgreSQL program): send a job, wait for its output,
// and parse it with the queue's answer schema (queues.ts `answers`).

const POLL_MS = 150;

/** pg-boss stores a failed handler's error as the job's output. */
const failureSchema = z.object({ message: z.string() });

/** The worker's output parsed as `queue`'s answer; one of another shape is a 500 naming the queue. */
export function parseAnswer<Q extends AskQueue>(queue: Q, output: unknown): QueueAnswer<Q> {
  const parsed = answers[queue].safeParse(output);
  if (parsed.success) return parsed.data as QueueAnswer<Q>;
  throw new AppError(
    "internal_server_error",
    `The worker's answer to ${queue} does not have the expected shape (${issuesText(parsed.error)}): are the web app and the worker the same version?`,
  );
}

/** The worker's answer, typed by its queue; a 503 when no worker answers in time. */
export async function askWorker<Q extends AskQueue>(
  queue: Q,
  payload: QueuePayload<Q>,
  timeoutMs = 20_000,
): Promise<QueueAnswer<Q>> {
  const boss = await jobSender();
  const id = await boss.send(queue, parsePayload(queue, payload), {
    retryLimit: 0,
    expireInSeconds: Math.ceil(timeoutMs / 1000) + 30,
  });
  if (!id) throw new AppError("internal_server_error", `could not queue ${queue}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const job = await boss.getJobById<unknown>(queue, id);
    if (job?.state === "completed") return parseAnswer(queue, job.output);
    if (job?.state === "failed" || job?.state === "cancelled") {
      const failure = failureSchema.safeParse(job.output);
      throw new AppError(
        "internal_server_error",
        `the worker could not answer: ${failure.success ? failure.data.message : job.state}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await boss.cancel(queue, id).catch(() => {});
  throw appError("upstream_unavailable", "request.workerSilent", { seconds: Math.round(timeoutMs / 1000) });
}
