import { workerSetting } from "@/lib/env";

// The worker's settings for restored instances, read by the worker (ports) and by the web side
// too (the capacity check before a restore is queued), so parsed here once, without I/O.

/** WALDEN_RESTORE_PORTS "27000-27099": below Linux's ephemeral range, where clients take ports. */
export function restorePortRange(
  value = workerSetting("WALDEN_RESTORE_PORTS") ?? "27000-27099",
): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(value.trim());
  const [low, high] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(low >= 1024 && high <= 65535 && low <= high))
    throw new Error(`WALDEN_RESTORE_PORTS must look like 27000-27099, got ${value}`);
  return [low, high];
}

export function maxRunningInstances(value = workerSetting("WALDEN_RESTORE_MAX_INSTANCES") ?? "3"): number {
  const max = Number(value);
  return Number.isInteger(max) && max >= 1 ? max : 3;
}
