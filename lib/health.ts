import { db, isCatalogUnavailable } from "@/lib/db";

/** A worker that has not beaten for this long is considered down (it beats every 5 s). */
export const WORKER_STALE_AFTER_MS = 15_000;

export interface Health {
  status: "ok" | "degraded" | "down";
  catalog: "ok" | "down";
  worker: "ok" | "down";
  workers: number;
  lastHeartbeatAt: string | null;
}

export function workerIsFresh(
  lastBeat: Date | null,
  now: Date,
  staleAfterMs = WORKER_STALE_AFTER_MS,
): boolean {
  return lastBeat !== null && now.getTime() - lastBeat.getTime() <= staleAfterMs;
}

export async function getHealth(now = new Date()): Promise<Health> {
  try {
    const beats = await db().workerHeartbeat.findMany({
      where: { beatAt: { gte: new Date(now.getTime() - WORKER_STALE_AFTER_MS) } },
      orderBy: { beatAt: "desc" },
    });
    const last = beats[0]?.beatAt ?? null;
    const worker = workerIsFresh(last, now) ? "ok" : "down";
    return {
      status: worker === "ok" ? "ok" : "degraded",
      catalog: "ok",
      worker,
      workers: beats.length,
      lastHeartbeatAt: last?.toISOString() ?? null,
    };
  } catch (error) {
    if (isCatalogUnavailable(error)) console.error("[health] catalog database unavailable");
    else console.error("[health] catalog query failed:", error);
    return { status: "down", catalog: "down", worker: "down", workers: 0, lastHeartbeatAt: null };
  }
}
