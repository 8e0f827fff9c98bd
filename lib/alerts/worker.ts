import pg from "pg";
import { evaluateAlerts, type EvaluationSummary } from "@/lib/alerts/evaluate";
import { deliverDueNotifications } from "@/lib/alerts/notify";
import { LOCK_NAMESPACE } from "@/lib/clusters/sampler-lock";
import { env } from "@/lib/env";

// The worker's alert loops: evaluation every 5 s (one worker at a time, by an advisory lock on
// the catalog, so two workers never open the same alert twice) and delivery every 2 s (any
// worker; each delivery is claimed before it is attempted).

export const EVALUATE_EVERY_MS = 5_000;
export const DELIVER_EVERY_MS = 2_000;
/** pg_try_advisory_lock(namespace, key): Walden's "WALD" and "ALRT". */
const LOCK_KEY = 0x414c5254;

/** One evaluation pass if no other worker is evaluating now; null when it was. */
export async function evaluateAlertsLocked(
  databaseUrl: string,
  now: () => Date = () => new Date(),
): Promise<EvaluationSummary | null> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "walden-alert-lock" });
  client.on("error", () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      "select pg_try_advisory_lock($1, $2) as locked",
      [LOCK_NAMESPACE, LOCK_KEY],
    );
    if (!rows[0]?.locked) return null;
    try {
      return await evaluateAlerts(now());
    } finally {
      await client.query("select pg_advisory_unlock($1, $2)", [LOCK_NAMESPACE, LOCK_KEY]);
    }
  } finally {
    // Ending the session would release the lock anyway, should the unlock above have failed.
    await client.end().catch(() => {});
  }
}

/** Runs `work` every `everyMs`, never two at once; the returned stop waits for a running pass. */
function loop(everyMs: number, work: () => Promise<void>): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = work().finally(() => {
      if (!stopped) timer = setTimeout(tick, everyMs);
    });
  };
  timer = setTimeout(tick, everyMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** One evaluation pass, logged when it changed something; a failure is logged, not thrown. */
export async function evaluateAndLog(log: (line: string) => void): Promise<void> {
  try {
    const summary = await evaluateAlertsLocked(env().DATABASE_URL);
    if (summary && (summary.fired || summary.resolved)) {
      log(
        `alerts: ${summary.fired} fired, ${summary.resolved} resolved, ${summary.notifications} notifications queued`,
      );
    }
  } catch (error) {
    log(`alert evaluation failed: ${(error as Error).message}`);
  }
}

/** The evaluation and delivery loops; the alert.evaluate queue asks for a pass in between. */
export function startAlertLoops(log: (line: string) => void): { stop(): Promise<void> } {
  const evaluate = () => evaluateAndLog(log);
  const evaluation = loop(EVALUATE_EVERY_MS, evaluate);
  const delivery = loop(DELIVER_EVERY_MS, async () => {
    try {
      const counts = await deliverDueNotifications();
      if (counts.delivered || counts.failed || counts.retrying) {
        log(
          `notifications: ${counts.delivered} delivered, ${counts.retrying} to retry, ${counts.failed} failed`,
        );
      }
    } catch (error) {
      log(`notification delivery failed: ${(error as Error).message}`);
    }
  });
  return {
    async stop() {
      await Promise.all([evaluation.stop(), delivery.stop()]);
    },
  };
}
