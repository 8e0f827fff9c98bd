import type PgBoss from "pg-boss";
import { env } from "@/lib/env";
import { createBoss } from "@/lib/queue/boss";

// The web app only sends jobs; the worker runs them. One sending instance per process, with
// pg-boss's maintenance and cron supervision left to the workers.
const globalForBoss: typeof globalThis & { bossSender?: Promise<PgBoss> } = globalThis;

export function jobSender(): Promise<PgBoss> {
  globalForBoss.bossSender ??= (async () => {
    const boss = createBoss(env().DATABASE_URL, { supervise: false, schedule: false });
    boss.on("error", (error) => console.error("[jobs] pg-boss:", error));
    await boss.start();
    return boss;
  })().catch((error) => {
    globalForBoss.bossSender = undefined;
    throw error;
  });
  return globalForBoss.bossSender;
}
